import { describe, expect, it } from 'vitest'
import { MANAGED_CACHE_POLICIES } from './cache-policies'
import type { CachedRequest, CachedResponse, HeaderMap } from './cache-types'
import { checkStorable, headersForStorage, isStorable } from './storable'

const T0 = 1_700_000_000_000
const get = (headers: HeaderMap = {}, method = 'GET'): CachedRequest => ({
  method,
  url: '/a',
  headers
})
const res = (headers: HeaderMap = {}, status = 200, body = new Uint8Array()): CachedResponse => ({
  status,
  headers,
  body,
  requestTime: T0,
  responseTime: T0
})
const optimized = MANAGED_CACHE_POLICIES.CachingOptimized
const origin = MANAGED_CACHE_POLICIES.UseOriginCacheControlHeaders
const reason = (r: ReturnType<typeof checkStorable>): string => (r.storable ? 'storable' : r.reason)

describe('isStorable', () => {
  it('RFC 9111 §3: a plain 200 to GET is storable (CloudFront: DefaultTTL)', () => {
    expect(checkStorable(get(), res(), optimized)).toEqual({
      storable: true,
      freshness: { cacheable: true, lifetimeSec: 86_400, source: 'default-ttl' }
    })
  })

  it('§3: the request method must be cacheable; HEAD and POST are not stored; OPTIONS on request', () => {
    expect(reason(checkStorable(get({}, 'POST'), res(), optimized))).toBe('method')
    expect(reason(checkStorable(get({}, 'HEAD'), res(), optimized))).toBe('method')
    expect(isStorable(get({}, 'OPTIONS'), res(), optimized)).toBe(false)
    expect(isStorable(get({}, 'OPTIONS'), res(), optimized, { cacheOptions: true })).toBe(true)
  })

  it('§3: 1xx and 304 are not final storable responses; 206 is left to range support', () => {
    expect(reason(checkStorable(get(), res({}, 304), optimized))).toBe('status')
    expect(reason(checkStorable(get(), res({}, 206), optimized))).toBe('partial-content')
  })

  it('§3 + CloudFront §1.2: no-store / private are not stored with MinTTL 0', () => {
    expect(reason(checkStorable(get(), res({ 'cache-control': 'no-store' }), origin))).toBe(
      'no-store'
    )
    expect(
      reason(checkStorable(get(), res({ 'cache-control': 'private, max-age=60' }), origin))
    ).toBe('private')
  })

  it('CloudFront §1.2: with MinTTL > 0 even no-store / private are stored', () => {
    expect(isStorable(get(), res({ 'cache-control': 'no-store' }), optimized)).toBe(true)
    expect(isStorable(get(), res({ 'cache-control': 'private' }), optimized)).toBe(true)
  })

  it('CachingDisabled stores nothing', () => {
    expect(
      reason(
        checkStorable(
          get(),
          res({ 'cache-control': 'max-age=60' }),
          MANAGED_CACHE_POLICIES.CachingDisabled
        )
      )
    ).toBe('not-cacheable')
  })

  it('§3: statuses not cacheable by default need explicit freshness', () => {
    expect(reason(checkStorable(get(), res({}, 302), optimized))).toBe('not-cacheable')
    expect(isStorable(get(), res({ 'cache-control': 'max-age=60' }, 302), optimized)).toBe(true)
  })

  it('§3.5: responses to Authorization requests need must-revalidate, public or s-maxage', () => {
    const auth = get({ Authorization: 'Bearer x' })
    expect(reason(checkStorable(auth, res({ 'cache-control': 'max-age=60' }), optimized))).toBe(
      'authorization'
    )
    for (const cc of ['public', 'must-revalidate', 's-maxage=60']) {
      expect(isStorable(auth, res({ 'cache-control': cc }), optimized)).toBe(true)
    }
  })

  it('§3.5 does not apply when Authorization is part of the key (Amplify policy)', () => {
    expect(isStorable(get({ authorization: 'x' }), res(), MANAGED_CACHE_POLICIES.Amplify)).toBe(
      true
    )
  })

  it('CloudFront §1.4: a body that disagrees with Content-Length is not cached', () => {
    const body = new Uint8Array(5)
    expect(
      reason(checkStorable(get(), res({ 'content-length': '10' }, 200, body), optimized))
    ).toBe('truncated')
    expect(isStorable(get(), res({ 'content-length': '5' }, 200, body), optimized)).toBe(true)
    expect(isStorable(get(), res({}, 200, body), optimized)).toBe(true)
  })

  it('§4.1: Vary: * can never be reused, so it is not stored', () => {
    expect(reason(checkStorable(get(), res({ vary: '*' }), optimized))).toBe('vary-star')
  })

  it('a zero lifetime is stored only when it can be revalidated or served stale', () => {
    expect(reason(checkStorable(get(), res(), origin))).toBe('zero-ttl-without-validator')
    expect(isStorable(get(), res({ etag: '"v1"' }), origin)).toBe(true)
    expect(
      isStorable(get(), res({ 'cache-control': 'max-age=0, stale-if-error=60' }), origin)
    ).toBe(true)
  })
})

describe('headersForStorage', () => {
  it('§3.1: drops hop-by-hop fields and those named in Connection', () => {
    const out = headersForStorage({
      Connection: 'close, X-Hop',
      'X-Hop': '1',
      'Keep-Alive': 'timeout=5',
      'Transfer-Encoding': 'chunked',
      'Content-Type': 'text/plain'
    })
    expect(out).toEqual({ 'Content-Type': 'text/plain' })
  })

  it('§5.2.2.4 / §5.2.2.7: drops fields named by qualified no-cache and private', () => {
    const out = headersForStorage({
      'cache-control': 'no-cache="Set-Cookie", private="x-user"',
      'set-cookie': 'a=1',
      'x-user': 'bob',
      etag: '"1"'
    })
    expect(Object.keys(out)).toEqual(['cache-control', 'etag'])
  })
})
