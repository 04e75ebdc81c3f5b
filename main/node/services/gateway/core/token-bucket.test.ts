import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { THROTTLED_BODY, ThrottleLayers, TokenBucket, type ThrottleConfig } from './token-bucket'

function drain(bucket: TokenBucket): number {
  let n = 0
  while (bucket.take().allowed) n++
  return n
}

describe('TokenBucket: "token bucket, one token per request; rate is the refill, burst the capacity"', () => {
  it('starts full at burst and allows exactly burst requests at once', () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(10, 5, clock)
    expect(bucket.level()).toBe(5)
    expect(bucket.take()).toEqual({ allowed: true, tokens: 4 })
    expect(drain(bucket)).toBe(4)
    expect(bucket.take()).toEqual({ allowed: false, tokens: 0, retryAfterMs: 100 })
  })

  it('refills rate tokens per second: 10 rps gives 3 tokens after 300 ms', () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(10, 5, clock)
    drain(bucket)
    clock.advance(300)
    expect(bucket.level()).toBeCloseTo(3, 9)
    expect(drain(bucket)).toBe(3)
  })

  it('never refills above burst', () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(1000, 5, clock)
    bucket.take()
    clock.advance(60_000)
    expect(bucket.level()).toBe(5)
  })

  it('refills fractionally: 2.5 rps → 1.25 tokens after 500 ms, one request, 0.25 left', () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(2.5, 2, clock)
    drain(bucket)
    clock.advance(500)
    expect(bucket.level()).toBeCloseTo(1.25, 9)
    expect(bucket.take().allowed).toBe(true)
    expect(bucket.level()).toBeCloseTo(0.25, 9)
    expect(bucket.take()).toMatchObject({ allowed: false, retryAfterMs: 300 })
  })

  it('a slow rate (0.1 rps) gives exactly one token after 10 s, not 0.99999', () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(0.1, 1, clock)
    expect(bucket.take().allowed).toBe(true)
    for (let i = 0; i < 10; i++) clock.advance(1000)
    expect(bucket.take().allowed).toBe(true)
    clock.advance(9_999)
    expect(bucket.take().allowed).toBe(false)
  })

  it('burst 0 refuses every request, forever, with no retry hint', () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(100, 0, clock)
    expect(bucket.take()).toEqual({ allowed: false, tokens: 0 })
    clock.advance(3_600_000)
    expect(bucket.take()).toEqual({ allowed: false, tokens: 0 })
  })

  it('rate 0 allows the burst once and never refills', () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(0, 3, clock)
    expect(drain(bucket)).toBe(3)
    clock.advance(86_400_000)
    expect(bucket.take()).toEqual({ allowed: false, tokens: 0 })
  })

  it('a clock stepping backwards neither drains nor refills, and later time counts from the newest', () => {
    const clock = new FakeClock()
    const bucket = new TokenBucket(10, 2, clock)
    drain(bucket)
    clock.advance(-5000)
    expect(bucket.level()).toBe(0)
    clock.advance(5100)
    expect(bucket.level()).toBeCloseTo(1, 9)
  })

  it('rejects negative or non-finite limits', () => {
    const clock = new FakeClock()
    expect(() => new TokenBucket(-1, 1, clock)).toThrow(/non-negative/)
    expect(() => new TokenBucket(1, Number.NaN, clock)).toThrow(/non-negative/)
    expect(() => new TokenBucket(Infinity, 1, clock)).toThrow(/finite/)
  })

  it('property: the level stays within [0, burst] and allowed ≤ burst + rate × elapsed', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 60 }),
        (rate, burst, steps) => {
          const clock = new FakeClock()
          const bucket = new TokenBucket(rate, burst, clock)
          let allowed = 0
          let elapsed = 0
          for (const step of steps) {
            clock.advance(step)
            elapsed += step
            const result = bucket.take()
            if (result.allowed) allowed++
            expect(result.tokens).toBeGreaterThanOrEqual(0)
            expect(result.tokens).toBeLessThanOrEqual(burst)
          }
          expect(allowed).toBeLessThanOrEqual(burst + (rate * elapsed) / 1000 + 1e-6)
        }
      )
    )
  })
})

