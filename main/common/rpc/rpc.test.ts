import { afterEach, describe, expect, it, vi } from 'vitest'
import { Emitter } from '../base/emitter'
import type { LabApi, LabEvents } from '../contract/lab-api'
import type { LabSnapshot, ServiceSnapshot } from '../contract/lab-types'
import { LabError } from '../errors/lab-error'
import type { LabClient } from './lab-client'
import { createMemoryTransportPair } from './memory-transport'
import { createLabClient } from './rpc-client'
import { serveLabApi } from './rpc-server'

const lab: LabSnapshot = { name: 'demo', state: 'running', services: [], layout: {} }
const service: ServiceSnapshot = {
  id: 'web',
  kind: 'origin',
  name: 'web',
  state: 'running',
  endpoints: [{ protocol: 'http', host: '127.0.0.1', port: 8080 }],
  dependsOn: [],
  config: {}
}

/** A LabApi that records what reached it (after validation) and answers with canned data. */
function fakeApi() {
  const seen: [string, unknown][] = []
  const record =
    <R>(method: string, result: R) =>
    (params: unknown) => {
      seen.push([method, params])
      return Promise.resolve(result)
    }
  const api: LabApi = {
    'lab.get': record('lab.get', lab),
    'lab.validate': record('lab.validate', { ok: true, problems: [] }),
    'lab.apply': record('lab.apply', { ok: true, problems: [], results: [], lab }),
    'lab.stop': record('lab.stop', { ...lab, state: 'stopped' as const }),
    'lab.open': record('lab.open', { file: '/tmp/a.yaml', source: 'x' }),
    'lab.save': record('lab.save', { file: '/tmp/a.yaml' }),
    'services.start': record('services.start', service),
    'services.stop': record('services.stop', { ...service, state: 'stopped' as const }),
    'services.restart': record('services.restart', service),
    'metrics.snapshot': record('metrics.snapshot', { at: 1, series: [{ name: 'm', type: 'counter' as const, help: 'h', labels: {}, value: 3 }] }),
    'logs.recent': record('logs.recent', [{ seq: 1, at: 1, level: 'info' as const, source: 'lab', message: 'hi' }]),
    'traffic.recent': record('traffic.recent', []),
    'http.probe': (params) => {
      seen.push(['http.probe', params])
      return Promise.resolve({
        status: 200,
        statusText: 'OK',
        headers: [['content-type', 'application/octet-stream']],
        body: new Uint8Array([0, 1, 2, 255]),
        durationMs: 1,
        url: 'http://127.0.0.1:8080/'
      })
    },
    'dns.query': record('dns.query', {
      rcode: 'NOERROR',
      flags: { aa: true, tc: false, rd: true, ra: false },
      question: 'www.example.test. A',
      answer: [{ name: 'www.example.test.', ttl: 300, type: 'A', value: '192.0.2.1' }],
      authority: [],
      additional: [],
      durationMs: 1,
      transport: 'udp' as const,
      retriedOverTcp: false,
      bytes: 60,
      server: '127.0.0.1#53'
    }),
    'edge.invalidate': record('edge.invalidate', { removed: 2, invalidation: { id: 'I0000000000001', paths: ['/*'], createTime: '2026-01-01T00:00:00.000Z', status: 'Completed' as const, removed: 2 } }),
    'edge.invalidations': record('edge.invalidations', { invalidations: [] }),
    'edge.cacheEntries': record('edge.cacheEntries', { entries: [], bytes: 0, total: 0 }),
    'edge.evict': record('edge.evict', { removed: true }),
    'edge.testFunction': record('edge.testFunction', { ok: true as const, output: '{}', logs: ['hi'], computeUtilization: 3 }),
    'system.info': record('system.info', { version: '0.1.0', platform: 'linux', nodeVersion: 'v20', isRoot: false, mode: 'cli' as const })
  }
  return { api, seen }
}

function connect(api: LabApi, options: { timeoutMs?: number } = {}) {
  const [clientSide, serverSide] = createMemoryTransportPair()
  const events = new Emitter<LabEvents>()
  const served = serveLabApi(serverSide, api, events)
  const client = createLabClient(clientSide, options)
  return { client, events, served, serverSide }
}

