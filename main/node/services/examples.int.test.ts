import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadLab } from '../../common/topology/load-lab'
import { LabHost } from '../lab-host/lab-host'
import { MetricsRegistry } from '../metrics/metrics-registry'
import { serviceModules } from './registry'

const examplesDir = fileURLToPath(new URL('../../../resources/examples/', import.meta.url))
const examples = (await readdir(examplesDir)).filter((name) => /\.ya?ml$/.test(name))

describe('every example lab', () => {
  // A lab CA made for an example with https stays in a temp folder, never in the user's data directory.
  let data: string
  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), 'netloom-examples-'))
    process.env['NETLOOM_DATA_DIR'] = data
  })
  afterAll(async () => {
    delete process.env['NETLOOM_DATA_DIR']
    await rm(data, { recursive: true, force: true })
  })

  it('exists', () => expect(examples.length).toBeGreaterThan(0))

  it.each(examples)('%s is valid and starts, answers and stops', async (name) => {
    const file = join(examplesDir, name)
    const source = await readFile(file, 'utf8')
    expect(loadLab(source).problems).toEqual([])
    // Free ports, so that the test never fights a running lab over 18080.
    const host = new LabHost({ modules: serviceModules, metrics: new MetricsRegistry() })
    try {
      const report = await host.apply(source.replace(/port: \d+/g, 'port: 0'), file)
      expect(report.error).toBeUndefined()
      expect(report.ok).toBe(true)
      for (const service of report.lab.services) {
        expect(service.state, service.id).toBe('running')
        const url = service.endpoints.find((e) => e.url)?.url
        if (url) expect((await fetch(url)).status, service.id).toBeLessThan(600)
      }
      const stopped = await host.stop()
      expect(stopped.services.every((s) => s.state === 'stopped')).toBe(true)
    } finally {
      await host.dispose()
    }
  })
})
