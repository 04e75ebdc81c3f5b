import { createServer as createHttpServer } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { createFastHttpServer } from './fast-server'

/** A fast server whose handler answers `fast <method> <url>`, and whose fallback answers `full <method> <body>`. */
async function start() {
  const fallback = createHttpServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => response.end(`full ${request.method} ${Buffer.concat(chunks).toString()}`))
  })
  const server = createFastHttpServer({
    fallback,
    handle: (request, response) => {
      // Answered on a later turn, as a cache that looks things up does.
      setTimeout(() => response.writeHead(200, { 'content-type': 'text/plain', 'x-seen': request.headers['x-seen'] ?? '-' }).end(request.method === 'HEAD' ? undefined : `fast ${request.method} ${request.url}`), 5)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(server)
  return (server.address() as AddressInfo).port
}
const servers: ReturnType<typeof createFastHttpServer>[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** Sends raw bytes on one connection; resolves with everything read until the server closes it or `until` matches. */
function raw(port: number, bytes: string, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    let text = ''
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1')
      if (until?.test(text)) {
        socket.destroy()
        resolve(text)
      }
    })
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
  })
}

describe('fast HTTP/1.1 server', () => {
  it('answers over keep-alive, with Date, Content-Length and the keep-alive headers', async () => {
    const port = await start()
    const first = await fetch(`http://127.0.0.1:${port}/a`, { headers: { 'x-seen': 'yes' } })
    expect(first.status).toBe(200)
    expect(await first.text()).toBe('fast GET /a')
    expect(first.headers.get('x-seen')).toBe('yes')
    expect(first.headers.get('date')).toMatch(/GMT$/)
    expect(first.headers.get('content-length')).toBe('11')
    expect(await (await fetch(`http://127.0.0.1:${port}/b`)).text()).toBe('fast GET /b')
  })

  it('answers pipelined requests in order on one connection', async () => {
    const port = await start()
    const text = await raw(port, 'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect([...text.matchAll(/fast GET (\/\d)/g)].map((m) => m[1])).toEqual(['/1', '/2', '/3'])
    expect(text).toMatch(/connection: close/)
  })

  it('sends a HEAD answer without a body, even when the handler passes one, and keeps going', async () => {
    const fallback = createHttpServer()
    const server = createFastHttpServer({ fallback, handle: (request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end(`fast ${request.method} ${request.url}`) })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    servers.push(server)
    const port = (server.address() as AddressInfo).port
    const text = await raw(port, 'HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*content-length: 12\r\n[\s\S]*?\r\n\r\nHTTP\/1\.1 200 OK/)
    expect(text).not.toContain('fast HEAD')
    expect(text.endsWith('fast GET /g')).toBe(true)
  })

  it('hands a connection to node:http, bytes and all, when a request has a body', async () => {
    const port = await start()
    const text = await raw(port, 'GET /first HTTP/1.1\r\nHost: x\r\n\r\nPOST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(text).toContain('fast GET /first')
    expect(text).toContain('full POST hello')
    expect(text).toContain('full GET ')
    const chunked = await fetch(`http://127.0.0.1:${port}/c`, { method: 'PUT', body: 'chunky' })
    expect(await chunked.text()).toBe('full PUT chunky')
  })

  it('cuts a connection whose request is never answered, after the request timeout', async () => {
    const fallback = createHttpServer()
    const server = createFastHttpServer({ fallback, handle: () => {}, keepAliveMs: 100, requestTimeoutMs: 200 })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    servers.push(server)
    // Resolves when the server closes the connection; the test's own timeout is the failure.
    expect(await raw((server.address() as AddressInfo).port, 'GET /never HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('')
  })

  it('refuses malformed heads with 400 and closes, as node:http does', async () => {
    const port = await start()
    expect(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nBad : 1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*not a token/)
    expect(await raw(port, 'GET / HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /)
    expect(await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}`)).toMatch(/^HTTP\/1\.1 431 /)
  })

  it('never lets a response header value split the response', async () => {
    const fallback = createHttpServer()
    const server = createFastHttpServer({
      fallback,
      handle: (_request, response) => {
        try {
          response.writeHead(200, { 'x-evil': 'a\r\nset-cookie: b' }).end('x')
        } catch (error) {
          response.writeHead(500, {}).end((error as Error).message)
        }
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    servers.push(server)
    const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    expect(answer.status).toBe(500)
    expect(answer.headers.get('set-cookie')).toBeNull()
    expect(await answer.text()).toMatch(/invalid characters in the value of response header "x-evil"/)
  })
})

describe('fast path and node:http see the same request', () => {
  it('method, target and headers (joined, first-only and cookie rules) match node:http for generated heads (property)', async () => {
    const echo = (request: { method?: string; url?: string; headers: unknown }) => JSON.stringify({ method: request.method, url: request.url, headers: request.headers })
    const fallback = createHttpServer((request, response) => response.end(echo(request)))
    const server = createFastHttpServer({ fallback, handle: (request, response) => response.writeHead(200, {}).end(echo(request)) })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    await new Promise<void>((resolve) => fallback.listen(0, '127.0.0.1', resolve))
    servers.push(server)
    const fastPort = (server.address() as AddressInfo).port
    const nodePort = (fallback.address() as AddressInfo).port
    const body = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4)
    try {
      const name = fc.constantFrom('Accept', 'accept', 'Cookie', 'User-Agent', 'X-Trace', 'x-trace', 'Content-Type', 'Set-Cookie', 'If-None-Match', 'Referer')
      const value = fc.stringMatching(/^[!-~]([ -~]{0,10}[!-~])?$/)
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 8 }), fc.stringMatching(/^\/[a-z0-9/?=&%.-]{0,20}$/), async (headers, target) => {
          const head = `GET ${target} HTTP/1.1\r\nHost: x\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`
          expect(body(await raw(fastPort, head))).toBe(body(await raw(nodePort, head)))
        }),
        { numRuns: 60 }
      )
    } finally {
      await new Promise((resolve) => fallback.close(resolve))
    }
  })
})
