import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import type { HeaderMap, StoredResponse } from './cache-types'
import { satisfiesRequest } from './request-directives'

const clock = new FakeClock()
const T0 = clock.now()
const stored = (headers: HeaderMap, lifetimeSec: number): StoredResponse => ({
  status: 200,
  headers,
  body: new Uint8Array(),
  requestTime: T0,
  responseTime: T0,
  lifetimeSec,
  source: 'max-age'
})

describe('RFC 9111 §5.2.1 request directives (when the distribution honours them)', () => {
  it.each<{ cc: string; response: HeaderMap; ageSec: number; verdict: string }>([
    { cc: '', response: {}, ageSec: 30, verdict: 'fresh' },
    { cc: 'no-cache', response: {}, ageSec: 0, verdict: 'no' },
    { cc: 'max-age=0', response: {}, ageSec: 1, verdict: 'no' },
    { cc: 'max-age=40', response: {}, ageSec: 30, verdict: 'fresh' },
    { cc: 'max-age=20', response: {}, ageSec: 30, verdict: 'no' },
    { cc: 'min-fresh=20', response: {}, ageSec: 30, verdict: 'fresh' },
    { cc: 'min-fresh=40', response: {}, ageSec: 30, verdict: 'no' },
    { cc: '', response: {}, ageSec: 70, verdict: 'no' },
    { cc: 'max-stale=20', response: {}, ageSec: 70, verdict: 'stale' },
    { cc: 'max-stale=5', response: {}, ageSec: 70, verdict: 'no' },
    { cc: 'max-stale', response: {}, ageSec: 100_000, verdict: 'stale' },
    {
      cc: 'max-stale',
      response: { 'cache-control': 'must-revalidate' },
      ageSec: 70,
      verdict: 'no'
    },
    {
      cc: 'max-stale',
      response: { 'cache-control': 'proxy-revalidate' },
      ageSec: 70,
      verdict: 'no'
    },
    { cc: 'max-stale=100, max-age=65', response: {}, ageSec: 70, verdict: 'no' }
  ])('Cache-Control "$cc", age $ageSec s of 60 → $verdict', ({ cc, response, ageSec, verdict }) => {
    const c = new FakeClock(T0)
    c.advance(ageSec * 1000)
    const result = satisfiesRequest(
      stored(response, 60),
      { method: 'GET', url: '/', headers: cc ? { 'cache-control': cc } : {} },
      c.now()
    )
    expect(result.use ? (result.stale ? 'stale' : 'fresh') : 'no').toBe(verdict)
  })
})