let client: LabClient | undefined
afterEach(() => client?.dispose())

describe('RPC round trips, one per domain', () => {
  it('lab.*', async () => {
    const { api, seen } = fakeApi()
    client = connect(api).client
    expect(await client.call('lab.get', {})).toEqual(lab)
    expect(await client.call('lab.validate', { source: 'a' })).toEqual({ ok: true, problems: [] })
    expect((await client.call('lab.apply', { source: 'a', file: '/x.yaml' })).ok).toBe(true)
    expect((await client.call('lab.stop', {})).state).toBe('stopped')
    expect(await client.call('lab.open', { file: '/tmp/a.yaml' })).toEqual({ file: '/tmp/a.yaml', source: 'x' })
    expect(await client.call('lab.save', { source: 'x' })).toEqual({ file: '/tmp/a.yaml' })
    expect(seen.map(([m]) => m)).toEqual(['lab.get', 'lab.validate', 'lab.apply', 'lab.stop', 'lab.open', 'lab.save'])
  })

  it('services.*', async () => {
    const { api, seen } = fakeApi()
    client = connect(api).client
    expect((await client.call('services.stop', { id: 'web' })).state).toBe('stopped')
    expect((await client.call('services.start', { id: 'web' })).state).toBe('running')
    expect((await client.call('services.restart', { id: 'web' })).id).toBe('web')
    expect(seen).toContainEqual(['services.stop', { id: 'web' }])
  })

  it('metrics, logs and traffic, with defaults filled in by the schema', async () => {
    const { api, seen } = fakeApi()
    client = connect(api).client
    expect((await client.call('metrics.snapshot', {})).series[0]?.value).toBe(3)
    expect(await client.call('logs.recent', {})).toHaveLength(1)
    expect(await client.call('traffic.recent', { serviceId: 'web' })).toEqual([])
    expect(seen).toContainEqual(['logs.recent', { limit: 500 }])
    expect(seen).toContainEqual(['traffic.recent', { limit: 500, serviceId: 'web' }])
  })

  it('http.probe carries bytes both ways', async () => {
    const { api, seen } = fakeApi()
    client = connect(api).client
    const reply = await client.call('http.probe', { serviceId: 'web', method: 'POST', body: new Uint8Array([7, 8]) })
    expect(reply.body).toBeInstanceOf(Uint8Array)
    expect([...reply.body]).toEqual([0, 1, 2, 255])
    const params = seen.find(([m]) => m === 'http.probe')?.[1] as { body: Uint8Array; path: string }
    expect(params.body).toBeInstanceOf(Uint8Array)
    expect([...params.body]).toEqual([7, 8])
    expect(params.path).toBe('/')
  })

  it('dns.query, with the transport defaulted and the source checked', async () => {
    const { api, seen } = fakeApi()
    client = connect(api).client
    expect((await client.call('dns.query', { serviceId: 'dns', name: 'www.example.test', type: 'A' })).answer).toHaveLength(1)
    expect(seen).toContainEqual(['dns.query', { serviceId: 'dns', name: 'www.example.test', type: 'A', transport: 'udp' }])
    await expect(client.call('dns.query', { serviceId: 'dns', name: 'x', type: 'A', source: '192.0.2.1' })).rejects.toMatchObject({
      code: 'LAB_ERR_RPC_BAD_REQUEST',
      message: expect.stringContaining('loopback')
    })
  })

  it('edge.invalidate', async () => {
    const { api, seen } = fakeApi()
    client = connect(api).client
    expect(await client.call('edge.invalidate', { serviceId: 'cdn', paths: ['/images/*'] })).toMatchObject({ removed: 2, invalidation: { id: 'I0000000000001', status: 'Completed' } })
    expect(seen).toContainEqual(['edge.invalidate', { serviceId: 'cdn', paths: ['/images/*'] }])
  })

  it('edge.testFunction (defaults filled in by the schema)', async () => {
    const { api, seen } = fakeApi()
    client = connect(api).client
    expect(await client.call('edge.testFunction', { serviceId: 'cdn', code: 'function handler(e) { return e.request }', runtime: 'cloudfront-js-2.0', eventType: 'viewer-request' })).toMatchObject({ ok: true, logs: ['hi'] })
    expect(seen).toContainEqual(['edge.testFunction', { serviceId: 'cdn', code: 'function handler(e) { return e.request }', runtime: 'cloudfront-js-2.0', eventType: 'viewer-request', request: { method: 'GET', path: '/', headers: {} } }])
  })

  it('system.info', async () => {
    client = connect(fakeApi().api).client
    expect((await client.call('system.info', {})).mode).toBe('cli')
  })
})

