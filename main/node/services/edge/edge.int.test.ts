import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import diagnosticsChannel from 'node:diagnostics_channel'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../base/clock'
import type { TrafficSignal } from '../../lab-host/traffic-recorder'
import { listen } from '../../net/listen'
import type { EdgeService } from './edge-service'
import { edgeForTest } from './testing-edge'

/** An origin whose answers the test scripts, counting what reaches it. */
let origin: Server
let originPort = 0
let hits: { path: string; headers: IncomingHttpHeaders }[] = []
let nextHeaders: Record<string, string> = {}
let version = 1
let failing = false

beforeEach(async () => {
  hits = []
  nextHeaders = {}
  version = 1
  failing = false
  origin = createServer((request, response) => {
    hits.push({ path: request.url ?? '', headers: request.headers })
    if (failing) {
      response.writeHead(503)
      return response.end('down')
    }
    const etag = `"v${version}"`
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, { etag, 'cache-control': 'max-age=60' })
      return response.end()
    }
    if (request.url?.startsWith('/slow')) {
      // Slow enough that the test's other requests arrive while this one is in flight.
      setTimeout(() => response.end('slow body'), 500)
      return
    }
    const text = request.url?.startsWith('/big') ? 'compress me '.repeat(200) : `body v${version} of ${request.url}`
    response.writeHead(request.url?.startsWith('/missing') ? 404 : 200, { 'content-type': 'text/plain', etag, 'content-length': Buffer.byteLength(text), ...nextHeaders })
    response.end(text)
  })
  originPort = (await listen(origin, { host: '127.0.0.1', port: 0 }, 'origin')).port
})

let edge: EdgeService | undefined
afterEach(async () => {
  await edge?.stop()
  await new Promise((resolve) => origin.close(resolve))
})

