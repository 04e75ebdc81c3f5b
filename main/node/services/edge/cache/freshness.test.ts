import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { MANAGED_CACHE_POLICIES, makeCachePolicy } from './cache-policies'
import type {
  CachedRequest,
  CachedResponse,
  HeaderMap,
  StoredResponse,
  TtlPolicy
} from './cache-types'
import { DELTA_SECONDS_MAX } from './cache-control'
import { canServeStale, currentAge, freshnessLifetime, isFresh, receivedAge } from './freshness'

const clock = new FakeClock()
const T0 = clock.now()
const httpDate = (ms: number): string => new Date(ms).toUTCString()

function response(headers: HeaderMap, status = 200, at = T0): CachedResponse {
  return { status, headers, body: new Uint8Array(), requestTime: at, responseTime: at }
}
function stored(headers: HeaderMap, lifetimeSec: number, at = T0): StoredResponse {
  return { ...response(headers, 200, at), lifetimeSec, source: 'max-age' }
}
const get: CachedRequest = { method: 'GET', url: '/', headers: {} }

const origin = MANAGED_CACHE_POLICIES.UseOriginCacheControlHeaders // 0 / 0 / 1y
const optimized = MANAGED_CACHE_POLICIES.CachingOptimized // 1 / 86400 / 1y
const zeroMin: TtlPolicy = { minTtl: 0, defaultTtl: 86_400, maxTtl: 31_536_000 }
const lifetime = (r: CachedResponse, p: TtlPolicy = zeroMin): number =>
  freshnessLifetime(r, p, T0).lifetimeSec

