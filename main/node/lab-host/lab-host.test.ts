import { afterEach, describe, expect, it } from 'vitest'
import type { LabEvents } from '../../common/contract/lab-api'
import { MetricsRegistry } from '../metrics/metrics-registry'
import { createFakeModule } from '../testing/fake-service'
import type { ServiceModule } from '../services/service-module'
import { LabHost, planApply } from './lab-host'

function labYaml(services: string, name = 'test'): string {
  return `apiVersion: netloom/v1\nkind: Lab\nmetadata:\n  name: ${name}\nservices:\n${services}`
}

const twoServices = labYaml(`  - id: api
    kind: origin
    listen: { port: 8081 }
    dependsOn: [db]
  - id: db
    kind: origin
    listen: { port: 8082 }
`)

let hosts: LabHost[] = []
function makeHost(fake = createFakeModule()) {
  const host = new LabHost({ modules: [fake.module as ServiceModule], metrics: new MetricsRegistry() })
  hosts.push(host)
  return { host, ...fake }
}

afterEach(async () => {
  await Promise.all(hosts.map((h) => h.dispose()))
  hosts = []
})

describe('LabHost.apply', () => {
  it('starts services in dependency order and reports each one', async () => {
    const { host, calls } = makeHost()
    const report = await host.apply(twoServices)
    expect(report.ok).toBe(true)
    expect(calls).toEqual(['start db', 'start api'])
    expect(report.results.map((r) => [r.id, r.action, r.state])).toEqual([
      ['db', 'created', 'running'],
      ['api', 'created', 'running']
    ])
    expect(report.lab.state).toBe('running')
    expect(report.lab.services.map((s) => s.id)).toEqual(['api', 'db'])
  })

  it('rejects an invalid lab with positioned problems and leaves the running lab alone', async () => {
    const { host, calls } = makeHost()
    await host.apply(twoServices)
    calls.length = 0
    const report = await host.apply(labYaml(`  - id: api\n    kind: origin\n    listen: { port: "x" }\n`))
    expect(report.ok).toBe(false)
    expect(report.problems[0]).toMatchObject({ line: 8, path: ['services', 0, 'listen', 'port'] })
    expect(calls).toEqual([])
    expect(host.snapshot().services.map((s) => s.state)).toEqual(['running', 'running'])
  })

  it('on a start failure stops what it started in reverse order and reports the service', async () => {
    const { host, calls } = makeHost(createFakeModule({ failStart: (id) => id === 'api' }))
    const report = await host.apply(
      labYaml(`  - id: a
    kind: origin
    listen: { port: 1 }
  - id: b
    kind: origin
    listen: { port: 2 }
  - id: api
    kind: origin
    listen: { port: 3 }
`)
    )
    expect(report.ok).toBe(false)
    expect(report.error).toMatchObject({ code: 'LAB_ERR_SERVICE_START_FAILED', details: { serviceId: 'api' } })
    expect(calls).toEqual(['start a', 'start b', 'start api', 'stop b', 'stop a'])
    expect(report.lab.state).toBe('empty')
    expect(report.lab.services).toEqual([])
  })

  it('applies a changed lab in place: keeps, reconfigures, restarts and removes only what changed', async () => {
    const { host, calls } = makeHost()
    await host.apply(
      labYaml(`  - id: keep
    kind: origin
    listen: { port: 1 }
  - id: tweak
    kind: origin
    listen: { port: 2 }
  - id: move
    kind: origin
    listen: { port: 3 }
  - id: gone
    kind: origin
    listen: { port: 4 }
`)
    )
    calls.length = 0
    const report = await host.apply(
      labYaml(`  - id: keep
    kind: origin
    listen: { port: 1 }
  - id: tweak
    kind: origin
    listen: { port: 2 }
    config: { echo: false }
  - id: move
    kind: origin
    listen: { port: 4 }
`)
    )
    expect(report.ok).toBe(true)
    expect(Object.fromEntries(report.results.map((r) => [r.id, r.action]))).toEqual({
      keep: 'unchanged',
      tweak: 'reconfigured',
      move: 'restarted',
      gone: 'removed'
    })
    // "move" takes over port 4, so "gone" must be stopped before "move" starts again.
    expect(calls).toEqual(['stop gone', 'stop move', 'reconfigure tweak', 'start move'])
  })

  it('restores the previous lab when a changed lab fails to start', async () => {
    const { host, calls, claimed } = makeHost()
    await host.apply(labYaml(`  - id: web\n    kind: origin\n    listen: { port: 1 }\n`))
    claimed.add(2) // something else holds port 2
    calls.length = 0
    const report = await host.apply(labYaml(`  - id: web\n    kind: origin\n    listen: { port: 2 }\n`))
    expect(report.ok).toBe(false)
    expect(report.error?.code).toBe('LAB_ERR_PORT_IN_USE')
    // The new spec fails to start (a failed service has nothing to stop); the old one comes back.
    expect(calls).toEqual(['stop web', 'start web', 'start web'])
    const [web] = host.snapshot().services
    expect(web).toMatchObject({ id: 'web', state: 'running', endpoints: [{ port: 1 }] })
  })

  it('restarts a service whose config cannot change in place', async () => {
    const { host, calls } = makeHost()
    await host.apply(labYaml(`  - id: web\n    kind: origin\n    listen: { port: 1 }\n`))
    calls.length = 0
    const report = await host.apply(labYaml(`  - id: web\n    kind: origin\n    listen: { port: 1 }\n    config: { seed: 999 }\n`))
    expect(report.results).toMatchObject([{ id: 'web', action: 'restarted', state: 'running' }])
    expect(calls).toEqual(['reconfigure web', 'stop web', 'start web'])
  })
})

