import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import {
  FORBIDDEN_BODY,
  QUOTA_EXCEEDED_BODY,
  quotaPeriodEnd,
  quotaPeriodStart,
  UsagePlans,
  type QuotaSettings
} from './usage-plans'

const KEY_A = 'a'.repeat(20)
const KEY_B = 'B1'.repeat(15)
const KEY_OFF = 'x'.repeat(40)

// Wednesday 2026-01-14 10:30 UTC
const WED = Date.UTC(2026, 0, 14, 10, 30)

function plans(quota: QuotaSettings | undefined, clock: FakeClock, createdAt?: number) {
  return new UsagePlans(
    {
      apiKeys: [
        { id: 'a', value: KEY_A },
        { id: 'b', value: KEY_B },
        { id: 'off', value: KEY_OFF, enabled: false }
      ],
      usagePlans: [
        { id: 'gold', stages: ['prod', 'beta'], keyIds: ['a', 'off'], ...(quota ? { quota } : {}) },
        { id: 'free', stages: ['prod'], keyIds: ['b'], quota: { limit: 1, period: 'DAY' } }
      ]
    },
    clock,
    createdAt
  )
}

describe('UsagePlans.identify: "A missing or invalid key returns 403 INVALID_API_KEY with {"message":"Forbidden"}"', () => {
  const usage = plans(undefined, new FakeClock(WED))

  it('a method without apiKeyRequired passes with or without a key', () => {
    expect(usage.identify({ stage: 'prod', apiKeyRequired: false, apiKey: undefined })).toEqual({
      allowed: true
    })
  })

  it.each([
    ['missing', undefined, 'no API key was sent'],
    ['empty', '', 'no API key was sent'],
    ['unknown', 'z'.repeat(20), 'unknown'],
    ['disabled', KEY_OFF, 'disabled']
  ])('%s key → 403 Forbidden', (_label, apiKey, reason) => {
    const decision = usage.identify({ stage: 'prod', apiKeyRequired: true, apiKey })
    expect(decision).toMatchObject({
      allowed: false,
      type: 'INVALID_API_KEY',
      status: 403,
      body: FORBIDDEN_BODY
    })
    if (!decision.allowed) expect(decision.reason).toContain(reason)
    expect(JSON.parse(FORBIDDEN_BODY)).toEqual({ message: 'Forbidden' })
  })

  it('a key in no plan for the stage → 403', () => {
    expect(usage.identify({ stage: 'beta', apiKeyRequired: true, apiKey: KEY_B })).toMatchObject({
      allowed: false,
      status: 403
    })
  })

  it('a valid key resolves to its plan', () => {
    expect(usage.identify({ stage: 'beta', apiKeyRequired: true, apiKey: KEY_A })).toEqual({
      allowed: true,
      keyId: 'a',
      usagePlanId: 'gold',
      apiKey: KEY_A
    })
  })
})

