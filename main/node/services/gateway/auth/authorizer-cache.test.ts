import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import {
  AuthorizerCache,
  identityCacheKey,
  tokenCacheKey,
  type CachedOutcome
} from './authorizer-cache'

type Outcome = { kind: 'allow' | 'deny' | 'failure'; n: number }

function counter() {
  let n = 0
  return (kind: Outcome['kind']) => async (): Promise<Outcome> => ({ kind, n: ++n })
}

const notFailure = (o: Outcome) => o.kind !== 'failure'

describe('AuthorizerCache: TTL', () => {
  it('defaults to 300 s: a hit until then, a miss at exactly 300 s', async () => {
    const clock = new FakeClock()
    const cache = new AuthorizerCache<Outcome>({ clock })
    const next = counter()
    expect(await cache.resolve('k', next('allow'))).toEqual({
      value: { kind: 'allow', n: 1 },
      fromCache: false
    })
    clock.advance(299_999)
    expect(await cache.resolve('k', next('allow'))).toEqual({
      value: { kind: 'allow', n: 1 },
      fromCache: true
    })
    clock.advance(1)
    expect(await cache.resolve('k', next('allow'))).toEqual({
      value: { kind: 'allow', n: 2 },
      fromCache: false
    })
  })

  it('accepts the maximum 3,600 s', async () => {
    const clock = new FakeClock()
    const cache = new AuthorizerCache<Outcome>({ clock, ttlSeconds: 3600 })
    const next = counter()
    await cache.resolve('k', next('allow'))
    clock.advance(3_599_000)
    expect((await cache.resolve('k', next('allow'))).fromCache).toBe(true)
  })

  it.each([-1, 3601, 1.5, Number.NaN])('refuses a TTL of %s', (ttlSeconds) => {
    expect(() => new AuthorizerCache({ clock: new FakeClock(), ttlSeconds })).toThrow(/0 to 3600/)
  })

  it('0 turns caching off: every lookup computes, nothing is stored', async () => {
    const cache = new AuthorizerCache<Outcome>({ clock: new FakeClock(), ttlSeconds: 0 })
    const next = counter()
    expect(cache.enabled).toBe(false)
    await cache.resolve('k', next('allow'))
    const second: CachedOutcome<Outcome> = await cache.resolve('k', next('allow'))
    expect(second).toEqual({ value: { kind: 'allow', n: 2 }, fromCache: false })
    expect(cache.size).toBe(0)
  })
})

describe('AuthorizerCache: what is cached', () => {
  it('denials are cached', async () => {
    const cache = new AuthorizerCache<Outcome>({ clock: new FakeClock() })
    const next = counter()
    await cache.resolve('k', next('deny'), notFailure)
    expect(await cache.resolve('k', next('allow'), notFailure)).toEqual({
      value: { kind: 'deny', n: 1 },
      fromCache: true
    })
  })

  it('failures are not: the next request asks again', async () => {
    const cache = new AuthorizerCache<Outcome>({ clock: new FakeClock() })
    const next = counter()
    await cache.resolve('k', next('failure'), notFailure)
    expect(await cache.resolve('k', next('allow'), notFailure)).toEqual({
      value: { kind: 'allow', n: 2 },
      fromCache: false
    })
  })

  it('a compute that throws stores nothing', async () => {
    const cache = new AuthorizerCache<Outcome>({ clock: new FakeClock() })
    await expect(
      cache.resolve('k', async () => {
        throw new Error('boom')
      })
    ).rejects.toThrow('boom')
    expect(cache.size).toBe(0)
  })
})

describe('AuthorizerCache: LRU bound', () => {
  it('drops the least recently used entry past maxEntries', async () => {
    const cache = new AuthorizerCache<Outcome>({ clock: new FakeClock(), maxEntries: 2 })
    const next = counter()
    await cache.resolve('a', next('allow'))
    await cache.resolve('b', next('allow'))
    expect((await cache.resolve('a', next('allow'))).fromCache).toBe(true) // a is now most recent
    await cache.resolve('c', next('allow')) // evicts b
    expect(cache.size).toBe(2)
    expect(cache.lookup('b').hit).toBe(false)
    expect(cache.lookup('a').hit).toBe(true)
    expect(cache.lookup('c').hit).toBe(true)
  })

  it('refuses a size below 1', () => {
    expect(() => new AuthorizerCache({ clock: new FakeClock(), maxEntries: 0 })).toThrow(
      /at least 1/
    )
  })
})

describe('cache keys', () => {
  it('TOKEN keys are the token; REQUEST keys keep value boundaries', () => {
    expect(tokenCacheKey('abc')).toBe('token:abc')
    expect(identityCacheKey(['a,b', 'c'])).not.toBe(identityCacheKey(['a', 'b,c']))
    expect(identityCacheKey(['x'])).not.toBe(tokenCacheKey('x'))
  })
})
