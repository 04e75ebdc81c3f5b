import { describe, expect, it } from 'vitest'
import { healthCheckSchema } from '../../../common/services/dns/dns-routing-config'
import { FakeClock } from '../../base/clock'
import { nullLogger } from '../../lab-host/logger'
import { HealthChecks } from './health-checks'

const check = (input: Record<string, unknown>) => healthCheckSchema.parse({ type: 'TCP', target: '127.0.0.1:1', intervalSeconds: 10, ...input })

/** A prober whose answer the test sets; every run is counted. */
function setup(configs: Record<string, unknown>[]) {
  const clock = new FakeClock()
  const up = new Map<string, boolean>()
  const changes: string[] = []
  let runs = 0
  const checks = new HealthChecks(configs.map(check), {
    clock,
    log: nullLogger,
    probe: async (config) => {
      runs++
      return { ok: up.get(config.id) ?? true, detail: 'probe' }
    },
    onChange: (id, healthy) => changes.push(`${id} ${healthy ? 'up' : 'down'}`)
  })
  const step = async (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      clock.advance(1000)
      await Promise.resolve()
      await Promise.resolve()
    }
  }
  return { checks, clock, up, changes, step, runs: () => runs }
}

describe('health checks', () => {
  it('flips only after failureThreshold results in a row, each interval', async () => {
    const { checks, up, changes, step } = setup([{ id: 'web', failureThreshold: 3 }])
    checks.start()
    await step(0)
    expect(checks.isHealthy('web')).toBe(true)
    up.set('web', false)
    await step(10) // second run: 1 failure
    await step(10) // 2 failures
    expect(checks.isHealthy('web')).toBe(true)
    await step(10) // 3 failures: flips
    expect(checks.isHealthy('web')).toBe(false)
    up.set('web', true)
    await step(30)
    expect(checks.isHealthy('web')).toBe(true)
    expect(changes).toEqual(['web down', 'web up'])
    checks.dispose()
  })

  it('runs every intervalSeconds and stops when disposed', async () => {
    const { checks, step, runs } = setup([{ id: 'web' }])
    checks.start()
    await step(0)
    await step(35)
    expect(runs()).toBe(4)
    checks.dispose()
    await step(60)
    expect(runs()).toBe(4)
  })

  it('inverts, and a disabled check is always healthy', async () => {
    const { checks, up, step } = setup([
      { id: 'inv', inverted: true, failureThreshold: 1 },
      { id: 'off', disabled: true }
    ])
    expect(checks.isHealthy('inv')).toBe(false)
    up.set('inv', false)
    checks.start()
    await step(0)
    expect(checks.isHealthy('inv')).toBe(true)
    up.set('off', false)
    await step(60)
    expect(checks.isHealthy('off')).toBe(true)
    checks.dispose()
  })

  it('combines children in a CALCULATED check by its threshold', async () => {
    const { checks, up, step } = setup([
      { id: 'a', failureThreshold: 1 },
      { id: 'b', failureThreshold: 1 },
      { id: 'c', failureThreshold: 1, disabled: true },
      { id: 'two', type: 'CALCULATED', children: ['a', 'b', 'c'], healthThreshold: 2 },
      { id: 'none', type: 'CALCULATED', children: ['a'], healthThreshold: 0 },
      { id: 'too-many', type: 'CALCULATED', children: ['a'], healthThreshold: 2 }
    ])
    checks.start()
    await step(0)
    expect(checks.isHealthy('two')).toBe(true)
    up.set('a', false)
    up.set('b', false)
    up.set('c', false)
    await step(10)
    // Only the disabled child still counts as healthy: 1 of 2 needed.
    expect(checks.isHealthy('two')).toBe(false)
    expect(checks.isHealthy('none')).toBe(true)
    expect(checks.isHealthy('too-many')).toBe(false)
    checks.dispose()
  })
})
