import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import type {
  CachedRequest,
  CachedResponse,
  HeaderMap,
  StoredResponse,
  TtlPolicy
} from './cache-types'
import {
  buildConditionalRequest,
  conditionalHeaders,
  evaluateConditional,
  notModifiedHeaders,
  parseEntityTags,
  selectForUpdate,
  updateFromNotModified,
  weakEtagMatch
} from './conditional'
import { currentAge, isFresh } from './freshness'

const clock = new FakeClock()
const T0 = clock.now()
const httpDate = (ms: number): string => new Date(ms).toUTCString()
const policy: TtlPolicy = { minTtl: 0, defaultTtl: 0, maxTtl: 31_536_000 }
const stored = (headers: HeaderMap, at = T0): StoredResponse => ({
  status: 200,
  headers,
  body: new TextEncoder().encode('hello'),
  requestTime: at,
  responseTime: at,
  lifetimeSec: 60,
  source: 'max-age'
})
const notModified = (headers: HeaderMap, at: number): CachedResponse => ({
  status: 304,
  headers,
  body: new Uint8Array(),
  requestTime: at,
  responseTime: at
})
const get = (headers: HeaderMap, method = 'GET'): CachedRequest => ({ method, url: '/a', headers })

describe('conditional requests to the origin', () => {
  it('RFC 9111 §4.3.1: If-None-Match from ETag, If-Modified-Since from Last-Modified', () => {
    const lm = httpDate(T0 - 86_400_000)
    expect(conditionalHeaders(stored({ ETag: '"v1"', 'Last-Modified': lm }))).toEqual({
      'if-none-match': '"v1"',
      'if-modified-since': lm
    })
    expect(conditionalHeaders(stored({}))).toEqual({})
  })

  it("replaces the viewer's own conditionals with the cache's validators", () => {
    const out = buildConditionalRequest(
      get({ 'If-None-Match': '"old"', 'x-a': '1' }),
      stored({ etag: '"v2"' })
    )
    expect(out.headers).toEqual({ 'x-a': '1', 'if-none-match': '"v2"' })
  })
})

describe('updateFromNotModified', () => {
  it('§3.2 / §4.3.4: 304 fields replace stored ones; Content-Length, ETag and body stay', () => {
    const s = stored({
      ETag: '"v1"',
      'Content-Length': '5',
      'Cache-Control': 'max-age=60',
      'X-Old': 'keep'
    })
    clock.advance(120_000)
    const now = clock.now()
    const r = notModified(
      { etag: '"v1"', 'content-length': '0', 'cache-control': 'max-age=300', 'x-new': '1' },
      now
    )
    const u = updateFromNotModified(s, r, policy, now)
    expect(u.headers).toEqual({
      ETag: '"v1"',
      'Content-Length': '5',
      'X-Old': 'keep',
      'cache-control': 'max-age=300',
      'x-new': '1'
    })
    expect(new TextDecoder().decode(u.body)).toBe('hello')
    expect(u.lifetimeSec).toBe(300)
    expect(currentAge(u, now)).toBe(0)
    expect(isFresh(u, now)).toBe(true)
  })

  it('§3.2: the fields the stored body depends on are not taken from a 304', () => {
    const s = stored({ ETag: '"v1"', 'Content-Encoding': 'gzip', 'Content-Range': 'bytes 0-4/5', 'Content-MD5': 'a', 'Cache-Control': 'max-age=60' })
    const r = notModified({ etag: '"v2"', 'content-encoding': 'br', 'content-range': 'bytes 0-1/2', 'content-md5': 'b', 'x-a': '1' }, T0)
    expect(updateFromNotModified(s, r, policy, T0).headers).toEqual({ ETag: '"v1"', 'Content-Encoding': 'gzip', 'Content-Range': 'bytes 0-4/5', 'Content-MD5': 'a', 'Cache-Control': 'max-age=60', 'x-a': '1' })
  })

  it('§3.2: nor the fields the 304\'s Connection header names', () => {
    const r = notModified({ connection: 'x-hop', 'x-hop': '1', 'x-end': '2' }, T0)
    expect(updateFromNotModified(stored({}), r, policy, T0).headers).toMatchObject({ 'x-end': '2' })
    expect(updateFromNotModified(stored({}), r, policy, T0).headers['x-hop']).toBeUndefined()
  })

  it('a 304 that now says no-store yields a not-cacheable result', () => {
    const u = updateFromNotModified(
      stored({}),
      notModified({ 'cache-control': 'no-store' }, T0),
      policy
    )
    expect(u.source).toBe('not-cacheable')
  })

  it('§4.3.4: a strong ETag selects every stored response with it', () => {
    const a = stored({ etag: '"a"' })
    const b = stored({ etag: '"b"' })
    const a2 = stored({ etag: '"a"' })
    expect(selectForUpdate([a, b, a2], notModified({ etag: '"a"' }, T0))).toEqual([a, a2])
    expect(selectForUpdate([b], notModified({ etag: '"a"' }, T0))).toEqual([])
  })

  it('§4.3.4: weak validators select the most recent match', () => {
    const old = stored({ etag: 'W/"a"' }, T0 - 1000)
    const recent = stored({ etag: 'W/"a"' }, T0)
    expect(selectForUpdate([old, recent], notModified({ etag: 'W/"a"' }, T0))).toEqual([recent])
  })

  it('§4.3.4: no validators updates the single stored response only if it has none', () => {
    const plain = stored({})
    expect(selectForUpdate([plain], notModified({}, T0))).toEqual([plain])
    expect(selectForUpdate([stored({ etag: '"x"' })], notModified({}, T0))).toEqual([])
  })
})

