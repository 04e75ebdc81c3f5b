import { describe, expect, it } from 'vitest'
import { createRandom, decideDelay, decideFault, matchRoute } from './origin-decisions'

describe('origin decisions', () => {
  it('repeats the same draws for the same seed', () => {
    const a = createRandom(42)
    const b = createRandom(42)
    const first = Array.from({ length: 5 }, a)
    expect(Array.from({ length: 5 }, b)).toEqual(first)
    expect(Array.from({ length: 5 }, createRandom(43))).not.toEqual(first)
    for (const value of first) expect(value >= 0 && value < 1).toBe(true)
  })

  it('splits one draw between closes, errors and normal service', () => {
    const faults = { closeRate: 0.1, errorRate: 0.2, errorStatus: 503 }
    expect(decideFault(faults, () => 0.05)).toEqual({ kind: 'close', draw: 0.05, rate: 0.1 })
    expect(decideFault(faults, () => 0.25)).toEqual({ kind: 'status', draw: 0.25, rate: 0.2, status: 503 })
    expect(decideFault(faults, () => 0.35)).toEqual({ kind: 'none' })
    expect(decideFault(undefined, () => 0)).toEqual({ kind: 'none' })
  })

  it('hits the configured error rate over many requests', () => {
    const random = createRandom(7)
    const faults = { closeRate: 0, errorRate: 0.2, errorStatus: 500 }
    let errors = 0
    for (let i = 0; i < 10_000; i++) if (decideFault(faults, random).kind === 'status') errors++
    expect(errors / 10_000).toBeGreaterThan(0.18)
    expect(errors / 10_000).toBeLessThan(0.22)
  })

  it('adds fixed latency plus jitter within bounds', () => {
    expect(decideDelay({ fixedMs: 5, jitterMs: 10 }, () => 0.5)).toBe(10)
    expect(decideDelay({ fixedMs: 5, jitterMs: 0 }, () => 0.9)).toBe(5)
    expect(decideDelay(undefined, () => 0.9)).toBe(0)
  })

  it('matches routes by exact path, prefix and method (HEAD follows GET)', () => {
    const routes = [
      { path: '/a', method: 'POST' as const, status: 201, headers: {} },
      { path: '/a', status: 200, headers: {} },
      { path: '/api/*', method: 'GET' as const, status: 200, headers: {} }
    ]
    expect(matchRoute(routes, 'POST', '/a')?.status).toBe(201)
    expect(matchRoute(routes, 'GET', '/a')?.status).toBe(200)
    expect(matchRoute(routes, 'HEAD', '/api/x/y')?.path).toBe('/api/*')
    expect(matchRoute(routes, 'POST', '/api/x')).toBeUndefined()
    expect(matchRoute(routes, 'GET', '/ab')).toBeUndefined()
  })
})
