import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../base/clock'
import { listen } from '../../net/listen'
import type { EdgeService } from './edge-service'
import { edgeForTest } from './testing-edge'

/** What the scripted origin answers for `METHOD /path` (or `/path` for any method). */
interface Route {
  status?: number
  headers?: Record<string, string>
  body?: string
  /** Answer 304 when If-None-Match carries this route's ETag. */
  conditional?: boolean
  /** Milliseconds before answering (real time: collapsing needs concurrent requests). */
  delayMs?: number
  /** Send no Date (otherwise the origin dates its answers by the edge's fake clock, as if in sync). */
  noDate?: boolean
}

/** One step: optionally move the fake clock or change the origin, send a request, check the answer. */
interface Step {
  advance?: number
  routes?: Record<string, Route>
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string
  expect: { status: number; cache?: string | null; body?: string; headers?: Record<string, string | null>; originCalls?: number }
}

interface Case {
  name: string
  config?: Record<string, unknown>
  routes: Record<string, Route>
  steps: Step[]
}

let origin: Server
let originPort = 0
let routes: Record<string, Route> = {}
let seen: { method: string; path: string; headers: IncomingHttpHeaders }[] = []
let edge: EdgeService | undefined
let clock = new FakeClock()

beforeEach(async () => {
  routes = {}
  seen = []
  origin = createServer((req, res) => {
    const path = req.url ?? '/'
    seen.push({ method: req.method ?? 'GET', path, headers: req.headers })
    const route = routes[`${req.method} ${path}`] ?? routes[path] ?? { status: 404, body: 'no route' }
    const headers: Record<string, string> = { ...(route.noDate ? {} : { date: new Date(clock.now()).toUTCString() }), ...route.headers }
    res.sendDate = false
    const answer = () => {
      if (route.conditional && headers['etag'] && req.headers['if-none-match'] === headers['etag']) {
        res.writeHead(304, headers)
        return res.end()
      }
      const body = route.body ?? ''
      res.writeHead(route.status ?? 200, { 'content-length': Buffer.byteLength(body), ...headers })
      res.end(req.method === 'HEAD' ? undefined : body)
    }
    if (route.delayMs) setTimeout(answer, route.delayMs)
    else answer()
  })
  originPort = (await listen(origin, { host: '127.0.0.1', port: 0 }, 'origin')).port
})

afterEach(async () => {
  await edge?.stop()
  edge = undefined
  await new Promise((resolve) => origin.close(resolve))
})

async function startEdge(config: Record<string, unknown> = {}) {
  clock = new FakeClock(Date.UTC(2026, 10, 25, 12))
  edge = edgeForTest({ origins: [{ id: 'web', url: `http://127.0.0.1:${originPort}` }], defaultBehavior: { origin: 'web', cachePolicy: 'UseOriginCacheControlHeaders', allowedMethods: 'ALL' }, ...config }, { clock })
  await edge.start()
  return { clock, base: new URL(edge.endpoints()[0]!.url!) }
}

function send(base: URL, step: Step): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: base.hostname, port: base.port, method: step.method ?? 'GET', path: step.path, headers: step.headers ?? {} }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end(step.body)
  })
}

async function run(c: Case) {
  routes = { ...c.routes }
  const { clock, base } = await startEdge(c.config)
  for (const [i, step] of c.steps.entries()) {
    if (step.advance) clock.advance(step.advance * 1000)
    if (step.routes) Object.assign(routes, step.routes)
    const got = await send(base, step)
    const where = `step ${i + 1}: ${step.method ?? 'GET'} ${step.path}`
    expect(got.status, where).toBe(step.expect.status)
    if (step.expect.cache !== undefined) expect(got.headers['x-cache'] ?? null, where).toBe(step.expect.cache === null ? null : `${step.expect.cache} from cloudfront`)
    if (step.expect.body !== undefined) expect(got.body, where).toBe(step.expect.body)
    for (const [name, value] of Object.entries(step.expect.headers ?? {})) expect(got.headers[name] ?? null, `${where}: ${name}`).toBe(value)
    if (step.expect.originCalls !== undefined) expect(seen.length, `${where}: origin calls`).toBe(step.expect.originCalls)
  }
}

const cached = { headers: { 'cache-control': 'max-age=60', etag: '"v1"' }, body: 'hello world', conditional: true }