describe('evaluateConditional', () => {
  const s = stored({ etag: '"v1"', 'last-modified': httpDate(T0 - 60_000), date: httpDate(T0) })

  it('RFC 9110 §13.1.2: If-None-Match uses weak comparison', () => {
    expect(evaluateConditional(get({ 'if-none-match': 'W/"v1"' }), s)).toBe('not-modified')
    expect(evaluateConditional(get({ 'if-none-match': '"x", "v1"' }), s)).toBe('not-modified')
    expect(evaluateConditional(get({ 'if-none-match': '"v2"' }), s)).toBe('full')
    expect(evaluateConditional(get({ 'if-none-match': '*' }), s)).toBe('not-modified')
  })

  it('§13.1.3: If-Modified-Since is ignored when If-None-Match is present', () => {
    const since = httpDate(T0)
    expect(
      evaluateConditional(get({ 'if-none-match': '"v2"', 'if-modified-since': since }), s)
    ).toBe('full')
  })

  it('§13.1.3: 304 when Last-Modified is not after If-Modified-Since', () => {
    expect(evaluateConditional(get({ 'if-modified-since': httpDate(T0 - 60_000) }), s)).toBe(
      'not-modified'
    )
    expect(evaluateConditional(get({ 'if-modified-since': httpDate(T0 - 120_000) }), s)).toBe(
      'full'
    )
    expect(evaluateConditional(get({ 'if-modified-since': 'garbage' }), s)).toBe('full')
  })

  it('RFC 9111 §4.3.2: without Last-Modified the Date is used', () => {
    const noLm = stored({ date: httpDate(T0 - 10_000) })
    expect(evaluateConditional(get({ 'if-modified-since': httpDate(T0) }), noLm)).toBe(
      'not-modified'
    )
  })

  it('§13.1.3: only GET and HEAD are answered with 304', () => {
    expect(evaluateConditional(get({ 'if-none-match': '"v1"' }, 'HEAD'), s)).toBe('not-modified')
    expect(evaluateConditional(get({ 'if-none-match': '"v1"' }, 'POST'), s)).toBe('full')
  })

  it('RFC 9110 §15.4.5: a 304 carries ETag, Date, Cache-Control, Expires, Vary, Content-Location', () => {
    const h = notModifiedHeaders(
      stored({ etag: '"1"', 'content-type': 'text/plain', vary: 'origin', date: 'x' })
    )
    expect(h).toEqual({ etag: '"1"', vary: 'origin', date: 'x' })
  })

  it('entity-tag parsing and weak comparison', () => {
    expect(parseEntityTags('"a,b", W/"c"')).toEqual(['"a,b"', 'W/"c"'])
    expect(weakEtagMatch('W/"1"', '"1"')).toBe(true)
    expect(weakEtagMatch('"1"', '"2"')).toBe(false)
    expect(weakEtagMatch(undefined, '"1"')).toBe(false)
  })
})
