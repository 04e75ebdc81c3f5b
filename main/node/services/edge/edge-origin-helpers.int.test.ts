import diagnosticsChannel from 'node:diagnostics_channel'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TrafficSignal } from '../../lab-host/traffic-recorder'
import { listen } from '../../net/listen'
import type { EdgeService } from './edge-service'
import { edgeForTest } from './testing-edge'

/** Viewer-request functions whose cloudfront origin helpers decide where each request goes. */

const opened: { close: () => Promise<void> }[] = []
let edge: EdgeService | undefined
let seen: TrafficSignal[] = []
const onRequest = (message: unknown) => seen.push(message as TrafficSignal)

beforeEach(() => {
  seen = []
  diagnosticsChannel.subscribe('lab:edge:request', onRequest)
})

afterEach(async () => {
  diagnosticsChannel.unsubscribe('lab:edge:request', onRequest)
  await edge?.stop()
  edge = undefined
  await Promise.all(opened.splice(0).map((server) => server.close()))
})

/** An HTTP origin that names itself in its body and records what reached it. */
async function httpOrigin(name: string, status = 200) {
  const state = { port: 0, hits: [] as { path: string; headers: IncomingHttpHeaders }[] }
  const server = createServer((request, response) => {
    state.hits.push({ path: request.url ?? '', headers: request.headers })
    response.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'no-store' })
    response.end(name)
  })
  state.port = (await listen(server, { host: '127.0.0.1', port: 0 }, name)).port
  opened.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) })
  return state
}

/** An edge whose default behavior goes to `a` through the viewer-request function `code` (runtime 2.0). */
async function startEdge(origins: { id: string; port: number }[], code: string) {
  edge = edgeForTest({
    origins: origins.map((o) => ({ id: o.id, url: `http://127.0.0.1:${o.port}` })),
    functions: [{ id: 'route', runtime: 'cloudfront-js-2.0', code: `import cf from 'cloudfront'\n${code}` }],
    defaultBehavior: { origin: origins[0]!.id, cachePolicy: 'CachingDisabled', functionAssociations: { viewerRequest: 'route' } }
  })
  await edge.start()
  const base = edge.endpoints()[0]!.url!
  return async (path: string) => {
    const response = await fetch(`${base}${path.slice(1)}`)
    return { status: response.status, body: await response.text() }
  }
}

describe('edge: origin helpers of viewer-request functions', () => {
  it('sends the request to the origin selectRequestOriginById() names', async () => {
    const a = await httpOrigin('A')
    const b = await httpOrigin('B')
    const get = await startEdge([{ id: 'a', ...a }, { id: 'b', ...b }], "function handler(event) { if (event.request.uri.startsWith('/b/')) cf.selectRequestOriginById('b'); return event.request }")
    expect(await get('/b/x')).toEqual({ status: 200, body: 'B' })
    expect(await get('/a/x')).toEqual({ status: 200, body: 'A' })
    expect(b.hits.map((h) => h.path)).toEqual(['/b/x'])
    expect(a.hits.map((h) => h.path)).toEqual(['/a/x'])
    expect(seen[0]!.explanation).toMatch(/origin helpers: selected origin b/)
    expect(seen[0]!.explanation).toMatch(/origin b answered 200/)
  })

  it('fails the function (503) for an unknown origin id, saying why in the request log', async () => {
    const a = await httpOrigin('A')
    const get = await startEdge([{ id: 'a', ...a }], "function handler(event) { cf.selectRequestOriginById('nowhere'); return event.request }")
    const answer = await get('/x')
    expect(answer.status).toBe(503)
    expect(a.hits).toEqual([])
    expect(seen[0]!.explanation).toMatch(/viewer-request function route failed \(cf\.selectRequestOriginById\(\): no origin or origin group "nowhere"/)
  })

  it('applies updateRequestOrigin() originPath and customHeaders at the origin', async () => {
    const a = await httpOrigin('A')
    const get = await startEdge(
      [{ id: 'a', ...a }],
      "function handler(event) { cf.updateRequestOrigin({ originPath: '/v2', customHeaders: { 'x-stage': 'blue' }, timeouts: { readTimeout: 5 }, connectionAttempts: 1 }); return event.request }"
    )
    expect(await get('/page')).toEqual({ status: 200, body: 'A' })
    expect(a.hits[0]!.path).toBe('/v2/page')
    expect(a.hits[0]!.headers['x-stage']).toBe('blue')
    expect(seen[0]!.explanation).toMatch(/origin a \(as the function updated it\) answered 200/)
  })

  it('points updateRequestOrigin() domainName at another origin id, keeping the assigned origin\'s settings', async () => {
    const a = await httpOrigin('A')
    const b = await httpOrigin('B')
    const get = await startEdge([{ id: 'a', ...a }, { id: 'b', ...b }], "function handler(event) { cf.updateRequestOrigin({ domainName: 'b', originPath: '/moved' }); return event.request }")
    expect(await get('/x')).toEqual({ status: 200, body: 'B' })
    expect(b.hits[0]!.path).toBe('/moved/x')
  })

  it('refuses an updateRequestOrigin() field the lab cannot honour with a 503 naming it', async () => {
    const a = await httpOrigin('A')
    const get = await startEdge([{ id: 'a', ...a }], "function handler(event) { cf.updateRequestOrigin({ originShield: { enabled: true, region: 'us-east-1' } }); return event.request }")
    expect((await get('/x')).status).toBe(503)
    expect(seen[0]!.explanation).toMatch(/originShield is not supported/)
  })

  it('fails over within a group createRequestOriginGroup() built when the primary answers a listed status', async () => {
    const a = await httpOrigin('A', 503)
    const b = await httpOrigin('B')
    const get = await startEdge(
      [{ id: 'a', ...a }, { id: 'b', ...b }],
      "function handler(event) { cf.createRequestOriginGroup({ originIds: [{ originId: 'a' }, { originId: 'b' }], failoverCriteria: { statusCodes: [500, 503] } }); return event.request }"
    )
    expect(await get('/x')).toEqual({ status: 200, body: 'B' })
    expect(a.hits).toHaveLength(1)
    expect(b.hits).toHaveLength(1)
    expect(seen[0]!.explanation).toMatch(/primary a answered 503 → secondary b answered 200/)
  })

  it('keeps the primary\'s answer when its status is not among the failover statuses', async () => {
    const a = await httpOrigin('A', 404)
    const b = await httpOrigin('B')
    const get = await startEdge([{ id: 'a', ...a }, { id: 'b', ...b }], "function handler(event) { cf.createRequestOriginGroup({ originIds: ['a', 'b'], failoverCriteria: { statusCodes: [500] } }); return event.request }")
    expect(await get('/x')).toEqual({ status: 404, body: 'A' })
    expect(b.hits).toEqual([])
  })
})
