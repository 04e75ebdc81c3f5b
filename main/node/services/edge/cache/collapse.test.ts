import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { RequestCollapser } from './collapse'

/** An origin on the fake clock: each fetch answers (or fails) after `ms`. */
function origin(clock: FakeClock, ms: number) {
  const calls: string[] = []
  const fetch =
    (key: string, fail = false) =>
    () => {
      calls.push(key)
      return new Promise<string>((resolve, reject) => {
        clock.setTimeout(
          () =>
            fail
              ? reject(new Error(`origin failed for ${key}`))
              : resolve(`body of ${key}#${calls.length}`),
          ms
        )
      })
    }
  return { calls, fetch }
}

describe('request collapsing', () => {
  it.each([
    {
      name: 'three concurrent requests for one key',
      keys: ['/a', '/a', '/a'],
      originCalls: 1,
      leaders: [true, false, false]
    },
    {
      name: 'different keys are not collapsed',
      keys: ['/a', '/b', '/a'],
      originCalls: 2,
      leaders: [true, true, false]
    },
    { name: 'one request alone leads', keys: ['/a'], originCalls: 1, leaders: [true] }
  ])('$name', async ({ keys, originCalls, leaders }) => {
    const clock = new FakeClock()
    const { calls, fetch } = origin(clock, 500)
    const collapser = new RequestCollapser<string>()
    const runs = keys.map((key) => collapser.run(key, fetch(key)))
    expect(collapser.size).toBe(new Set(keys).size)
    clock.advance(500)
    const results = await Promise.all(runs)
    expect(calls).toHaveLength(originCalls)
    expect(results.map((r) => r.leader)).toEqual(leaders)
    for (const [i, key] of keys.entries()) expect(results[i]!.value).toContain(`body of ${key}`)
    expect(collapser.size).toBe(0)
  })

  it('a request after the first finished goes to the origin again', async () => {
    const clock = new FakeClock()
    const { calls, fetch } = origin(clock, 100)
    const collapser = new RequestCollapser<string>()
    const first = collapser.run('/a', fetch('/a'))
    clock.advance(100)
    await first
    const second = collapser.run('/a', fetch('/a'))
    expect(collapser.busy('/a')).toBe(true)
    clock.advance(100)
    expect((await second).leader).toBe(true)
    expect(calls).toHaveLength(2)
  })

  it('a failed origin request fails every collapsed waiter, then the key is free', async () => {
    const clock = new FakeClock()
    const { fetch } = origin(clock, 100)
    const collapser = new RequestCollapser<string>()
    const runs = [collapser.run('/a', fetch('/a', true)), collapser.run('/a', fetch('/a'))]
    clock.advance(100)
    const settled = await Promise.allSettled(runs)
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected'])
    expect(collapser.busy('/a')).toBe(false)
  })
})