const cases: Case[] = [
  {
    name: 'RFC 9111 §4.4: a successful POST invalidates the target and the same-host Location',
    routes: { '/items/1': cached, '/items/2': cached, 'POST /items/1': { status: 201, headers: { location: '/items/2' }, body: 'made' } },
    steps: [
      { path: '/items/1', expect: { status: 200, cache: 'Miss', originCalls: 1 } },
      { path: '/items/2', expect: { status: 200, cache: 'Miss', originCalls: 2 } },
      { path: '/items/1', expect: { status: 200, cache: 'Hit', originCalls: 2 } },
      { method: 'POST', path: '/items/1', body: 'x', expect: { status: 201, cache: 'Miss', originCalls: 3 } },
      { path: '/items/1', expect: { status: 200, cache: 'Miss', originCalls: 4 } },
      { path: '/items/2', expect: { status: 200, cache: 'Miss', originCalls: 5 } }
    ]
  },
  {
    name: 'RFC 9111 §4.4: a failed DELETE invalidates nothing',
    routes: { '/items/1': cached, 'DELETE /items/1': { status: 500, body: 'no' } },
    steps: [
      { path: '/items/1', expect: { status: 200, cache: 'Miss' } },
      { method: 'DELETE', path: '/items/1', expect: { status: 500 } },
      { path: '/items/1', expect: { status: 200, cache: 'Hit', originCalls: 2 } }
    ]
  },
  {
    name: 'HEAD is answered from the stored GET: no body, the full length',
    routes: { '/h': cached },
    steps: [
      { path: '/h', expect: { status: 200, cache: 'Miss', originCalls: 1 } },
      { method: 'HEAD', path: '/h', expect: { status: 200, cache: 'Hit', body: '', headers: { 'content-length': '11' }, originCalls: 1 } }
    ]
  },
  {
    name: 'a HEAD miss goes to the origin as HEAD and is not stored',
    routes: { '/h': cached },
    steps: [
      { method: 'HEAD', path: '/h', expect: { status: 200, cache: 'Miss', body: '', headers: { 'content-length': '11' }, originCalls: 1 } },
      { path: '/h', expect: { status: 200, cache: 'Miss', body: 'hello world', originCalls: 2 } }
    ]
  },
  {
    name: 'Range: the full object is fetched and stored, ranges are answered 206 from it',
    routes: { '/r': cached },
    steps: [
      { path: '/r', headers: { range: 'bytes=0-4' }, expect: { status: 206, cache: 'Miss', body: 'hello', headers: { 'content-range': 'bytes 0-4/11' } } },
      { path: '/r', headers: { range: 'bytes=-5' }, expect: { status: 206, cache: 'Hit', body: 'world', originCalls: 1 } },
      { path: '/r', headers: { range: 'bytes=0-1,2-4' }, expect: { status: 206, cache: 'Hit', body: 'hello', headers: { 'content-range': 'bytes 0-4/11' } } },
      { path: '/r', headers: { range: 'bytes=0-1,0-3,1-2' }, expect: { status: 200, cache: 'Hit', body: 'hello world' } },
      { path: '/r', headers: { range: 'bytes=50-' }, expect: { status: 416, headers: { 'content-range': 'bytes */11' } } },
      { path: '/r', headers: { range: 'bytes=0-4', 'if-range': '"v0"' }, expect: { status: 200, body: 'hello world', originCalls: 1 } }
    ]
  },
  {
    name: 'viewer conditionals are answered 304 from the cache',
    routes: { '/c': { ...cached, headers: { ...cached.headers, 'last-modified': 'Mon, 02 Nov 2026 10:00:00 GMT' } } },
    steps: [
      { path: '/c', headers: { 'if-none-match': '"v1"' }, expect: { status: 304, cache: 'Miss', body: '', headers: { etag: '"v1"' }, originCalls: 1 } },
      { path: '/c', headers: { 'if-none-match': 'W/"v1", "x"' }, expect: { status: 304, cache: 'Hit', originCalls: 1 } },
      { path: '/c', headers: { 'if-none-match': '"v2"' }, expect: { status: 200, cache: 'Hit', body: 'hello world' } },
      { path: '/c', headers: { 'if-modified-since': 'Mon, 02 Nov 2026 10:00:00 GMT' }, expect: { status: 304, cache: 'Hit' } },
      { path: '/c', headers: { 'if-modified-since': 'Sun, 01 Nov 2026 10:00:00 GMT' }, expect: { status: 200, cache: 'Hit', originCalls: 1 } }
    ]
  },
  {
    name: 'RFC 9111 §4.2.3: Age grows on the fake clock; absent on a Miss and a RefreshHit',
    routes: { '/a': cached },
    steps: [
      { path: '/a', expect: { status: 200, cache: 'Miss', headers: { age: null } } },
      { advance: 25, path: '/a', expect: { status: 200, cache: 'Hit', headers: { age: '25' } } },
      { advance: 40, path: '/a', expect: { status: 200, cache: 'RefreshHit', headers: { age: null }, originCalls: 2 } },
      { advance: 5, path: '/a', expect: { status: 200, cache: 'Hit', headers: { age: '5' } } }
    ]
  },
  {
    name: 'RFC 9111 §4.2.3: an Age from upstream counts towards freshness',
    routes: { '/u': { headers: { 'cache-control': 'max-age=60', age: '50' }, body: 'u' } },
    steps: [
      { path: '/u', expect: { status: 200, cache: 'Miss' } },
      { advance: 5, path: '/u', expect: { status: 200, cache: 'Hit', headers: { age: '55' } } },
      { advance: 6, path: '/u', expect: { status: 200, cache: 'Miss', originCalls: 2 } }
    ]
  },
  {
    name: 'must-revalidate: an expired object is not served when the origin errs',
    routes: { '/m': { headers: { 'cache-control': 'max-age=10, must-revalidate, stale-if-error=600' }, body: 'm' } },
    steps: [
      { path: '/m', expect: { status: 200, cache: 'Miss' } },
      { advance: 11, routes: { '/m': { status: 503, body: 'down' } }, path: '/m', expect: { status: 503, body: 'down' } }
    ]
  },
  {
    name: 'proxy-revalidate: the same for a shared cache',
    routes: { '/p': { headers: { 'cache-control': 'max-age=10, proxy-revalidate, stale-while-revalidate=600' }, body: 'p' } },
    steps: [
      { path: '/p', expect: { status: 200, cache: 'Miss' } },
      { advance: 11, routes: { '/p': { status: 503, body: 'down' } }, path: '/p', expect: { status: 503, originCalls: 2 } }
    ]
  },
  {
    name: 'stale-if-error serves the expired object within its window only',
    routes: { '/s': { headers: { 'cache-control': 'max-age=10, stale-if-error=30' }, body: 's' } },
    steps: [
      { path: '/s', expect: { status: 200, cache: 'Miss' } },
      { advance: 20, routes: { '/s': { status: 502, body: 'down' } }, path: '/s', expect: { status: 200, cache: 'Hit', body: 's' } },
      { advance: 30, path: '/s', expect: { status: 502 } }
    ]
  },
  {
    name: 'stale-while-revalidate answers stale at once; the origin is asked in the background',
    routes: { '/w': { headers: { 'cache-control': 'max-age=10, stale-while-revalidate=30' }, body: 'w1' } },
    steps: [
      { path: '/w', expect: { status: 200, cache: 'Miss' } },
      { advance: 15, routes: { '/w': { headers: { 'cache-control': 'max-age=10, stale-while-revalidate=30' }, body: 'w2' } }, path: '/w', expect: { status: 200, cache: 'Hit', body: 'w1' } },
      { advance: 50, path: '/w', expect: { status: 200, cache: 'Miss', body: 'w2' } }
    ]
  },
  {
    name: 'RFC 9111 §5.2.2.4: a no-cache response is stored and revalidated before every use',
    routes: { '/n': { headers: { 'cache-control': 'no-cache', etag: '"n1"' }, body: 'n', conditional: true } },
    steps: [
      { path: '/n', expect: { status: 200, cache: 'Miss', originCalls: 1 } },
      { path: '/n', expect: { status: 200, cache: 'RefreshHit', body: 'n', originCalls: 2 } },
      { path: '/n', expect: { status: 200, cache: 'RefreshHit', originCalls: 3 } }
    ]
  },
  {
    name: 'CloudFront ignores the viewer\'s Cache-Control by default',
    routes: { '/v': cached },
    steps: [
      { path: '/v', expect: { status: 200, cache: 'Miss' } },
      { path: '/v', headers: { 'cache-control': 'no-cache' }, expect: { status: 200, cache: 'Hit', originCalls: 1 } }
    ]
  },
  {
    name: 'viewerCacheControl: honor applies no-cache, max-age and only-if-cached (RFC 9111 §5.2.1)',
    config: { viewerCacheControl: 'honor' },
    routes: { '/v': cached },
    steps: [
      { path: '/x', headers: { 'cache-control': 'only-if-cached' }, expect: { status: 504, originCalls: 0 } },
      { path: '/v', expect: { status: 200, cache: 'Miss' } },
      { path: '/v', headers: { 'cache-control': 'no-cache' }, expect: { status: 200, cache: 'RefreshHit', originCalls: 2 } },
      { advance: 20, path: '/v', headers: { 'cache-control': 'max-age=10' }, expect: { status: 200, cache: 'RefreshHit', originCalls: 3 } },
      { advance: 5, path: '/v', headers: { 'cache-control': 'only-if-cached' }, expect: { status: 200, cache: 'Hit', originCalls: 3 } }
    ]
  },
  {
    name: 'heuristic freshness where the policy allows it (10% of the time since Last-Modified)',
    config: { defaultBehavior: { origin: 'web', cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 31536000, heuristicFreshness: 3600 } } },
    routes: { '/l': { headers: { 'last-modified': new Date(Date.UTC(2026, 10, 25, 12) - 1000_000).toUTCString(), date: new Date(Date.UTC(2026, 10, 25, 12)).toUTCString() }, body: 'l' } },
    steps: [
      { path: '/l', expect: { status: 200, cache: 'Miss' } },
      { advance: 99, path: '/l', expect: { status: 200, cache: 'Hit', originCalls: 1 } },
      { advance: 2, path: '/l', expect: { status: 200, cache: 'Miss', originCalls: 2 } }
    ]
  },
  {
    name: 'error caching: a 503 is kept 10 s; a custom error response sets its own TTL',
    config: { customErrorResponses: [{ errorCode: 403, errorCachingMinTtl: 30 }] },
    routes: { '/e': { status: 503, body: 'busy' }, '/f': { status: 403, body: 'no' } },
    steps: [
      { path: '/e', expect: { status: 503, cache: 'Miss' } },
      { advance: 9, path: '/e', expect: { status: 503, cache: 'Hit', originCalls: 1 } },
      { advance: 2, path: '/e', expect: { status: 503, cache: 'Miss', originCalls: 2 } },
      { path: '/f', expect: { status: 403, cache: 'Miss' } },
      { advance: 29, path: '/f', expect: { status: 403, cache: 'Hit', originCalls: 3 } }
    ]
  }
]

