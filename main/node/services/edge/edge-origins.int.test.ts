import diagnosticsChannel from 'node:diagnostics_channel'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { connect, createServer as createNetServer, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TrafficSignal } from '../../lab-host/traffic-recorder'
import { listen } from '../../net/listen'
import type { EdgeService } from './edge-service'
import { edgeForTest, edgeSpec } from './testing-edge'

/** Servers a test opened, closed after it (sockets first, so a server that never answers lets go). */
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

/** A TCP server that counts connections and does what `onSocket` says with each; returns its port. */
async function tcpServer(onSocket: (socket: Socket) => void) {
  const sockets = new Set<Socket>()
  const state = { connections: 0, port: 0 }
  const server = createNetServer((socket) => {
    state.connections++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    onSocket(socket)
  })
  state.port = (await listen(server as unknown as Server, { host: '127.0.0.1', port: 0 }, 'origin')).port
  opened.push({ close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))) })
  return state
}

/** An HTTP origin recording what reaches it (path, headers, the client port) and how many connections it got. */
async function httpOrigin(answer: (path: string) => { status?: number; headers?: Record<string, string | string[]>; body?: string } = () => ({})) {
  const state = { connections: 0, port: 0, hits: [] as { path: string; headers: IncomingHttpHeaders; clientPort: number }[], closed: 0 }
  const server = createServer((request, response) => {
    state.hits.push({ path: request.url ?? '', headers: request.headers, clientPort: request.socket.remotePort ?? 0 })
    const { status = 200, headers = {}, body = 'ok' } = answer(request.url ?? '')
    response.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'max-age=60', ...headers })
    response.end(body)
  })
  server.on('connection', (socket: Socket) => {
    state.connections++
    socket.on('close', () => state.closed++)
  })
  state.port = (await listen(server, { host: '127.0.0.1', port: 0 }, 'origin')).port
  opened.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) })
  return state
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createNetServer()
  const { port } = await listen(server as unknown as Server, { host: '127.0.0.1', port: 0 }, 'probe')
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function configFor(origins: Record<string, unknown>[], config: Record<string, unknown> = {}) {
  return { origins, defaultBehavior: { origin: origins[0]!['id'] }, ...config }
}

async function startEdge(origins: Record<string, unknown>[], config: Record<string, unknown> = {}) {
  edge = edgeForTest(configFor(origins, config))
  await edge.start()
  const base = edge.endpoints()[0]!.url!
  return async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path.slice(1)}`, init)
    return { status: response.status, headers: response.headers, body: await response.text() }
  }
}

const url = (port: number) => `http://127.0.0.1:${port}`

