import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cacheKey, keyQueryString, normaliseAcceptEncoding, requestCookies } from './cache-key'
import { MANAGED_CACHE_POLICIES, makeCachePolicy, managedCachePolicy } from './cache-policies'
import type { CachedRequest, CacheKeyPolicy, HeaderMap } from './cache-types'

const req = (url: string, headers: HeaderMap = {}, method = 'GET'): CachedRequest => ({
  method,
  url,
  headers: { host: 'd111.cloudfront.net', ...headers }
})
const bare: CacheKeyPolicy = makeCachePolicy({ name: 'bare', minTtl: 0 }).key
const withKey = (key: Partial<CacheKeyPolicy>): CacheKeyPolicy => ({ ...bare, ...key })

describe('cacheKey', () => {
  it('CloudFront §1.2: the default key is domain + path; query, headers and cookies are ignored', () => {
    const a = cacheKey(req('/img/a.png?x=1', { cookie: 'sid=1', 'user-agent': 'x' }), bare)
    expect(a).toBe('d111.cloudfront.net/img/a.png')
    expect(cacheKey(req('/img/a.png'), bare)).toBe(a)
  })

  it('CloudFront §1.2: OPTIONS is cached under its own key; HEAD shares the GET key', () => {
    expect(cacheKey(req('/a', {}, 'OPTIONS'), bare)).not.toBe(cacheKey(req('/a'), bare))
    expect(cacheKey(req('/a', {}, 'HEAD'), bare)).toBe(cacheKey(req('/a'), bare))
  })

  it('CloudFront §1.1: paths are case-sensitive, hosts are not', () => {
    expect(cacheKey(req('/A'), bare)).not.toBe(cacheKey(req('/a'), bare))
    expect(cacheKey(req('/a', { host: 'D111.CloudFront.net' }), bare)).toBe(
      cacheKey(req('/a'), bare)
    )
    expect(cacheKey(req('/a'), bare, { host: 'example.com' })).toBe('example.com/a')
  })

  it('query strings: all — sorted, so parameter order does not split the cache', () => {
    const p = withKey({ queryStrings: { behavior: 'all' } })
    expect(cacheKey(req('/a?b=2&a=1'), p)).toBe(cacheKey(req('/a?a=1&b=2'), p))
    expect(cacheKey(req('/a?b=2&a=1'), p)).toBe('d111.cloudfront.net/a?a=1&b=2')
  })

  it('query strings: whitelist and allExcept match names case-sensitively', () => {
    expect(keyQueryString('w=1&W=2&h=3', { behavior: 'whitelist', names: ['w'] })).toBe('w=1')
    expect(keyQueryString('w=1&W=2&h=3', { behavior: 'allExcept', names: ['w'] })).toBe('W=2&h=3')
    expect(keyQueryString('a%20b=1&c', { behavior: 'whitelist', names: ['a b', 'c'] })).toBe(
      'a%20b=1&c'
    )
    expect(keyQueryString('x=1', { behavior: 'none' })).toBe('')
  })

  it('headers: whitelisted names are case-insensitive; the full value is keyed', () => {
    const p = withKey({ headers: ['X-Device'] })
    const a = cacheKey(req('/', { 'x-device': 'phone' }), p)
    expect(cacheKey(req('/', { 'X-DEVICE': 'phone' }), p)).toBe(a)
    expect(cacheKey(req('/', { 'x-device': 'tablet' }), p)).not.toBe(a)
    expect(cacheKey(req('/'), p)).not.toBe(a)
  })

  it('cookies: whitelist / allExcept / all, names case-sensitive, order-insensitive', () => {
    const cookie = { cookie: 'b=2; a=1; A=3' }
    expect(
      cacheKey(req('/', cookie), withKey({ cookies: { behavior: 'whitelist', names: ['a'] } }))
    ).toBe('d111.cloudfront.net/|c:a=1')
    expect(
      cacheKey(req('/', cookie), withKey({ cookies: { behavior: 'allExcept', names: ['a'] } }))
    ).toBe('d111.cloudfront.net/|c:A=3|c:b=2')
    const all = withKey({ cookies: { behavior: 'all' } })
    expect(cacheKey(req('/', { cookie: 'a=1; b=2' }), all)).toBe(
      cacheKey(req('/', { cookie: 'b=2;a=1' }), all)
    )
  })

  it('cookies: taken from request.cookies when given, and from several Cookie lines', () => {
    expect(requestCookies({ method: 'GET', url: '/', headers: {}, cookies: { s: 'v' } })).toEqual(
      new Map([['s', 'v']])
    )
    expect(requestCookies(req('/', { cookie: ['a=1', 'b=2'] }))).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2']
      ])
    )
  })

  it('a value cannot forge another segment', () => {
    const p = withKey({ headers: ['x-a', 'x-b'] })
    expect(cacheKey(req('/', { 'x-a': '1|h:x-b=2' }), p)).not.toBe(
      cacheKey(req('/', { 'x-a': '1', 'x-b': '2' }), p)
    )
  })

  it('CloudFront §1.2: Accept-Encoding is normalised to br,gzip / gzip / br', () => {
    const p = MANAGED_CACHE_POLICIES.CachingOptimized.key
    expect(cacheKey(req('/', { 'accept-encoding': 'gzip, deflate, br' }), p)).toBe(
      'd111.cloudfront.net/|ae:br,gzip'
    )
    expect(cacheKey(req('/', { 'accept-encoding': 'br;q=1.0, gzip;q=0.8' }), p)).toBe(
      cacheKey(req('/', { 'accept-encoding': 'gzip,br' }), p)
    )
    expect(cacheKey(req('/', { 'accept-encoding': 'deflate' }), p)).toBe('d111.cloudfront.net/')
    expect(cacheKey(req('/'), p)).toBe('d111.cloudfront.net/')
  })

  it('CloudFront §1.2: only enabled formats survive; q=0 is a refusal', () => {
    expect(normaliseAcceptEncoding('gzip, br', { gzip: true, br: false })).toBe('gzip')
    expect(normaliseAcceptEncoding('GZIP, br;q=0', { gzip: true, br: true })).toBe('gzip')
    expect(normaliseAcceptEncoding('identity', { gzip: true, br: true })).toBeUndefined()
    const media = MANAGED_CACHE_POLICIES['Elemental-MediaPackage'].key
    expect(cacheKey(req('/', { 'accept-encoding': 'br, gzip' }), media)).toBe(
      'd111.cloudfront.net/|ae:gzip'
    )
  })

  it('CloudFront §1.2: listing Accept-Encoding as a key header disables normalisation', () => {
    const p = withKey({ headers: ['accept-encoding'], enableAcceptEncodingGzip: true })
    expect(cacheKey(req('/', { 'accept-encoding': 'gzip, deflate' }), p)).toBe(
      'd111.cloudfront.net/|h:accept-encoding=gzip%2C%20deflate'
    )
  })

  it('CachingOptimizedForUncompressedObjects ignores Accept-Encoding', () => {
    const p = MANAGED_CACHE_POLICIES.CachingOptimizedForUncompressedObjects.key
    expect(cacheKey(req('/', { 'accept-encoding': 'gzip' }), p)).toBe('d111.cloudfront.net/')
  })

  it('property: never throws on arbitrary URLs and headers', () => {
    const p = MANAGED_CACHE_POLICIES['UseOriginCacheControlHeaders-QueryStrings'].key
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (url, cookie, ae) => {
        expect(typeof cacheKey(req(url, { cookie, 'accept-encoding': ae }), p)).toBe('string')
      })
    )
  })
})