describe('freshnessLifetime', () => {
  it('RFC 9111 §4.2.1: s-maxage beats max-age beats Expires', () => {
    const expires = httpDate(T0 + 500_000)
    const date = httpDate(T0)
    expect(lifetime(response({ 'cache-control': 'max-age=60, s-maxage=120', expires, date }))).toBe(
      120
    )
    expect(lifetime(response({ 'cache-control': 'max-age=60', expires, date }))).toBe(60)
    expect(lifetime(response({ expires, date }))).toBe(500)
  })

  it('§4.2.1: Expires − Date, with the receipt time standing in for a missing Date', () => {
    const r = response({ expires: httpDate(T0 + 30_000) })
    expect(freshnessLifetime(r, zeroMin, T0)).toEqual({
      cacheable: true,
      lifetimeSec: 30,
      source: 'expires'
    })
  })

  it('§5.3: an invalid Expires such as "0" means already expired', () => {
    expect(freshnessLifetime(response({ expires: '0' }), zeroMin, T0)).toMatchObject({
      lifetimeSec: 0,
      cacheable: true
    })
  })

  it('§4.2.1: an invalid max-age makes the response stale rather than defaulted', () => {
    expect(lifetime(response({ 'cache-control': 'max-age=soon' }))).toBe(0)
  })

  it('CloudFront §1.2, MinTTL 0: max-age above MaxTTL is cut to MaxTTL', () => {
    expect(
      lifetime(response({ 'cache-control': 'max-age=999' }), {
        minTtl: 0,
        defaultTtl: 10,
        maxTtl: 100
      })
    ).toBe(100)
  })

  it('CloudFront §1.2, MinTTL 0: no Cache-Control/Expires → DefaultTTL', () => {
    expect(freshnessLifetime(response({}), zeroMin, T0)).toEqual({
      cacheable: true,
      lifetimeSec: 86_400,
      source: 'default-ttl'
    })
    expect(lifetime(response({ 'cache-control': 'public' }))).toBe(86_400)
  })

  it('CloudFront §1.2, MinTTL 0: no-store / private are respected (not cached)', () => {
    for (const cc of ['no-store', 'private', 'max-age=60, private', 'no-cache, no-store']) {
      expect(freshnessLifetime(response({ 'cache-control': cc }), zeroMin, T0).cacheable).toBe(
        false
      )
    }
  })

  it('RFC 9111 §5.2.2.4, MinTTL 0: no-cache is stored with lifetime 0 (validated before each use)', () => {
    expect(
      freshnessLifetime(response({ 'cache-control': 'no-cache, max-age=600' }), zeroMin, T0)
    ).toEqual({
      cacheable: true,
      lifetimeSec: 0,
      source: 'no-cache'
    })
  })

  it.each<{ status: number; headers: HeaderMap; ttl: number; lifetime: number | undefined }>([
    { status: 403, headers: {}, ttl: 30, lifetime: 30 },
    { status: 404, headers: {}, ttl: 0, lifetime: undefined },
    { status: 503, headers: { 'cache-control': 'max-age=90' }, ttl: 30, lifetime: 90 },
    { status: 503, headers: { 'cache-control': 'max-age=5' }, ttl: 30, lifetime: 30 }
  ])(
    'custom error responses: $status with $headers and error caching TTL $ttl → $lifetime',
    ({ status, headers, ttl, lifetime: expected }) => {
      const p: TtlPolicy = { ...zeroMin, errorCachingMinTtlByStatus: { [status]: ttl } }
      const f = freshnessLifetime(response(headers, status), p, T0)
      expect(f.cacheable ? f.lifetimeSec : undefined).toBe(expected)
    }
  )

  it('CloudFront §1.2, MinTTL > 0: header values are clamped to [MinTTL, MaxTTL]', () => {
    const p: TtlPolicy = { minTtl: 30, defaultTtl: 60, maxTtl: 100 }
    expect(lifetime(response({ 'cache-control': 'max-age=5' }), p)).toBe(30)
    expect(lifetime(response({ 'cache-control': 'max-age=50' }), p)).toBe(50)
    expect(lifetime(response({ 'cache-control': 'max-age=500' }), p)).toBe(100)
  })

  it('CloudFront §1.2, MinTTL > 0: no header → max(MinTTL, DefaultTTL)', () => {
    expect(lifetime(response({}), { minTtl: 120, defaultTtl: 60, maxTtl: 1000 })).toBe(120)
  })

  it('CloudFront §1.2, MinTTL > 0: no-cache / no-store / private are cached for MinTTL anyway', () => {
    for (const cc of ['no-cache', 'no-store', 'private']) {
      expect(freshnessLifetime(response({ 'cache-control': cc }), optimized, T0)).toEqual({
        cacheable: true,
        lifetimeSec: 1,
        source: 'min-ttl-override'
      })
    }
  })

  it('CachingDisabled (0/0/0) caches nothing, whatever the origin says', () => {
    const r = response({ 'cache-control': 'max-age=3600' })
    expect(freshnessLifetime(r, MANAGED_CACHE_POLICIES.CachingDisabled, T0).cacheable).toBe(false)
  })

  it('UseOriginCacheControlHeaders: no headers → DefaultTTL 0 (stored only to revalidate)', () => {
    expect(freshnessLifetime(response({}), origin, T0)).toMatchObject({
      cacheable: true,
      lifetimeSec: 0
    })
  })

  it('CloudFront §1.8: 404/414/5xx without headers are cached for the error caching minimum TTL', () => {
    for (const status of [404, 414, 500, 501, 502, 503, 504]) {
      expect(freshnessLifetime(response({}, status), zeroMin, T0)).toEqual({
        cacheable: true,
        lifetimeSec: 10,
        source: 'error-caching'
      })
    }
    const custom = makeCachePolicy({ name: 'x', minTtl: 0, errorCachingMinTtl: 3 })
    expect(lifetime(response({}, 503), custom)).toBe(3)
    expect(lifetime(response({ 'cache-control': 'max-age=42' }, 503))).toBe(42)
  })

  it('CloudFront §1.8: 400/403/405/412/415 are cached only with max-age or s-maxage', () => {
    for (const status of [400, 403, 405, 412, 415]) {
      expect(freshnessLifetime(response({}, status), zeroMin, T0).cacheable).toBe(false)
      expect(
        freshnessLifetime(response({ expires: httpDate(T0 + 60_000) }, status), zeroMin, T0)
          .cacheable
      ).toBe(false)
      expect(lifetime(response({ 'cache-control': 's-maxage=7' }, status))).toBe(7)
    }
  })

  it('RFC 9111 §3: other statuses need explicit freshness or public', () => {
    expect(freshnessLifetime(response({}, 302), zeroMin, T0).cacheable).toBe(false)
    expect(lifetime(response({ 'cache-control': 'max-age=9' }, 302))).toBe(9)
    expect(lifetime(response({ 'cache-control': 'public' }, 307))).toBe(86_400)
    expect(freshnessLifetime(response({}, 304), zeroMin, T0).cacheable).toBe(false)
  })

  it('RFC 9111 §4.2.2 (opt-in): 10% of Date − Last-Modified, capped', () => {
    const p: TtlPolicy = { minTtl: 0, defaultTtl: 0, maxTtl: 31_536_000, heuristicMaxSec: 3600 }
    const lm = (ageSec: number): HeaderMap => ({
      date: httpDate(T0),
      'last-modified': httpDate(T0 - ageSec * 1000)
    })
    expect(freshnessLifetime(response(lm(1000)), p, T0)).toEqual({
      cacheable: true,
      lifetimeSec: 100,
      source: 'heuristic'
    })
    expect(lifetime(response(lm(1_000_000)), p)).toBe(3600)
    expect(lifetime(response({}), p)).toBe(0)
    expect(freshnessLifetime(response(lm(1000), 410), p, T0).source).toBe('heuristic')
  })

  it('property: never negative, never above MaxTTL', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        fc.constantFrom(200, 204, 301, 302, 404, 403, 500),
        fc.nat(1000),
        fc.nat(100_000),
        (cc, expires, status, minTtl, extra) => {
          const headers: HeaderMap = { 'cache-control': cc }
          if (expires !== undefined) headers.expires = expires
          const policy = { minTtl, defaultTtl: minTtl + extra, maxTtl: minTtl + extra * 2 }
          const f = freshnessLifetime(response(headers, status), policy, T0)
          expect(f.lifetimeSec).toBeGreaterThanOrEqual(0)
          expect(f.lifetimeSec).toBeLessThanOrEqual(Math.max(policy.maxTtl, 10))
        }
      )
    )
  })
})