async function startEdge(config: Record<string, unknown>, clock = new FakeClock()) {
  edge = edgeForTest({ origins: [{ id: 'web', url: `http://127.0.0.1:${originPort}` }], defaultBehavior: { origin: 'web' }, ...config }, { clock })
  await edge.start()
  const base = edge.endpoints()[0]!.url!
  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path.slice(1)}`, init)
    return { status: response.status, cache: response.headers.get('x-cache'), age: response.headers.get('age'), body: await response.text() }
  }
  return { clock, get }
}

describe('edge service', () => {
  it('misses, then hits until the TTL runs out, then revalidates with the ETag (RefreshHit)', async () => {
    nextHeaders = { 'cache-control': 'max-age=60' }
    const { clock, get } = await startEdge({})
    expect(await get('/a')).toMatchObject({ status: 200, cache: 'Miss from cloudfront', body: 'body v1 of /a' })
    clock.advance(30_000)
    expect(await get('/a')).toMatchObject({ cache: 'Hit from cloudfront', age: '30' })
    expect(hits).toHaveLength(1)
    clock.advance(31_000)
    expect(await get('/a')).toMatchObject({ cache: 'RefreshHit from cloudfront', body: 'body v1 of /a' })
    expect(hits[1]!.headers['if-none-match']).toBe('"v1"')
    version = 2
    clock.advance(61_000)
    expect(await get('/a')).toMatchObject({ cache: 'Miss from cloudfront', body: 'body v2 of /a' })
  })

  it('follows the behavior of the first matching path pattern', async () => {
    const { get } = await startEdge({ behaviors: [{ pathPattern: '/api/*', origin: 'web', cachePolicy: 'CachingDisabled', allowedMethods: 'ALL' }] })
    await get('/api/x')
    expect((await get('/api/x')).cache).toBe('Miss from cloudfront')
    await get('/static/x')
    expect((await get('/static/x')).cache).toBe('Hit from cloudfront')
    expect((await get('/api/x', { method: 'POST', body: 'hi' })).status).toBe(200)
    expect((await get('/static/x', { method: 'POST', body: 'hi' })).status).toBe(403)
  })

  it('does not store no-store responses, keys by the policy\'s query strings, and caches 404s', async () => {
    nextHeaders = { 'cache-control': 'no-store' }
    const { get } = await startEdge({ defaultBehavior: { origin: 'web', cachePolicy: { minTtl: 0, defaultTtl: 60, maxTtl: 600, queryStrings: { behavior: 'whitelist', names: ['v'] } } } })
    await get('/n')
    expect((await get('/n')).cache).toBe('Miss from cloudfront')
    nextHeaders = {}
    await get('/q?v=1&utm=a')
    expect((await get('/q?utm=b&v=1')).cache).toBe('Hit from cloudfront')
    expect((await get('/q?v=2')).cache).toBe('Miss from cloudfront')
    await get('/missing')
    expect(await get('/missing')).toMatchObject({ status: 404, cache: 'Hit from cloudfront' })
  })

  it('invalidates paths, and explains each request', async () => {
    const seen: TrafficSignal[] = []
    const listener = (message: unknown) => seen.push(message as TrafficSignal)
    diagnosticsChannel.subscribe('lab:edge:request', listener)
    try {
      const { get } = await startEdge({})
      await get('/img/a.png')
      await get('/img/a.png')
      expect(edge!.invalidate(['/img/*'])).toBe(1)
      expect((await get('/img/a.png')).cache).toBe('Miss from cloudfront')
      expect(() => edge!.invalidate(['img/*'])).toThrow(/must start with/)
      // The refused one is not in the history; the applied one is, with what it removed.
      expect(edge!.invalidations().map((entry) => [entry.paths, entry.removed, entry.status])).toEqual([[['/img/*'], 1, 'Completed']])
      expect(seen.map((s) => s.outcome)).toEqual(['Miss', 'Hit', 'Miss'])
      expect(seen[0]!.explanation).toBe('behavior * → origin web: Miss, origin web answered 200; stored for 86400 s (no Cache-Control or Expires: DefaultTTL 86400 s)')
    } finally {
      diagnosticsChannel.unsubscribe('lab:edge:request', listener)
    }
  })

  it('compresses at the edge as CloudFront does: br preferred, ETag weakened, one object per encoding', async () => {
    const { request } = await import('node:http')
    const { brotliDecompressSync } = await import('node:zlib')
    await startEdge({})
    const base = new URL(edge!.endpoints()[0]!.url!)
    const raw = (path: string, acceptEncoding?: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const req = request({ host: base.hostname, port: base.port, path, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
        })
        req.on('error', reject)
        req.end()
      })
    const br = await raw('/big', 'gzip, deflate, br')
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', 'x-cache': 'Miss from cloudfront', etag: 'W/"v1"', vary: 'accept-encoding' })
    expect(brotliDecompressSync(br.body).toString()).toBe('compress me '.repeat(200))
    expect(hits[0]!.headers['accept-encoding']).toBe('br,gzip')
    // Another order of the same formats normalises to the same key.
    expect((await raw('/big', 'br, gzip')).headers['x-cache']).toBe('Hit from cloudfront')
    const plain = await raw('/big')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers['x-cache']).toBe('Miss from cloudfront')
    expect(hits.at(-1)!.headers['accept-encoding']).toBe('identity')
    // Small bodies are not worth it (under 1,000 bytes).
    expect((await raw('/small', 'gzip')).headers['content-encoding']).toBeUndefined()
  })

  it('fails over from the primary of an origin group on a failover status or a dead primary, for GET only', async () => {
    const seen: TrafficSignal[] = []
    const listener = (message: unknown) => seen.push(message as TrafficSignal)
    diagnosticsChannel.subscribe('lab:edge:request', listener)
    try {
      const { get } = await startEdge({
        origins: [
          { id: 'web', url: `http://127.0.0.1:${originPort}` },
          { id: 'dead', url: 'http://127.0.0.1:1' }
        ],
        originGroups: [
          { id: 'from-dead', primary: 'dead', secondary: 'web' },
          { id: 'on-404', primary: 'web', secondary: 'web', failoverStatusCodes: [404] }
        ],
        behaviors: [{ pathPattern: '/missing*', origin: 'on-404', allowedMethods: 'ALL' }],
        defaultBehavior: { origin: 'from-dead', allowedMethods: 'ALL', cachePolicy: 'CachingDisabled' }
      })
      expect(await get('/x')).toMatchObject({ status: 200, body: 'body v1 of /x' })
      expect(seen.at(-1)!.explanation).toContain('origin group from-dead: primary dead failed')
      expect(seen.at(-1)!.explanation).toContain('→ secondary web answered 200')
      await get('/missing')
      expect(seen.at(-1)!.explanation).toContain('primary web answered 404 → secondary web')
      expect((await get('/x', { method: 'POST', body: 'x' })).status).toBe(502)
    } finally {
      diagnosticsChannel.unsubscribe('lab:edge:request', listener)
    }
  })

  it('serves stale objects when the origin errs: stale-if-error, or CloudFront\'s 10 s', async () => {
    nextHeaders = { 'cache-control': 'max-age=10, stale-if-error=60' }
    const { clock, get } = await startEdge({})
    await get('/s')
    failing = true
    clock.advance(40_000)
    expect(await get('/s')).toMatchObject({ status: 200, cache: 'Hit from cloudfront', body: 'body v1 of /s' })
    clock.advance(60_000)
    expect((await get('/s')).status).toBe(503)
  })

  it('serves an expired object for 10 s more when the origin errs and the object says nothing', async () => {
    nextHeaders = { 'cache-control': 'max-age=10' }
    const { clock, get } = await startEdge({})
    await get('/e')
    failing = true
    clock.advance(15_000)
    expect(await get('/e')).toMatchObject({ status: 200, body: 'body v1 of /e' })
    const asked = hits.length
    clock.advance(5_000)
    expect(await get('/e')).toMatchObject({ status: 200, cache: 'Hit from cloudfront' })
    expect(hits).toHaveLength(asked)
  })

  it('answers from the cache while revalidating in the background (stale-while-revalidate)', async () => {
    nextHeaders = { 'cache-control': 'max-age=10, stale-while-revalidate=30' }
    const { clock, get } = await startEdge({})
    await get('/w')
    version = 2
    clock.advance(20_000)
    expect(await get('/w')).toMatchObject({ cache: 'Hit from cloudfront', body: 'body v1 of /w' })
    await expect.poll(() => hits.length).toBe(2)
    await expect.poll(async () => (await get('/w')).body).toBe('body v2 of /w')
  })

  it('caches origin errors for the error caching minimum TTL', async () => {
    failing = true
    const { clock, get } = await startEdge({})
    expect((await get('/f')).status).toBe(503)
    failing = false
    expect(await get('/f')).toMatchObject({ status: 503, cache: 'Hit from cloudfront' })
    clock.advance(11_000)
    expect((await get('/f')).status).toBe(200)
  })

  it('collapses concurrent misses for one object into a single origin request', async () => {
    const { get } = await startEdge({})
    const results = await Promise.all([get('/slow'), get('/slow'), get('/slow')])
    expect(hits.filter((h) => h.path === '/slow')).toHaveLength(1)
    expect(results.map((r) => r.body)).toEqual(['slow body', 'slow body', 'slow body'])
    expect(results.map((r) => r.cache).sort()).toEqual(['Hit from cloudfront', 'Hit from cloudfront', 'Miss from cloudfront'])
  })

  it('keeps only the Vary names CloudFront keeps, and does not store Vary: * with MinTTL 0', async () => {
    nextHeaders = { vary: 'Accept-Language, Cookie, X-Custom' }
    const { get } = await startEdge({ defaultBehavior: { origin: 'web', cachePolicy: { headers: ['accept-language'] } } })
    const response = await fetch(`${edge!.endpoints()[0]!.url!}v`)
    expect(response.headers.get('vary')).toBe('accept-language, cookie')
    nextHeaders = { vary: '*' }
    await get('/star')
    expect((await get('/star')).cache).toBe('Miss from cloudfront')
  })

  it('answers 502 when the origin is down', async () => {
    const { get } = await startEdge({ origins: [{ id: 'web', url: 'http://127.0.0.1:1' }] })
    expect(await get('/x')).toMatchObject({ status: 502, cache: 'Error from cloudfront' })
  })

  it('applies the behavior\'s response headers policy to hits and misses, and says so', async () => {
    nextHeaders = { 'cache-control': 'max-age=60' }
    const { get } = await startEdge({ defaultBehavior: { origin: 'web', responseHeadersPolicy: 'CORS-and-SecurityHeadersPolicy' } })
    await get('/a')
    const response = await fetch(`${edge!.endpoints()[0]!.url!}a`, { headers: { origin: 'https://app.lab' } })
    expect(response.headers.get('x-cache')).toBe('Hit from cloudfront')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000')
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN')
  })

  it('serves a custom error page (through the cache) with the configured status, and keeps the error for its own TTL', async () => {
    const seen: TrafficSignal[] = []
    const listener = (message: unknown) => seen.push(message as TrafficSignal)
    diagnosticsChannel.subscribe('lab:edge:request', listener)
    try {
      const { get } = await startEdge({ customErrorResponses: [{ errorCode: 404, responsePagePath: '/page', responseCode: 200, errorCachingMinTtl: 0 }] })
      expect(await get('/missing/a')).toMatchObject({ status: 200, body: 'body v1 of /page' })
      expect(await get('/missing/a')).toMatchObject({ status: 200, body: 'body v1 of /page' })
      // The error was not kept (TTL 0): the origin was asked twice; the page came from the cache the second time.
      expect(hits.filter((h) => h.path === '/missing/a')).toHaveLength(2)
      expect(hits.filter((h) => h.path === '/page')).toHaveLength(1)
      const viewerEntry = seen.filter((entry) => entry.path === '/missing/a').at(-1)!
      expect(viewerEntry).toMatchObject({ status: 200 })
      expect(viewerEntry.explanation).toContain('custom error response: 404 → /page (page 200) with status 200')
    } finally {
      diagnosticsChannel.unsubscribe('lab:edge:request', listener)
    }
  })

  it('runs CloudFront Functions: viewer-request rewrites or answers, viewer-response adds headers, failures are 503', async () => {
    const functions = [
      { id: 'rewrite', code: "function handler(event) { var r = event.request; if (r.uri === '/old') { return { statusCode: 301, statusDescription: 'Moved', headers: { location: { value: '/new' } } } } r.uri = '/rewritten' + r.uri; r.headers['x-from-function'] = { value: 'yes' }; return r }" },
      { id: 'stamp', code: "function handler(event) { var res = event.response; res.headers['x-stamped'] = { value: 'by-function' }; return res }" },
      { id: 'broken', code: "function handler(event) { throw new Error('boom') }" }
    ]
    const { get } = await startEdge({
      functions,
      behaviors: [{ pathPattern: '/fail/*', origin: 'web', functionAssociations: { viewerRequest: 'broken' } }],
      defaultBehavior: { origin: 'web', cachePolicy: 'CachingDisabled', originRequestPolicy: 'AllViewer', functionAssociations: { viewerRequest: 'rewrite', viewerResponse: 'stamp' } }
    })
    const answer = await fetch(`${edge!.endpoints()[0]!.url!}page`)
    expect(await answer.text()).toBe('body v1 of /rewritten/page')
    expect(answer.headers.get('x-stamped')).toBe('by-function')
    expect(hits.at(-1)!.headers['x-from-function']).toBe('yes')
    const moved = await fetch(`${edge!.endpoints()[0]!.url!}old`, { redirect: 'manual' })
    expect(moved.status).toBe(301)
    expect(moved.headers.get('location')).toBe('/new')
    expect(moved.headers.get('x-cache')).toBe('FunctionGeneratedResponse from cloudfront')
    expect((await get('/fail/x')).status).toBe(503)
  })

  it('refuses to start with a function that does not compile, naming its line', async () => {
    await expect(startEdge({ functions: [{ id: 'bad', code: 'function handler(event) {\n  return event.request\n' }], defaultBehavior: { origin: 'web', functionAssociations: { viewerRequest: 'bad' } } })).rejects.toThrow(/function bad:\d+:\d+/)
  })

  it('lists what the cache holds with age and TTL, and evicts one object by key', async () => {
    nextHeaders = { 'cache-control': 'max-age=60' }
    const { get, clock } = await startEdge({})
    await get('/a')
    await get('/b')
    clock.advance(5_000)
    const listed = edge!.cacheEntries()
    expect(listed.total).toBe(2)
    expect(listed.entries.map((e) => [e.path, e.ageSeconds, e.ttlSeconds])).toEqual([['/a', 5, 60], ['/b', 5, 60]])
    expect(edge!.evict(listed.entries[0]!.key)).toBe(true)
    expect(edge!.evict(listed.entries[0]!.key)).toBe(false)
    expect((await get('/a')).cache).toBe('Miss from cloudfront')
    expect((await get('/b')).cache).toBe('Hit from cloudfront')
  })
})