describe('managed cache policies (reference §1.2)', () => {
  it('have the published TTLs', () => {
    const ttl = (name: string): number[] => {
      const p = managedCachePolicy(name)!
      return [p.minTtl, p.defaultTtl, p.maxTtl]
    }
    expect(ttl('CachingOptimized')).toEqual([1, 86_400, 31_536_000])
    expect(ttl('CachingOptimizedForUncompressedObjects')).toEqual([1, 86_400, 31_536_000])
    expect(ttl('CachingDisabled')).toEqual([0, 0, 0])
    expect(ttl('UseOriginCacheControlHeaders')).toEqual([0, 0, 31_536_000])
    expect(ttl('UseOriginCacheControlHeaders-QueryStrings')).toEqual([0, 0, 31_536_000])
    expect(ttl('Amplify')).toEqual([2, 2, 600])
    expect(ttl('Elemental-MediaPackage')).toEqual([0, 86_400, 31_536_000])
  })

  it('are found by ID too', () => {
    expect(managedCachePolicy('4135ea2d-6df8-44a3-9df3-4b5a84be39ad')?.name).toBe('CachingDisabled')
    expect(managedCachePolicy('nope')).toBeUndefined()
  })

  it('makeCachePolicy: DefaultTTL never below MinTTL, MaxTTL never below DefaultTTL', () => {
    const p = makeCachePolicy({ name: 'x', minTtl: 100_000 })
    expect([p.defaultTtl, p.maxTtl]).toEqual([100_000, 31_536_000])
    const q = makeCachePolicy({ name: 'y', minTtl: 40_000_000 })
    expect([q.defaultTtl, q.maxTtl]).toEqual([40_000_000, 40_000_000])
  })
})