describe('currentAge', () => {
  it('RFC 9111 §4.2.3: resident time accrues on the fake clock', () => {
    const clock = new FakeClock(T0)
    const s = stored({ date: httpDate(T0) }, 60)
    expect(currentAge(s, clock.now())).toBe(0)
    clock.advance(15_000)
    expect(currentAge(s, clock.now())).toBe(15)
  })

  it('§4.2.3: corrected_age_value = Age + response_delay', () => {
    const s: StoredResponse = {
      ...stored({ age: '100', date: httpDate(T0) }, 60),
      requestTime: T0 - 2000
    }
    expect(currentAge(s, T0 + 1000)).toBe(103)
  })

  it('§4.2.3: apparent_age from a Date in the past wins over a smaller Age', () => {
    const s = stored({ age: '1', date: httpDate(T0 - 50_000) }, 60)
    expect(currentAge(s, T0)).toBe(50)
  })

  it('§4.2.3: a Date in the future does not make the age negative', () => {
    expect(currentAge(stored({ date: httpDate(T0 + 3_600_000) }, 60), T0)).toBe(0)
  })

  it.each([
    ['abc'],
    ['-7200'],
    ['7200.0'],
    ['0, 0'],
    ['0,7200'],
    ['1;a=b'],
    [['0', '0']]
  ])('§5.1: an Age that is not one delta-seconds (%j) means an unknown age: stale', (age) => {
    const s = stored({ age, date: httpDate(T0) }, 3600)
    expect(receivedAge(s.headers)).toBe(DELTA_SECONDS_MAX)
    expect(isFresh(s, T0)).toBe(false)
  })

  it('§5.1: one delta-seconds is taken as is; none is 0', () => {
    expect(receivedAge({ Age: ' 42 ' })).toBe(42)
    expect(receivedAge({})).toBe(0)
  })
})