describe('edge service: RFC 9111 through the service (fake clock)', () => {
  it.each(cases)('$name', (c) => run(c))

  it('request collapsing: concurrent misses for one key make one origin request; other keys do not wait', async () => {
    routes = { '/slow': { ...cached, delayMs: 300 }, '/other': cached }
    const { base } = await startEdge()
    const answers = await Promise.all([send(base, { path: '/slow', expect: { status: 200 } }), send(base, { path: '/slow', expect: { status: 200 } }), send(base, { path: '/other', expect: { status: 200 } }), send(base, { path: '/slow', expect: { status: 200 } })])
    expect(seen.filter((s) => s.path === '/slow')).toHaveLength(1)
    expect(answers.map((a) => a.body)).toEqual(['hello world', 'hello world', 'hello world', 'hello world'])
    expect(answers.filter((a) => a.headers['x-cache'] === 'Miss from cloudfront')).toHaveLength(2)
  })

  it('CachingDisabled does not collapse: every viewer reaches the origin', async () => {
    routes = { '/slow': { ...cached, delayMs: 200 } }
    const { base } = await startEdge({ defaultBehavior: { origin: 'web', cachePolicy: 'CachingDisabled' } })
    await Promise.all([1, 2, 3].map(() => send(base, { path: '/slow', expect: { status: 200 } })))
    expect(seen).toHaveLength(3)
  })

  it('RFC 9110 §6.6.1: a response without Date gets one when stored', async () => {
    const { base } = await startEdge()
    routes = { '/d': { ...cached, noDate: true } }
    await send(base, { path: '/d', expect: { status: 200 } })
    const hit = await send(base, { path: '/d', expect: { status: 200 } })
    expect(Date.parse(String(hit.headers['date']))).not.toBeNaN()
  })
})