describe('UsagePlans.consumeQuota: "quota{limit, offset, period ∈ DAY|WEEK|MONTH}"', () => {
  it('"A usage-plan quota returns 429 QUOTA_EXCEEDED with Limit Exceeded" and resets at 00:00 UTC', () => {
    const clock = new FakeClock(WED)
    const usage = plans({ limit: 2, period: 'DAY' }, clock)
    expect(usage.consumeQuota('gold', 'a')).toMatchObject({ allowed: true, used: 1, limit: 2 })
    expect(usage.consumeQuota('gold', 'a')).toMatchObject({ allowed: true, used: 2 })
    expect(usage.consumeQuota('gold', 'a')).toEqual({
      allowed: false,
      type: 'QUOTA_EXCEEDED',
      status: 429,
      body: QUOTA_EXCEEDED_BODY,
      used: 2,
      limit: 2,
      periodEnd: Date.UTC(2026, 0, 15)
    })
    expect(JSON.parse(QUOTA_EXCEEDED_BODY)).toEqual({ message: 'Limit Exceeded' })
    clock.advance(Date.UTC(2026, 0, 15) - 1 - WED)
    expect(usage.consumeQuota('gold', 'a').allowed).toBe(false)
    clock.advance(1)
    expect(usage.consumeQuota('gold', 'a')).toMatchObject({ allowed: true, used: 1 })
  })

  it('"Throttle and quota apply per API key, aggregated across all API stages in the plan"', () => {
    const clock = new FakeClock(WED)
    const usage = plans({ limit: 1, period: 'DAY' }, clock)
    expect(usage.consumeQuota('gold', 'a').allowed).toBe(true)
    expect(usage.consumeQuota('gold', 'a').allowed).toBe(false)
    expect(usage.consumeQuota('free', 'b').allowed).toBe(true)
  })

  it('"offset: requests subtracted from the given limit in the initial time period" only', () => {
    const clock = new FakeClock(WED)
    const usage = plans({ limit: 3, offset: 2, period: 'WEEK' }, clock)
    expect(usage.consumeQuota('gold', 'a')).toMatchObject({ allowed: true, limit: 1 })
    expect(usage.consumeQuota('gold', 'a').allowed).toBe(false)
    clock.advance(7 * 86_400_000)
    for (let i = 0; i < 3; i++)
      expect(usage.consumeQuota('gold', 'a')).toMatchObject({ allowed: true, limit: 3 })
    expect(usage.consumeQuota('gold', 'a').allowed).toBe(false)
  })

  it('an offset above the limit blocks the initial period entirely', () => {
    const usage = plans({ limit: 2, offset: 5, period: 'DAY' }, new FakeClock(WED))
    expect(usage.consumeQuota('gold', 'a')).toMatchObject({ allowed: false, limit: 0 })
  })

  it('a plan without quota is never exhausted', () => {
    const usage = plans(undefined, new FakeClock(WED))
    for (let i = 0; i < 100; i++) expect(usage.consumeQuota('gold', 'a').allowed).toBe(true)
  })

  it('a MONTH quota resets on the 1st 00:00 UTC', () => {
    const clock = new FakeClock(Date.UTC(2026, 1, 28, 23, 59))
    const usage = plans({ limit: 1, period: 'MONTH' }, clock)
    expect(usage.consumeQuota('gold', 'a')).toMatchObject({
      allowed: true,
      periodEnd: Date.UTC(2026, 2, 1)
    })
    expect(usage.consumeQuota('gold', 'a').allowed).toBe(false)
    clock.advance(60_000)
    expect(usage.consumeQuota('gold', 'a').allowed).toBe(true)
  })
})

describe('quota periods (UTC)', () => {
  it('DAY starts at 00:00 UTC', () => {
    expect(quotaPeriodStart('DAY', WED)).toBe(Date.UTC(2026, 0, 14))
    expect(quotaPeriodEnd('DAY', WED)).toBe(Date.UTC(2026, 0, 15))
  })

  it('WEEK starts Monday 00:00 UTC, including from a Sunday and a Monday', () => {
    expect(quotaPeriodStart('WEEK', WED)).toBe(Date.UTC(2026, 0, 12))
    expect(quotaPeriodStart('WEEK', Date.UTC(2026, 0, 18, 23))).toBe(Date.UTC(2026, 0, 12))
    expect(quotaPeriodStart('WEEK', Date.UTC(2026, 0, 19))).toBe(Date.UTC(2026, 0, 19))
    expect(quotaPeriodEnd('WEEK', WED)).toBe(Date.UTC(2026, 0, 19))
  })

  it('MONTH runs from the 1st to the next 1st, across a year end', () => {
    expect(quotaPeriodStart('MONTH', Date.UTC(2025, 11, 31, 12))).toBe(Date.UTC(2025, 11, 1))
    expect(quotaPeriodEnd('MONTH', Date.UTC(2025, 11, 31, 12))).toBe(Date.UTC(2026, 0, 1))
  })
})

describe('UsagePlans: configuration errors', () => {
  it('rejects short or non-alphanumeric key values, unknown keys, a key in two plans for a stage, bad quotas', () => {
    let error: unknown
    try {
      new UsagePlans(
        {
          apiKeys: [
            { id: 'short', value: 'abc' },
            { id: 'a', value: KEY_A }
          ],
          usagePlans: [
            { id: 'p1', stages: ['prod'], keyIds: ['a', 'ghost'] },
            { id: 'p2', stages: ['prod'], keyIds: ['a'], quota: { limit: -1, period: 'DAY' } }
          ]
        },
        new FakeClock()
      )
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'LAB_ERR_CONFIG_INVALID' })
    const problems = (error as { details: { problems: string[] } }).details.problems
    expect(problems).toHaveLength(4)
    expect(problems.join('\n')).toContain('at most one plan per stage')
  })
})
