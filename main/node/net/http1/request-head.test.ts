import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { maxHeadBytes, parseRequestHead, type RequestHead } from './request-head'

const parse = (text: string) => {
  const buffer = Buffer.from(text, 'latin1')
  return parseRequestHead(buffer, 0, buffer.length)
}
const head = (text: string): RequestHead => {
  const result = parse(text)
  if (result.kind !== 'head') throw new Error(`not a head: ${JSON.stringify(result)}`)
  return result.head
}

describe('parseRequestHead', () => {
  it('reads method, target, version and headers as IncomingMessage has them', () => {
    const h = head('GET /a?b=1 HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\ncookie: b=2\r\nAccept: a\r\nAccept: b\r\nUser-Agent: one\r\nUser-Agent: two\r\nSet-Cookie: s\r\n\r\nrest')
    expect(h).toMatchObject({ method: 'GET', url: '/a?b=1', minor: 1, needsFullServer: false, keepAlive: true })
    expect(h.headers).toEqual({ host: 'x', cookie: 'a=1; b=2', accept: 'a, b', 'user-agent': 'one', 'set-cookie': ['s'] })
    expect(h.rawHeaders.slice(0, 4)).toEqual(['Host', 'x', 'Cookie', 'a=1'])
    expect(h.end).toBe(Buffer.byteLength('GET /a?b=1 HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\ncookie: b=2\r\nAccept: a\r\nAccept: b\r\nUser-Agent: one\r\nUser-Agent: two\r\nSet-Cookie: s\r\n\r\n'))
  })

  it('waits for the blank line that ends the head', () => {
    expect(parse('GET / HTTP/1.1\r\nHost: x\r\n')).toEqual({ kind: 'incomplete' })
  })

  it.each([
    ['GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n'],
    ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
    ['PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n'],
    ['CONNECT /x HTTP/1.1\r\nHost: x\r\n\r\n']
  ])('leaves a body, an upgrade, Expect and CONNECT to node:http: %j', (text) => {
    expect(head(text).needsFullServer).toBe(true)
  })

  it('keeps HTTP/1.0 connections only when asked, and closes HTTP/1.1 ones on Connection: close', () => {
    expect(head('GET / HTTP/1.0\r\n\r\n').keepAlive).toBe(false)
    expect(head('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n').keepAlive).toBe(true)
    expect(head('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n').keepAlive).toBe(false)
  })

  it.each([
    ['GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n', 400, /obs-fold/],
    ['GET / HTTP/1.1\r\nHost: x\r\nX-A : 1\r\n\r\n', 400, /not a token/],
    ['GET / HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n', 400, /control character/],
    ['GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n', 400, /control character/],
    ['GET / HTTP/1.1\r\n\r\n', 400, /without a Host/],
    ['GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, /more than one Host/],
    ['GET /a b HTTP/1.1\r\nHost: x\r\n\r\n', 400, /request target/],
    ['GET example.com HTTP/1.1\r\nHost: x\r\n\r\n', 400, /request target/],
    ['G(T / HTTP/1.1\r\nHost: x\r\n\r\n', 400, /method/],
    ['GET / HTTP/2.0\r\nHost: x\r\n\r\n', 505, /not supported/],
    ['GET /\r\nHost: x\r\n\r\n', 400, /request line/]
  ])('refuses what RFC 9112 does not allow: %j', (text, status, reason) => {
    const result = parse(text)
    expect(result).toMatchObject({ kind: 'refused', status })
    expect(result.kind === 'refused' && result.reason).toMatch(reason)
  })

  it('refuses a head over 16 KiB with 431, complete or not', () => {
    const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(maxHeadBytes)}\r\n`
    expect(parse(big)).toMatchObject({ kind: 'refused', status: 431 })
    expect(parse(`${big}\r\n`)).toMatchObject({ kind: 'refused', status: 431 })
  })
})

describe('parseRequestHead on hostile input', () => {
  it('never throws on arbitrary bytes, and a head it takes ends inside the input (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const buffer = Buffer.from(bytes)
        const result = parseRequestHead(buffer, 0, buffer.length)
        if (result.kind === 'head') expect(result.head.end).toBeLessThanOrEqual(buffer.length)
      }),
      { numRuns: 2000 }
    )
  })

  it('never takes a head whose lines hold a bare CR, LF or NUL (property)', () => {
    const line = fc.stringMatching(/^[\x20-\x7e]{0,20}$/)
    fc.assert(
      fc.property(line, fc.constantFrom('\r', '\n', '\0'), line, (before, bad, after) => {
        const text = `GET / HTTP/1.1\r\nHost: x\r\nX-A: ${before}${bad}${after}\r\n\r\n`
        expect(parse(text).kind).not.toBe('head')
      }),
      { numRuns: 500 }
    )
  })
})