describe('LabHost events and stop', () => {
  it('pushes state changes and lab snapshots, and stops in reverse dependency order', async () => {
    const { host, calls } = makeHost()
    const states: LabEvents['services.stateChanged'][] = []
    const labStates: string[] = []
    host.events.on('services.stateChanged', (e) => states.push(e))
    host.events.on('lab.changed', (lab) => labStates.push(lab.state))
    await host.apply(twoServices)
    calls.length = 0
    const stopped = await host.stop()
    expect(calls).toEqual(['stop api', 'stop db'])
    expect(stopped.state).toBe('stopped')
    expect(states.filter((s) => s.id === 'db').map((s) => s.state)).toEqual(['starting', 'running', 'stopping', 'stopped'])
    expect(states.find((s) => s.state === 'running')?.endpoints).toEqual([
      { protocol: 'http', host: '127.0.0.1', port: 8082, url: 'http://127.0.0.1:8082/' }
    ])
    expect(labStates).toEqual(['starting', 'running', 'stopping', 'stopped'])
  })

  it('logs what it does', async () => {
    const { host } = makeHost()
    await host.apply(twoServices)
    expect(host.log.recent(10).map((e) => e.message)).toContain('applied lab "test" (2 services)')
  })

  it('refuses to act on a service that is not in the lab', async () => {
    const { host } = makeHost()
    await expect(host.startService('nope')).rejects.toMatchObject({ code: 'LAB_ERR_SERVICE_NOT_FOUND' })
  })
})

describe('planApply', () => {
  it('classifies each service', () => {
    const spec = (id: string, port: number, echo = true) => ({
      id,
      kind: 'origin' as const,
      listen: { host: '127.0.0.1', port },
      dependsOn: [],
      config: { routes: [], echo }
    })
    const plan = planApply([spec('a', 1), spec('b', 2), spec('c', 3)], [spec('a', 1), spec('b', 2, false), spec('c', 4), spec('d', 5)])
    expect(Object.fromEntries(plan)).toEqual({ a: 'keep', b: 'update', c: 'replace', d: 'create' })
  })
})

describe('lab state follows its services', () => {
  it('becomes degraded when one service is stopped by hand, and running again when it starts', async () => {
    const { host } = makeHost()
    await host.apply(`apiVersion: netloom/v1
kind: Lab
metadata: { name: t }
services:
  - { id: a, kind: origin, listen: { port: 0 } }
  - { id: b, kind: origin, listen: { port: 0 } }
`)
    const states: string[] = []
    host.events.on('lab.changed', (lab) => states.push(lab.state))
    await host.stopService('a')
    expect(host.snapshot().state).toBe('degraded')
    expect(states.at(-1)).toBe('degraded')
    await host.startService('a')
    expect(states.at(-1)).toBe('running')
  })
})
