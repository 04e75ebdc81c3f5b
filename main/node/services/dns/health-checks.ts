import type { Disposable } from '../../../common/base/disposable'
import type { HealthCheckConfig } from '../../../common/services/dns/dns-routing-config'
import type { Clock } from '../../base/clock'
import type { Logger } from '../../lab-host/logger'

/** One check run: whether the endpoint passed, and a few words on what was seen. */
export interface ProbeResult {
  ok: boolean
  detail: string
}

export type Prober = (check: HealthCheckConfig) => Promise<ProbeResult>

export interface HealthState {
  id: string
  healthy: boolean
  /** The last run's own result (before inversion), and what was seen. */
  last?: ProbeResult & { at: number }
  /** Consecutive results that disagree with the current state. */
  streak: number
}

/**
 * Route 53 health checks for a lab: each check runs every interval; its state flips after
 * `failureThreshold` consecutive results the other way; `inverted` flips the result; `disabled` is
 * always healthy; CALCULATED combines children (a disabled child counts as healthy).
 */
export class HealthChecks implements Disposable {
  private readonly states = new Map<string, HealthState>()
  private readonly timers = new Map<string, Disposable>()
  private readonly configs: Map<string, HealthCheckConfig>
  private disposed = false

  constructor(
    configs: readonly HealthCheckConfig[],
    private readonly deps: {
      clock: Clock
      log: Logger
      probe: Prober
      onChange?: (id: string, healthy: boolean, why: string) => void
    }
  ) {
    this.configs = new Map(configs.map((config) => [config.id, config]))
    for (const config of configs)
      if (config.type !== 'CALCULATED')
        // Route 53 starts a check healthy until data arrives (an inverted one, unhealthy).
        this.states.set(config.id, { id: config.id, healthy: !config.inverted, streak: 0 })
  }

  start(): void {
    for (const config of this.configs.values()) if (config.type !== 'CALCULATED' && !config.disabled) void this.run(config)
  }

  isHealthy(id: string): boolean {
    const config = this.configs.get(id)
    if (!config || config.disabled) return true
    if (config.type === 'CALCULATED') {
      const children = config.children ?? []
      const threshold = config.healthThreshold ?? children.length
      const healthy = children.filter((child) => this.isHealthy(child)).length
      return healthy >= threshold
    }
    return this.states.get(id)?.healthy ?? true
  }

  snapshot(): HealthState[] {
    return [...this.configs.values()].map((config) =>
      config.type === 'CALCULATED' ? { id: config.id, healthy: this.isHealthy(config.id), streak: 0 } : { ...this.states.get(config.id)! }
    )
  }

  private async run(config: HealthCheckConfig): Promise<void> {
    if (this.disposed) return
    let result: ProbeResult
    try {
      result = await this.deps.probe(config)
    } catch (error) {
      result = { ok: false, detail: (error as Error).message }
    }
    if (this.disposed) return
    this.record(config, result)
    this.timers.set(config.id, this.deps.clock.setTimeout(() => void this.run(config), config.intervalSeconds * 1000))
  }

  /** Applies one result to the check's state (exported for tests through `probe`). */
  private record(config: HealthCheckConfig, result: ProbeResult): void {
    const state = this.states.get(config.id)!
    const passed = config.inverted ? !result.ok : result.ok
    state.last = { ...result, at: this.deps.clock.now() }
    if (passed === state.healthy) {
      state.streak = 0
      return
    }
    state.streak++
    if (state.streak < config.failureThreshold) return
    const before = this.snapshotCalculated()
    state.healthy = passed
    state.streak = 0
    const why = `${result.detail}${config.inverted ? ' (inverted)' : ''}, ${config.failureThreshold} time(s) in a row`
    this.deps.log.info(`health check ${config.id} is now ${passed ? 'healthy' : 'UNHEALTHY'}: ${why}`)
    this.deps.onChange?.(config.id, passed, why)
    for (const [id, healthy] of before)
      if (this.isHealthy(id) !== healthy) this.deps.onChange?.(id, !healthy, `child ${config.id} changed`)
  }

  private snapshotCalculated(): Map<string, boolean> {
    const out = new Map<string, boolean>()
    for (const config of this.configs.values()) if (config.type === 'CALCULATED') out.set(config.id, this.isHealthy(config.id))
    return out
  }

  dispose(): void {
    this.disposed = true
    for (const timer of this.timers.values()) timer.dispose()
    this.timers.clear()
  }
}