describe('ThrottleLayers', () => {
  const config: ThrottleConfig = {
    account: { rate: 100, burst: 10 },
    stages: {
      prod: { defaultRoute: { rate: 10, burst: 4 }, routes: { 'GET /pets': { rate: 1, burst: 2 } } }
    },
    usagePlans: {
      gold: {
        throttle: { rate: 5, burst: 3 },
        methods: { prod: { 'POST /orders': { rate: 1, burst: 1 } } }
      }
    }
  }

  it('"throttling returns 429 … body {"message":"Too Many Requests"}"', () => {
    expect(JSON.parse(THROTTLED_BODY)).toEqual({ message: 'Too Many Requests' })
  })

  it('a route override "overrides the defaults for a stage": GET /pets gets burst 2, others 4', () => {
    const layers = new ThrottleLayers(config, new FakeClock())
    const pets = [1, 2, 3].map(() => layers.take({ stage: 'prod', route: 'GET /pets' }))
    expect(pets.map((d) => d.allowed)).toEqual([true, true, false])
    expect(pets[2]).toMatchObject({ layer: 'route', tokens: 0, retryAfterMs: 1000 })
    const users = [1, 2, 3, 4, 5].map(() => layers.take({ stage: 'prod', route: 'GET /users' }))
    expect(users.map((d) => d.allowed)).toEqual([true, true, true, true, false])
    expect(users[4]).toMatchObject({ layer: 'stage', limits: { rate: 10, burst: 4 } })
  })

  it('the stage default applies per route: each route has its own bucket', () => {
    const layers = new ThrottleLayers(config, new FakeClock())
    for (let i = 0; i < 4; i++) layers.take({ stage: 'prod', route: 'GET /a' })
    expect(layers.take({ stage: 'prod', route: 'GET /a' }).allowed).toBe(false)
    expect(layers.take({ stage: 'prod', route: 'GET /b' }).allowed).toBe(true)
  })

  it('"Lower layers cannot exceed the ones above them": the account bucket is shared by all', () => {
    const clock = new FakeClock()
    const layers = new ThrottleLayers({ ...config, stages: {} }, clock)
    for (let i = 0; i < 10; i++)
      expect(layers.take({ stage: 's', route: `GET /${i}` }).allowed).toBe(true)
    expect(layers.take({ stage: 'other', route: 'GET /x' })).toMatchObject({
      allowed: false,
      layer: 'account',
      retryAfterMs: 10
    })
  })

  it('"Throttle apply per API key, aggregated across all API stages in the plan"', () => {
    const layers = new ThrottleLayers(config, new FakeClock())
    const key = { usagePlanId: 'gold', apiKey: 'k1' }
    expect(layers.take({ stage: 'prod', route: 'GET /a', ...key }).allowed).toBe(true)
    expect(layers.take({ stage: 'beta', route: 'GET /a', ...key }).allowed).toBe(true)
    expect(layers.take({ stage: 'beta', route: 'GET /b', ...key }).allowed).toBe(true)
    expect(layers.take({ stage: 'prod', route: 'GET /c', ...key })).toMatchObject({
      allowed: false,
      layer: 'usage-plan'
    })
    // another key of the same plan has its own bucket
    expect(
      layers.take({ stage: 'prod', route: 'GET /c', usagePlanId: 'gold', apiKey: 'k2' }).allowed
    ).toBe(true)
  })

  it('a per-method throttle inside the plan is checked first', () => {
    const layers = new ThrottleLayers(config, new FakeClock())
    const request = { stage: 'prod', route: 'POST /orders', usagePlanId: 'gold', apiKey: 'k1' }
    expect(layers.take(request).allowed).toBe(true)
    const refused = layers.take(request)
    expect(refused).toMatchObject({ allowed: false, layer: 'usage-plan-method', tokens: 0 })
    expect(refused.levels.map((l) => [l.layer, l.tokens])).toEqual([
      ['usage-plan-method', 0],
      ['usage-plan', 2],
      ['stage', 3],
      ['account', 9]
    ])
  })

  it('a refused request takes no token from any layer', () => {
    const clock = new FakeClock()
    const layers = new ThrottleLayers(
      { account: { rate: 0, burst: 5 }, stages: { s: { defaultRoute: { rate: 0, burst: 1 } } } },
      clock
    )
    expect(layers.take({ stage: 's', route: 'GET /a' }).allowed).toBe(true)
    for (let i = 0; i < 10; i++) {
      expect(layers.take({ stage: 's', route: 'GET /a' })).toMatchObject({ layer: 'stage' })
    }
    // the account bucket lost only the one admitted request
    for (let i = 0; i < 4; i++)
      expect(layers.take({ stage: 's', route: `GET /b${i}` }).allowed).toBe(true)
    expect(layers.take({ stage: 's', route: 'GET /c' })).toMatchObject({ layer: 'account' })
  })

  it('without configured layers nothing is throttled', () => {
    const layers = new ThrottleLayers({}, new FakeClock())
    expect(layers.take({ stage: 's', route: 'GET /' })).toEqual({ allowed: true, levels: [] })
  })

  it('many keys keep separate, exact buckets', () => {
    const clock = new FakeClock()
    const layers = new ThrottleLayers(
      { usagePlans: { p: { throttle: { rate: 1, burst: 2 } } } },
      clock
    )
    for (let k = 0; k < 1000; k++) {
      const request = { stage: 's', route: 'GET /', usagePlanId: 'p', apiKey: `key${k}` }
      expect(layers.take(request).allowed).toBe(true)
      expect(layers.take(request).allowed).toBe(true)
      expect(layers.take(request).allowed).toBe(false)
    }
    expect(layers.bucketCount).toBe(1000)
    clock.advance(1000)
    expect(
      layers.take({ stage: 's', route: 'GET /', usagePlanId: 'p', apiKey: 'key7' }).allowed
    ).toBe(true)
    expect(
      layers.take({ stage: 's', route: 'GET /', usagePlanId: 'p', apiKey: 'key7' }).allowed
    ).toBe(false)
  })

  it('an unknown plan id only skips the plan layers', () => {
    const layers = new ThrottleLayers(config, new FakeClock())
    const decision = layers.take({
      stage: 'prod',
      route: 'GET /a',
      usagePlanId: 'none',
      apiKey: 'k'
    })
    expect(decision.levels.map((l) => l.layer)).toEqual(['stage', 'account'])
  })

  it('rejects invalid limits anywhere in the config', () => {
    expect(
      () =>
        new ThrottleLayers(
          { stages: { s: { routes: { r: { rate: -1, burst: 1 } } } } },
          new FakeClock()
        )
    ).toThrow(/non-negative/)
  })

  it('property: across random traffic no layer ever admits more than its bucket allows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 80
        }),
        (steps) => {
          const clock = new FakeClock()
          const layers = new ThrottleLayers(config, clock)
          let elapsed = 0
          let admitted = 0
          for (const [ms, r] of steps) {
            clock.advance(ms)
            elapsed += ms
            const decision = layers.take({
              stage: 'prod',
              route: `GET /r${r}`,
              usagePlanId: 'gold',
              apiKey: 'k'
            })
            if (decision.allowed) admitted++
            for (const level of decision.levels) {
              expect(level.tokens).toBeGreaterThanOrEqual(0)
              expect(level.tokens).toBeLessThanOrEqual(level.limits.burst)
            }
          }
          // the plan bucket (rate 5, burst 3) bounds everything this key did
          expect(admitted).toBeLessThanOrEqual(3 + (5 * elapsed) / 1000 + 1e-6)
        }
      )
    )
  })
})
