import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../base/clock'
import type { HeaderMap } from './cache/cache-types'
import type { Delivery } from './edge-viewer'
import { answerViewer } from './viewer-answer'

const clock = new FakeClock()
const lastModified = new Date(clock.now() - 3_600_000).toUTCString()
const full: Delivery = { status: 200, headers: { etag: 'W/"v1"', 'last-modified': lastModified, 'content-type': 'text/plain', 'x-extra': 'y' }, body: Buffer.from('0123456789'), age: 12 }

describe('answering what the viewer asked of a complete response', () => {
  it.each([
    { name: 'no conditionals, no range: the whole response', headers: {}, status: 200, body: '0123456789' },
    { name: 'If-None-Match matches (weak comparison): 304', headers: { 'if-none-match': '"v1"' }, status: 304, body: '' },
    { name: 'If-None-Match lists another tag: 200', headers: { 'if-none-match': '"v0", "v2"' }, status: 200, body: '0123456789' },
    { name: 'If-None-Match: * matches any stored response', headers: { 'if-none-match': '*' }, status: 304, body: '' },
    { name: 'If-Modified-Since at Last-Modified: 304', headers: { 'if-modified-since': lastModified }, status: 304, body: '' },
    { name: 'If-Modified-Since before Last-Modified: 200', headers: { 'if-modified-since': new Date(clock.now() - 7_200_000).toUTCString() }, status: 200, body: '0123456789' },
    { name: 'If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)', headers: { 'if-none-match': '"v2"', 'if-modified-since': lastModified }, status: 200, body: '0123456789' },
    { name: 'If-Match with a weak stored tag: 412 (strong comparison)', headers: { 'if-match': '"v1"' }, status: 412, body: '' },
    { name: 'If-Match: *: the whole response', headers: { 'if-match': '*' }, status: 200, body: '0123456789' },
    { name: 'If-Unmodified-Since before Last-Modified: 412', headers: { 'if-unmodified-since': new Date(clock.now() - 7_200_000).toUTCString() }, status: 412, body: '' },
    { name: 'If-Unmodified-Since at Last-Modified, with a range: 206', headers: { 'if-unmodified-since': lastModified, range: 'bytes=0-1' }, status: 206, body: '01' },
    { name: 'a failed precondition beats a matching If-None-Match (§13.2.2)', headers: { 'if-unmodified-since': new Date(clock.now() - 7_200_000).toUTCString(), 'if-none-match': '"v1"' }, status: 412, body: '' },
    { name: 'a matching validator beats Range', headers: { 'if-none-match': '"v1"', range: 'bytes=0-1' }, status: 304, body: '' },
    { name: 'one range: 206', headers: { range: 'bytes=2-4' }, status: 206, body: '234' },
    { name: 'a suffix range: 206', headers: { range: 'bytes=-3' }, status: 206, body: '789' },
    { name: 'a range past the end: 416', headers: { range: 'bytes=50-' }, status: 416, body: '' },
    { name: 'two overlapping ranges: coalesced into one 206', headers: { range: 'bytes=0-3,2-5' }, status: 206, body: '012345' },
    { name: 'three ranges over one byte: the whole response (RFC 9110 §14.2)', headers: { range: 'bytes=0-3,2-5,1-2' }, status: 200, body: '0123456789' },
    { name: 'If-Range with a weak tag: the whole response', headers: { range: 'bytes=0-1', 'if-range': 'W/"v1"' }, status: 200, body: '0123456789' }
  ])('$name', ({ headers, status, body }) => {
    const { delivery } = answerViewer({ method: 'GET', url: '/f', headers: headers as HeaderMap }, full, clock.now())
    expect(delivery.status).toBe(status)
    expect(delivery.body.toString()).toBe(body)
  })

  it('a 304 keeps the validators and caching fields only, and the age; a 206 says which bytes', () => {
    const notModified = answerViewer({ method: 'HEAD', url: '/f', headers: { 'if-none-match': 'W/"v1"' } }, full, clock.now()).delivery
    expect(notModified).toMatchObject({ status: 304, age: 12 })
    expect(Object.keys(notModified.headers).sort()).toEqual(['etag', 'last-modified'])
    const partial = answerViewer({ method: 'GET', url: '/f', headers: { range: 'bytes=8-' } }, full, clock.now()).delivery
    expect(partial.headers).toMatchObject({ 'content-range': 'bytes 8-9/10', 'content-type': 'text/plain' })
    expect(answerViewer({ method: 'GET', url: '/f', headers: { range: 'bytes=0-1' } }, { ...full, status: 404 }, clock.now()).delivery.status).toBe(404)
  })

  it('a 412 carries the validators only', () => {
    const { delivery, note } = answerViewer({ method: 'HEAD', url: '/f', headers: { 'if-match': '"other"' } }, full, clock.now())
    expect(delivery.status).toBe(412)
    expect(Object.keys(delivery.headers).sort()).toEqual(['etag', 'last-modified'])
    expect(note).toMatch(/If-Match does not hold: 412/)
  })

  it('RFC 9110 §14.6: several ranges are one multipart/byteranges 206, parts in the order asked', () => {
    const { delivery, note } = answerViewer({ method: 'GET', url: '/f', headers: { range: 'bytes=8-9,0-1' } }, full, clock.now())
    expect(delivery.status).toBe(206)
    expect(delivery.headers['content-range']).toBeUndefined()
    const boundary = /^multipart\/byteranges; boundary=(\w+)$/.exec(String(delivery.headers['content-type']))?.[1]
    expect(boundary).toBeDefined()
    expect(delivery.body.toString()).toBe(
      `\r\n--${boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 8-9/10\r\n\r\n89` +
        `\r\n--${boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01\r\n--${boundary}--\r\n`
    )
    expect(delivery.age).toBe(12)
    expect(note).toMatch(/bytes 8-9,0-1 of 10 .*multipart/)
  })
})
