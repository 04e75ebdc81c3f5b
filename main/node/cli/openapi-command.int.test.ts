import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { runCli } from './cli'

const examples = fileURLToPath(new URL('../../../resources/examples/', import.meta.url))
let dir: string
let out: { stdout: string; stderr: string }
const io = () => ({ stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), cwd: dir })

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netloom-openapi-'))
  out = { stdout: '', stderr: '' }
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('netloom openapi', () => {
  it('exports a lab API and imports it back as an apis: entry', async () => {
    expect(await runCli(['openapi', 'export', join(examples, 'rest-api-stages.yaml'), '--api', 'shop', '--out', 'shop.json'], io())).toBe(0)
    const doc = JSON.parse(await readFile(join(dir, 'shop.json'), 'utf8'))
    expect(Object.keys(doc.paths)).toEqual(['/hello', '/orders'])
    expect(await runCli(['openapi', 'import', 'shop.json', '--id', 'shop2', '--type', 'rest'], io())).toBe(0)
    const [api] = parse(out.stdout) as [{ id: string; type: string; deployments: { resources: { path: string }[] }[] }]
    expect(api).toMatchObject({ id: 'shop2', type: 'rest' })
    expect(api.deployments[0]!.resources.map((r) => r.path)).toEqual(['/hello', '/orders'])
  })

  it('says which file and what is wrong', async () => {
    await writeFile(join(dir, 'not-openapi.yaml'), 'hello: world\n')
    expect(await runCli(['openapi', 'import', 'not-openapi.yaml', '--id', 'x'], io())).toBe(1)
    expect(out.stderr).toBe('not-openapi.yaml: not an OpenAPI document: it has no "paths"\n')
    expect(await runCli(['openapi', 'import', 'nope.yaml', '--id', 'x'], io())).toBe(1)
    expect(out.stderr).toContain('nope.yaml: no such file')
    expect(await runCli(['openapi', 'import', 'not-openapi.yaml'], io())).toBe(2)
    expect(await runCli(['openapi', 'export', join(examples, 'websocket-chat.yaml')], io())).toBe(1)
    expect(out.stderr).toContain('API chat: WebSocket APIs have no OpenAPI form')
  })
})
