import { createServer, type Server } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listen } from '../../net/listen'
import type { EdgeService } from './edge-service'
import { edgeForTest } from './testing-edge'

const text = 'abcdefghijklmnopqrstuvwxyz'
const lastModified = 'Tue, 01 Sep 2026 10:00:00 GMT'

/** An origin with one object, an ETag and a Last-Modified, counting the requests that reach it. */
let origin: Server
let originPort = 0
let hits = 0

beforeEach(async () => {
  hits = 0
  origin = createServer((_request, response) => {
    hits++
    response.writeHead(200, { 'content-type': 'text/plain', etag: '"v1"', 'last-modified': lastModified, 'cache-control': 'max-age=600', 'content-length': text.length })
    response.end(text)
  })
  originPort = (await listen(origin, { host: '127.0.0.1', port: 0 }, 'origin')).port
})

let edge: EdgeService | undefined
afterEach(async () => {
  await edge?.stop()
  edge = undefined
  await new Promise((resolve) => origin.close(resolve))
})

async function startEdge() {
  edge = edgeForTest({ origins: [{ id: 'web', url: `http://127.0.0.1:${originPort}` }], defaultBehavior: { origin: 'web', compress: false } })
  await edge.start()
  const base = edge.endpoints()[0]!.url!
  return async (headers: Record<string, string> = {}, method = 'GET') => {
    // One Accept-Encoding for all: fetch leaves it out when it sends Range, which would be another key.
    const response = await fetch(`${base}f.txt`, { method, headers: { 'accept-encoding': 'gzip', ...headers } })
    return { status: response.status, cache: response.headers.get('x-cache'), type: response.headers.get('content-type'), contentRange: response.headers.get('content-range'), body: await response.text() }
  }
}

/** The parts of a multipart/byteranges body: each part's Content-Range and data. */
function parts(type: string | null, body: string): { range: string; data: string }[] {
  const boundary = /boundary=(\S+)/.exec(type ?? '')?.[1]
  if (!boundary) throw new Error(`not multipart: ${type}`)
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [head, data] = part.replace(/^\r\n/, '').split('\r\n\r\n') as [string, string]
      return { range: /Content-Range: (.*)/.exec(head)![1]!, data: data.replace(/\r\n$/, '') }
    })
}

describe('several ranges at the edge (RFC 9110 §14.6)', () => {
  it('answers multipart/byteranges on a miss (from the fetched object) and on a hit, parts in the order asked', async () => {
    const get = await startEdge()
    for (const cache of ['Miss from cloudfront', 'Hit from cloudfront']) {
      const answer = await get({ range: 'bytes=20-22, 0-1, -2' })
      expect(answer).toMatchObject({ status: 206, cache, contentRange: null })
      expect(answer.type).toMatch(/^multipart\/byteranges; boundary=/)
      expect(parts(answer.type, answer.body)).toEqual([
        { range: 'bytes 20-22/26', data: 'uvw' },
        { range: 'bytes 0-1/26', data: 'ab' },
        { range: 'bytes 24-25/26', data: 'yz' }
      ])
    }
    expect(hits).toBe(1)
  })

  it('coalesces overlapping ranges into one 206, and answers 200 to more than two overlapping', async () => {
    const get = await startEdge()
    expect(await get({ range: 'bytes=0-4,3-7' })).toMatchObject({ status: 206, contentRange: 'bytes 0-7/26', body: 'abcdefgh' })
    expect(await get({ range: 'bytes=0-4,1-5,2-6' })).toMatchObject({ status: 200, body: text })
    expect(await get({ range: 'bytes=100-,200-' })).toMatchObject({ status: 416, contentRange: 'bytes */26' })
  })
})

describe('preconditions at the edge (RFC 9110 §13.1.1, §13.1.4, §13.2.2)', () => {
  it('answers 412 for a failed If-Match or If-Unmodified-Since, on a miss and on a hit, without asking the origin again', async () => {
    const get = await startEdge()
    expect(await get({ 'if-match': '"v0"' })).toMatchObject({ status: 412, cache: 'Miss from cloudfront', body: '' })
    expect(await get({ 'if-match': '"v0"' })).toMatchObject({ status: 412, cache: 'Hit from cloudfront' })
    expect(await get({ 'if-match': 'W/"v1"' })).toMatchObject({ status: 412 })
    expect(await get({ 'if-match': '"v1"', range: 'bytes=0-1' })).toMatchObject({ status: 206, body: 'ab' })
    expect(await get({ 'if-unmodified-since': 'Tue, 01 Sep 2026 09:00:00 GMT' })).toMatchObject({ status: 412 })
    expect(await get({ 'if-unmodified-since': lastModified })).toMatchObject({ status: 200, body: text })
    // If-Match holds, so If-Unmodified-Since is not looked at.
    expect(await get({ 'if-match': '"v1"', 'if-unmodified-since': 'Tue, 01 Sep 2026 09:00:00 GMT' })).toMatchObject({ status: 200 })
    expect(await get({ 'if-match': '"v0"' }, 'HEAD')).toMatchObject({ status: 412 })
    expect(hits).toBe(1)
  })
})