describe('edge origins: connection attempts', () => {
  it('tries a connection the origin closes connectionAttempts times in all, then answers 502 saying so', async () => {
    const origin = await tcpServer((socket) => socket.destroy())
    const get = await startEdge([{ id: 'web', url: url(origin.port), connectionAttempts: 2 }])
    const answer = await get('/a')
    expect(answer.status).toBe(502)
    expect(answer.body).toMatch(/^origin web: could not connect, after 2 attempts \(connection closed before a response/)
    expect(origin.connections).toBe(2)
  })

  it('uses CloudFront\'s default of 3 attempts on a refused connection', async () => {
    const port = await deadPort()
    const get = await startEdge([{ id: 'web', url: url(port) }])
    const answer = await get('/a')
    expect(answer.status).toBe(502)
    expect(answer.body).toBe('origin web: could not connect, after 3 attempts (connection refused)\n')
  })

  it('does not send a POST again after its connection closed (it may have reached the origin)', async () => {
    const origin = await tcpServer((socket) => socket.destroy())
    const get = await startEdge([{ id: 'web', url: url(origin.port) }], { defaultBehavior: { origin: 'web', allowedMethods: 'ALL' } })
    expect((await get('/a', { method: 'POST', body: 'x' })).status).toBe(502)
    expect(origin.connections).toBe(1)
  })

  it('succeeds on a later attempt and says so in the request log', async () => {
    const origin = await httpOrigin()
    let refusals = 1
    const gate = await tcpServer((socket) => {
      if (refusals-- > 0) return socket.destroy()
      // Later connections are piped to the real origin.
      const upstream = connect(origin.port, '127.0.0.1')
      upstream.on('error', () => socket.destroy())
      socket.pipe(upstream).pipe(socket)
    })
    const get = await startEdge([{ id: 'web', url: url(gate.port) }])
    expect((await get('/a')).status).toBe(200)
    expect(gate.connections).toBe(2)
    expect(seen[0]!.explanation).toMatch(/^behavior \* → origin web: Miss, origin web \(attempt 2 of 3\) answered 200/)
  })

  it('fails an origin group over only after the primary\'s attempts are used up', async () => {
    const primary = await tcpServer((socket) => socket.destroy())
    const secondary = await httpOrigin()
    const get = await startEdge(
      [
        { id: 'one', url: url(primary.port), connectionAttempts: 3 },
        { id: 'two', url: url(secondary.port) }
      ],
      { originGroups: [{ id: 'pair', primary: 'one', secondary: 'two' }], defaultBehavior: { origin: 'pair' } }
    )
    expect((await get('/a')).status).toBe(200)
    expect(primary.connections).toBe(3)
    expect(secondary.hits).toHaveLength(1)
    expect(seen[0]!.explanation).toMatch(/primary one failed \(origin one: could not connect, after 3 attempts/)
  })
})

describe('edge origins: response timeout', () => {
  it('answers 504 when the origin accepts but never answers, after its connection attempts (GET)', async () => {
    const origin = await tcpServer(() => {})
    const get = await startEdge([{ id: 'web', url: url(origin.port), responseTimeout: 1, connectionAttempts: 2 }])
    const answer = await get('/a')
    expect(answer.status).toBe(504)
    expect(answer.body).toBe('origin web: no response within its response timeout (1 s), after 2 attempts\n')
    expect(origin.connections).toBe(2)
  })

  it('also times out between bytes of a started response', async () => {
    const origin = await tcpServer((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npart'))
    const get = await startEdge([{ id: 'web', url: url(origin.port), responseTimeout: 1, connectionAttempts: 1 }])
    const answer = await get('/a')
    expect(answer.status).toBe(504)
    expect(answer.body).toBe('origin web: no further bytes of the response within its response timeout (1 s), after 1 attempt\n')
  })
})

describe('edge origins: what reaches the origin', () => {
  it('puts the origin path before the request path and adds the custom headers, over the viewer\'s', async () => {
    const origin = await httpOrigin()
    const customHeaders = [
      { name: 'X-Origin-Secret', value: 's3cret' },
      { name: 'User-Agent', value: 'lab-edge' }
    ]
    const get = await startEdge([{ id: 'web', url: url(origin.port), originPath: '/prod/v1', customHeaders }], {
      defaultBehavior: { origin: 'web', cachePolicy: { queryStrings: { behavior: 'all' } }, originRequestPolicy: 'AllViewer' }
    })
    await get('/img/a.png?size=2', { headers: { 'x-origin-secret': 'forged', 'user-agent': 'browser' } })
    expect(origin.hits[0]!.path).toBe('/prod/v1/img/a.png?size=2')
    expect(origin.hits[0]!.headers).toMatchObject({ 'x-origin-secret': 's3cret', 'user-agent': 'lab-edge' })
  })

  it('keeps the connection open: two misses go over one socket', async () => {
    const origin = await httpOrigin()
    const get = await startEdge([{ id: 'web', url: url(origin.port), keepaliveTimeout: 30 }], { defaultBehavior: { origin: 'web', cachePolicy: 'CachingDisabled' } })
    await get('/a')
    await get('/b')
    expect(origin.hits).toHaveLength(2)
    expect(origin.connections).toBe(1)
    expect(origin.hits[1]!.clientPort).toBe(origin.hits[0]!.clientPort)
  })

  it('closes kept connections when the service stops, and opens new ones when keepaliveTimeout changes', async () => {
    const origin = await httpOrigin()
    const get = await startEdge([{ id: 'web', url: url(origin.port), keepaliveTimeout: 30 }], { defaultBehavior: { origin: 'web', cachePolicy: 'CachingDisabled' } })
    await get('/a')
    expect(await edge!.reconfigure(edgeSpec(configFor([{ id: 'web', url: url(origin.port), keepaliveTimeout: 20 }], { defaultBehavior: { origin: 'web', cachePolicy: 'CachingDisabled' } })))).toBe('reconfigured')
    await get('/b')
    expect(origin.connections).toBe(2)
    await waitFor(() => origin.closed === 1)
    await edge!.stop()
    await waitFor(() => origin.closed === 2)
  })
})

describe('edge origins: Set-Cookie', () => {
  const cookieOrigin = () => httpOrigin(() => ({ headers: { 'set-cookie': ['session=abc; Path=/', 'theme=dark'] } }))

  it('drops Set-Cookie from the viewer\'s answer and the cache when the behavior forwards no cookies', async () => {
    const origin = await cookieOrigin()
    const get = await startEdge([{ id: 'web', url: url(origin.port) }])
    const miss = await get('/a')
    const hit = await get('/a')
    expect(miss.headers.get('set-cookie')).toBeNull()
    expect(hit.headers.get('x-cache')).toBe('Hit from cloudfront')
    expect(hit.headers.get('set-cookie')).toBeNull()
    expect(seen[0]!.explanation).toContain("the origin's Set-Cookie (2) dropped: this behavior forwards no cookies")
  })

  it('passes Set-Cookie on when the cache policy or the origin request policy forwards cookies', async () => {
    const origin = await cookieOrigin()
    const get = await startEdge([{ id: 'web', url: url(origin.port) }], {
      behaviors: [{ pathPattern: '/orp/*', origin: 'web', originRequestPolicy: { cookies: { behavior: 'whitelist', names: ['session'] } } }],
      defaultBehavior: { origin: 'web', cachePolicy: { cookies: { behavior: 'all' } } }
    })
    expect((await get('/a')).headers.getSetCookie()).toEqual(['session=abc; Path=/', 'theme=dark'])
    expect((await get('/orp/a')).headers.getSetCookie()).toEqual(['session=abc; Path=/', 'theme=dark'])
    expect(seen.some((s) => s.explanation.includes('Set-Cookie'))).toBe(false)
  })

  it('drops Set-Cookie from methods that are not cached too', async () => {
    const origin = await cookieOrigin()
    const get = await startEdge([{ id: 'web', url: url(origin.port) }], { defaultBehavior: { origin: 'web', allowedMethods: 'ALL' } })
    const answer = await get('/login', { method: 'POST', body: 'x' })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('set-cookie')).toBeNull()
    expect(seen[0]!.explanation).toContain('Set-Cookie (2) dropped')
  })
})

/** Polls until `done` (closing sockets is reported asynchronously); the test's own timeout bounds it. */
async function waitFor(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10))
}