describe('RPC errors and events', () => {
  it('refuses bad params before they reach the engine, naming the field', async () => {
    const { api, seen } = fakeApi()
    client = connect(api).client
    const call = client.call('http.probe', { serviceId: 'web', path: 'no-slash' })
    await expect(call).rejects.toMatchObject({ code: 'LAB_ERR_RPC_BAD_REQUEST', message: expect.stringContaining('path') })
    // @ts-expect-error an unknown field, as a hostile client might send
    await expect(client.call('lab.get', { extra: 1 })).rejects.toMatchObject({ code: 'LAB_ERR_RPC_BAD_REQUEST' })
    expect(seen).toEqual([])
  })

  it('answers an unknown method with LAB_ERR_RPC_METHOD_NOT_FOUND', async () => {
    client = connect(fakeApi().api).client
    // @ts-expect-error not part of the contract
    await expect(client.call('lab.explode', {})).rejects.toMatchObject({ code: 'LAB_ERR_RPC_METHOD_NOT_FOUND' })
  })

  it('carries the engine\'s LabError code and details', async () => {
    const { api } = fakeApi()
    api['services.start'] = () =>
      Promise.reject(new LabError('LAB_ERR_PORT_IN_USE', '127.0.0.1:80 is already in use', { details: { serviceId: 'web' } }))
    client = connect(api).client
    const error = await client.call('services.start', { id: 'web' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LabError)
    expect(error).toMatchObject({ code: 'LAB_ERR_PORT_IN_USE', details: { serviceId: 'web' } })
  })

  it('turns a plain exception in the engine into LAB_ERR_INTERNAL', async () => {
    const { api } = fakeApi()
    api['lab.get'] = () => Promise.reject(new Error('boom'))
    client = connect(api).client
    await expect(client.call('lab.get', {})).rejects.toMatchObject({ code: 'LAB_ERR_INTERNAL', message: 'boom' })
  })

  it('times out a call that gets no answer', async () => {
    vi.useFakeTimers()
    try {
      const { api } = fakeApi()
      api['lab.get'] = () => new Promise(() => {})
      client = connect(api, { timeoutMs: 1000 }).client
      const call = client.call('lab.get', {})
      const settled = expect(call).rejects.toMatchObject({ code: 'LAB_ERR_RPC_TIMEOUT' })
      await vi.advanceTimersByTimeAsync(1001)
      await settled
    } finally {
      vi.useRealTimers()
    }
  })

  it('rejects pending calls and tells listeners when the connection closes', async () => {
    const { api } = fakeApi()
    api['lab.get'] = () => new Promise(() => {})
    const connection = connect(api)
    client = connection.client
    const reasons: string[] = []
    client.onDidClose((reason) => reasons.push(reason))
    const call = client.call('lab.get', {})
    connection.serverSide.dispose()
    await expect(call).rejects.toMatchObject({ code: 'LAB_ERR_TRANSPORT_CLOSED' })
    expect(reasons).toEqual(['peer closed'])
    await expect(client.call('lab.get', {})).rejects.toMatchObject({ code: 'LAB_ERR_TRANSPORT_CLOSED' })
  })

  it('forwards events until the server is disposed', async () => {
    const connection = connect(fakeApi().api)
    client = connection.client
    const samples: number[] = []
    client.on('metrics.sampled', (sample) => samples.push(sample.at))
    connection.events.emit('metrics.sampled', { at: 1, series: [] })
    await vi.waitFor(() => expect(samples).toEqual([1]))
    connection.served.dispose()
    connection.events.emit('metrics.sampled', { at: 2, series: [] })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(samples).toEqual([1])
  })
})