describe('must-understand (RFC 9111 §5.2.2.3)', () => {
  it('a status code the cache does not know is never stored', () => {
    expect(freshnessLifetime(response({ 'cache-control': 'max-age=3600, must-understand' }, 599), zeroMin, T0).cacheable).toBe(false)
  })

  it('for a known status it overrides the no-store sent beside it', () => {
    expect(lifetime(response({ 'cache-control': 'max-age=3600, must-understand, no-store' }))).toBe(3600)
    expect(freshnessLifetime(response({ 'cache-control': 'max-age=3600, no-store' }), zeroMin, T0).cacheable).toBe(false)
  })
})

describe('isFresh / canServeStale', () => {
  it('§4.2: fresh until current_age reaches the lifetime', () => {
    const s = stored({}, 60)
    expect(isFresh(s, T0 + 59_999)).toBe(true)
    expect(isFresh(s, T0 + 60_000)).toBe(false)
  })

  it('RFC 5861 §3: stale-while-revalidate allows stale service within its window only', () => {
    const s = stored({ 'cache-control': 'max-age=60, stale-while-revalidate=30' }, 60)
    expect(canServeStale(s, get, T0 + 80_000, 'revalidating')).toBe(true)
    expect(canServeStale(s, get, T0 + 91_000, 'revalidating')).toBe(false)
    expect(
      canServeStale(stored({ 'cache-control': 'max-age=60' }, 60), get, T0 + 61_000, 'revalidating')
    ).toBe(false)
  })

  it('RFC 5861 §4: stale-if-error bounds stale service on errors; =0 turns it off (CloudFront §1.8)', () => {
    const s = stored({ 'cache-control': 'max-age=60, stale-if-error=100' }, 60)
    expect(canServeStale(s, get, T0 + 150_000, 'error')).toBe(true)
    expect(canServeStale(s, get, T0 + 170_000, 'error')).toBe(false)
    expect(
      canServeStale(stored({ 'cache-control': 'stale-if-error=0' }, 60), get, T0 + 61_000, 'error')
    ).toBe(false)
  })

  it('CloudFront §1.8: without stale-if-error an expired object is served on origin errors', () => {
    expect(canServeStale(stored({}, 60), get, T0 + 10_000_000, 'error')).toBe(true)
  })

  it.each(['must-revalidate', 'proxy-revalidate', 'no-cache'])(
    'RFC 9111 §5.2.2: %s forbids stale service, on errors and while revalidating',
    (directive) => {
      const s = stored(
        {
          'cache-control': `max-age=60, ${directive}, stale-while-revalidate=99, stale-if-error=99`
        },
        60
      )
      for (const reason of ['error', 'revalidating'] as const)
        expect(canServeStale(s, get, T0 + 61_000, reason)).toBe(false)
    }
  )

  it('RFC 9111 §5.2.2.2: must-revalidate forbids stale service', () => {
    const s = stored({ 'cache-control': 'max-age=60, must-revalidate, stale-if-error=999' }, 60)
    expect(canServeStale(s, get, T0 + 61_000, 'error')).toBe(false)
    expect(canServeStale(s, get, T0 + 30_000, 'error')).toBe(true)
  })

  it('CloudFront §1.2 ignores viewer max-stale unless asked to honour it (RFC 9111 §5.2.1.2)', () => {
    const s = stored({}, 60)
    const req: CachedRequest = {
      method: 'GET',
      url: '/',
      headers: { 'Cache-Control': 'max-stale=100' }
    }
    expect(canServeStale(s, req, T0 + 100_000, 'revalidating')).toBe(false)
    expect(
      canServeStale(s, req, T0 + 100_000, 'revalidating', { honorRequestDirectives: true })
    ).toBe(true)
  })
})
