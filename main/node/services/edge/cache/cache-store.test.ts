import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { LabError } from '../../../../common/errors/lab-error'
import { MANAGED_CACHE_POLICIES, makeCachePolicy } from './cache-policies'
import { CacheStore, parseInvalidationPath } from './cache-store'
import type { CachedRequest, CachedResponse, CachePolicy, HeaderMap } from './cache-types'
import { canServeStale } from './freshness'

const get = (url: string, headers: HeaderMap = {}): CachedRequest => ({
  method: 'GET',
  url,
  headers: { host: 'd1.cloudfront.net', ...headers }
})
function res(clock: FakeClock, headers: HeaderMap = {}, body = 'x', status = 200): CachedResponse {
  return {
    status,
    headers,
    body: new TextEncoder().encode(body),
    requestTime: clock.now(),
    responseTime: clock.now()
  }
}
const zeroMin = makeCachePolicy({
  name: 'test',
  minTtl: 0,
  key: { queryStrings: { behavior: 'all' } }
})
const setup = (policy: CachePolicy = zeroMin, maxBytes = 1_000_000) => ({
  clock: new FakeClock(),
  store: new CacheStore({ maxBytes, policy })
})

describe('CacheStore', () => {
  it('miss, store, fresh hit, then stale after max-age (fake clock)', () => {
    const { clock, store } = setup()
    expect(store.lookup(get('/a'), clock.now()).status).toBe('miss')
    expect(store.store(get('/a'), res(clock, { 'cache-control': 'max-age=60' }))).toMatchObject({
      stored: true
    })
    clock.advance(30_000)
    const hit = store.lookup(get('/a'), clock.now())
    expect(hit).toMatchObject({ status: 'fresh', ageSec: 30 })
    clock.advance(30_000)
    expect(store.lookup(get('/a'), clock.now()).status).toBe('stale')
    expect(store.stats()).toMatchObject({ hits: 1, staleHits: 1, misses: 1, stores: 1, objects: 1 })
  })

  it('RFC 9111 §5.2.2.2: an expired must-revalidate response is reported as such', () => {
    const { clock, store } = setup()
    store.store(get('/a'), res(clock, { 'cache-control': 'max-age=1, must-revalidate' }))
    clock.advance(2000)
    expect(store.lookup(get('/a'), clock.now()).status).toBe('must-revalidate')
  })

  it('HEAD is answered from the stored GET response', () => {
    const { clock, store } = setup()
    store.store(get('/a'), res(clock))
    expect(store.lookup({ ...get('/a'), method: 'HEAD' }, clock.now()).status).toBe('fresh')
  })

  it('§4: unsafe or uncached methods never get a stored response', () => {
    const { clock, store } = setup()
    store.store(get('/a'), res(clock))
    expect(store.lookup({ ...get('/a'), method: 'POST' }, clock.now()).status).toBe('miss')
    expect(store.lookup({ ...get('/a'), method: 'OPTIONS' }, clock.now()).status).toBe('miss')
  })

  it('refuses what §3 refuses, with the reason', () => {
    const { clock, store } = setup()
    expect(store.store(get('/a'), res(clock, { 'cache-control': 'no-store' }))).toEqual({
      stored: false,
      reason: 'no-store'
    })
    expect(store.lookup(get('/a'), clock.now()).status).toBe('miss')
  })

  it('RFC 9111 §4.1: variants by Vary; the most recent match wins', () => {
    const policy = makeCachePolicy({ name: 'v', minTtl: 0, key: { headers: ['accept-language'] } })
    const { clock, store } = setup(policy)
    const en = get('/p', { 'accept-language': 'en' })
    const fr = get('/p', { 'accept-language': 'fr' })
    store.store(en, res(clock, { vary: 'Accept-Language' }, 'hello'))
    store.store(fr, res(clock, { vary: 'Accept-Language' }, 'bonjour'))
    const body = (r: CachedRequest): string => {
      const hit = store.lookup(r, clock.now())
      return hit.status === 'miss' ? 'miss' : new TextDecoder().decode(hit.entry.body)
    }
    expect(body(en)).toBe('hello')
    expect(body(fr)).toBe('bonjour')
    expect(body(get('/p', { 'accept-language': 'de' }))).toBe('miss')
  })

  it('CloudFront §1.4: Vary on a header CloudFront does not forward is ignored', () => {
    const { clock, store } = setup()
    store.store(get('/a', { 'x-other': '1' }), res(clock, { vary: 'X-Other' }))
    expect(store.lookup(get('/a', { 'x-other': '2' }), clock.now()).status).toBe('fresh')
  })

  it('Vary: Accept-Encoding splits on the normalised value under CachingOptimized', () => {
    const { clock, store } = setup(MANAGED_CACHE_POLICIES.CachingOptimized)
    store.store(
      get('/a', { 'accept-encoding': 'gzip, deflate' }),
      res(clock, { vary: 'Accept-Encoding' })
    )
    expect(store.lookup(get('/a', { 'accept-encoding': 'gzip' }), clock.now()).status).toBe('fresh')
    expect(store.lookup(get('/a', { 'accept-encoding': 'br' }), clock.now()).status).toBe('miss')
  })

  it('evicts least recently used variants to stay within the byte budget', () => {
    const { clock, store } = setup(zeroMin, 1200)
    const big = 'x'.repeat(500)
    store.store(get('/1'), res(clock, {}, big))
    store.store(get('/2'), res(clock, {}, big))
    store.lookup(get('/1'), clock.now()) // /1 becomes most recent
    store.store(get('/3'), res(clock, {}, big))
    expect(store.lookup(get('/2'), clock.now()).status).toBe('miss')
    expect(store.lookup(get('/1'), clock.now()).status).toBe('fresh')
    expect(store.lookup(get('/3'), clock.now()).status).toBe('fresh')
    expect(store.stats().evictions).toBe(1)
    expect(store.stats().bytes).toBeLessThanOrEqual(1200)
    expect(store.store(get('/4'), res(clock, {}, 'y'.repeat(2000)))).toEqual({
      stored: false,
      reason: 'too-large'
    })
  })

  it('replacing a variant does not double-count bytes', () => {
    const { clock, store } = setup()
    store.store(get('/a'), res(clock, {}, 'abc'))
    const once = store.stats().bytes
    store.store(get('/a'), res(clock, {}, 'abc'))
    expect(store.stats()).toMatchObject({ bytes: once, objects: 1 })
  })

  it('RFC 9111 §4.3.4: a 304 refreshes the stored response', () => {
    const { clock, store } = setup()
    store.store(get('/a'), res(clock, { etag: '"v1"', 'cache-control': 'max-age=10' }, 'body'))
    clock.advance(20_000)
    expect(store.lookup(get('/a'), clock.now()).status).toBe('stale')
    const updated = store.revalidated(
      get('/a'),
      res(clock, { etag: '"v1"', 'cache-control': 'max-age=100' }, '', 304),
      clock.now()
    )
    expect(updated?.lifetimeSec).toBe(100)
    expect(new TextDecoder().decode(updated?.body)).toBe('body')
    expect(store.lookup(get('/a'), clock.now()).status).toBe('fresh')
  })

  it('RFC 5861 via canServeStale: stale-while-revalidate window on a looked-up entry', () => {
    const { clock, store } = setup()
    store.store(get('/a'), res(clock, { 'cache-control': 'max-age=10, stale-while-revalidate=20' }))
    clock.advance(25_000)
    const hit = store.lookup(get('/a'), clock.now())
    expect(hit.status).toBe('stale')
    if (hit.status !== 'miss')
      expect(canServeStale(hit.entry, get('/a'), clock.now(), 'revalidating')).toBe(true)
  })

  describe('invalidate (CloudFront §1.5)', () => {
    const fill = () => {
      const ctx = setup()
      for (const url of [
        '/images/a.jpg',
        '/images/b.jpg',
        '/images2/c.jpg',
        '/logo.png',
        '/logo.svg',
        '/a?y=2&x=1'
      ]) {
        ctx.store.store(get(url), res(ctx.clock))
      }
      return ctx
    }

    it('an exact path removes that object only; case-sensitive', () => {
      const { store } = fill()
      expect(store.invalidate('/IMAGES/a.jpg')).toBe(0)
      expect(store.invalidate('/images/a.jpg')).toBe(1)
      expect(store.stats()).toMatchObject({ objects: 5, invalidated: 1 })
    })

    it('`/images/*`, `/images*` and `/logo.*` are prefix matches', () => {
      expect(fill().store.invalidate('/images/*')).toBe(2)
      expect(fill().store.invalidate('/images*')).toBe(3)
      expect(fill().store.invalidate('/logo.*')).toBe(2)
      expect(fill().store.invalidate('/*')).toBe(6)
    })

    it('query strings must be included (in any order), or covered by `*`', () => {
      const { store } = fill()
      expect(store.invalidate('/a')).toBe(0)
      expect(store.invalidate('/a?x=1&y=2')).toBe(1)
      expect(fill().store.invalidate('/a*')).toBe(1)
    })

    it('removes every variant of the object', () => {
      const policy = makeCachePolicy({ name: 'v', minTtl: 0, key: { headers: ['origin'] } })
      const { clock, store } = setup(policy)
      store.store(get('/a', { origin: 'https://x' }), res(clock, { vary: 'origin' }))
      store.store(get('/a', { origin: 'https://y' }), res(clock, { vary: 'origin' }))
      expect(store.invalidate('/a')).toBe(2)
    })

    it('with query strings outside the key, `/a?x=1` finds `/a`', () => {
      const { clock, store } = setup(MANAGED_CACHE_POLICIES.CachingOptimized)
      store.store(get('/a?x=1'), res(clock))
      expect(store.invalidate('/a?x=1')).toBe(1)
    })

    it('rejects paths without a leading slash or with `*` before the end', () => {
      const { store } = fill()
      expect(() => store.invalidate('images/*')).toThrow(LabError)
      expect(() => store.invalidate('/images/*.jpg')).toThrow(/only as the last character/)
      expect(parseInvalidationPath('/a?b=1')).toEqual({ path: '/a', query: 'b=1', prefix: false })
    })
  })

  it('property: bytes never exceed the budget and match a recount after random operations', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('/a', '/b', '/c', '/d', '/e?q=1'), fc.nat(400), fc.boolean()),
          {
            maxLength: 40
          }
        ),
        (ops) => {
          const { clock, store } = setup(zeroMin, 1000)
          for (const [url, size, invalidate] of ops) {
            if (invalidate) store.invalidate(`${url.split('?')[0]}*`)
            else store.store(get(url), res(clock, {}, 'z'.repeat(size)))
            clock.advance(1000)
            expect(store.stats().bytes).toBeLessThanOrEqual(1000)
            expect(store.stats().bytes).toBeGreaterThanOrEqual(0)
          }
          const objects = store.stats().objects
          expect(store.invalidate('/*')).toBe(objects)
          expect(store.stats()).toMatchObject({ bytes: 0, objects: 0 })
        }
      )
    )
  })
})

describe('CacheStore: one budget for every behaviour, error extensions, HEAD freshening', () => {
  it('policy views share the variants, the LRU order and the byte budget; resize evicts', () => {
    const clock = new FakeClock()
    const base = new CacheStore({ maxBytes: 100_000, policy: zeroMin })
    const other = base.withPolicy(MANAGED_CACHE_POLICIES.CachingOptimized)
    base.store(get('/a'), res(clock, { 'cache-control': 'max-age=60' }, 'a'.repeat(1000)))
    other.store(get('/b'), res(clock, {}, 'b'.repeat(1000)))
    expect(base.stats()).toMatchObject({ objects: 2 })
    expect(other.stats()).toEqual(base.stats())
    other.lookup(get('/a'), clock.now())
    base.resize(1500)
    expect(base.lookup(get('/b'), clock.now()).status).toBe('miss')
    expect(other.lookup(get('/a'), clock.now()).status).toBe('fresh')
  })

  it('RFC 9110 §6.6.1: a response stored without Date gets its receipt time as Date', () => {
    const { clock, store } = setup()
    clock.advance(5000)
    store.store(get('/a'), res(clock, { 'cache-control': 'max-age=60' }))
    const hit = store.lookup(get('/a'), clock.now())
    expect(hit.status === 'fresh' && hit.entry.headers['date']).toBe(
      new Date(clock.now()).toUTCString()
    )
  })

  it.each([
    { staleBy: 5, keep: 10, freshFor: 10 },
    { staleBy: 100, keep: 10, freshFor: 10 },
    { staleBy: 1, keep: 0, freshFor: 0 }
  ])(
    'keepFresh: stale by $staleBy s, kept $keep s → fresh for $freshFor s more',
    ({ staleBy, keep, freshFor }) => {
      const { clock, store } = setup()
      store.store(get('/a'), res(clock, { 'cache-control': 'max-age=60' }))
      clock.advance((60 + staleBy) * 1000)
      expect(store.keepFresh(get('/a'), keep, clock.now())?.source).toBe('error-caching')
      if (freshFor > 0) {
        clock.advance(freshFor * 1000 - 1)
        expect(store.lookup(get('/a'), clock.now()).status).toBe('fresh')
      }
      clock.advance(1)
      expect(store.lookup(get('/a'), clock.now()).status).toBe('stale')
    }
  )

  it.each<{ name: string; head: HeaderMap; result: string; fresh: boolean }>([
    {
      name: 'same ETag refreshes the stored GET',
      head: { etag: '"v1"', 'cache-control': 'max-age=300' },
      result: 'updated',
      fresh: true
    },
    {
      name: 'another ETag invalidates it',
      head: { etag: '"v2"' },
      result: 'invalidated',
      fresh: false
    },
    {
      name: 'another Content-Length invalidates it',
      head: { etag: '"v1"', 'content-length': '99' },
      result: 'invalidated',
      fresh: false
    },
    {
      name: 'no validators changes nothing',
      head: { 'cache-control': 'max-age=300' },
      result: 'none',
      fresh: false
    }
  ])('RFC 9111 §4.3.5 HEAD: $name', ({ head, result, fresh }) => {
    const { clock, store } = setup()
    store.store(get('/a'), res(clock, { etag: '"v1"', 'cache-control': 'max-age=60' }, 'body'))
    clock.advance(120_000)
    const outcome = store.freshenFromHead(
      { ...get('/a'), method: 'HEAD' },
      res(clock, head, ''),
      clock.now()
    )
    expect(outcome).toBe(result)
    const after = store.lookup(get('/a'), clock.now()).status
    expect(after === 'fresh').toBe(fresh)
    if (result === 'invalidated') expect(after).toBe('miss')
  })
})
