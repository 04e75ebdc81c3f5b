import { isDeepStrictEqual } from 'node:util'
import { dirname } from 'node:path'
import { Emitter } from '../../common/base/emitter'
import type { LabEvents } from '../../common/contract/lab-api'
import type {
  ApplyReport,
  LabSnapshot,
  LabState,
  MetricsSample,
  ServiceApplyResult,
  ServiceSnapshot
} from '../../common/contract/lab-types'
import { LabError } from '../../common/errors/lab-error'
import { startOrder } from '../../common/topology/lab-checks'
import type { Lab, ServiceSpec } from '../../common/topology/lab-schema'
import { loadLab } from '../../common/topology/load-lab'
import { systemClock, type Clock } from '../base/clock'
import type { Labels, MetricsScope } from '../metrics/metrics-scope'
import type { LabService, ServiceModule } from '../services/service-module'
import { LabLog } from './lab-log'
import type { Logger } from './logger'
import { TrafficRecorder } from './traffic-recorder'

/** The parts of the metrics registry the host uses (main/node/metrics/metrics-registry.ts). */
export interface HostMetrics {
  scope(fixed: Labels): MetricsScope
  snapshot(at: number): MetricsSample
  prometheusText(): string
  removeSeries(match: Labels): void
}

export interface LabHostOptions {
  modules: readonly ServiceModule[]
  metrics: HostMetrics
  clock?: Clock
  /** How often `metrics.sampled` is pushed. Default 1000 ms (the UI's 1 Hz). */
  sampleIntervalMs?: number
  /** Mirror of every log line, e.g. the CLI's stderr. */
  onLog?: ConstructorParameters<typeof LabLog>[1]
}

/**
 * The composition root of a running lab: validates and applies lab files, owns the services, and turns
 * their state, logs, traffic and metrics into LabEvents. One operation runs at a time.
 */
export class LabHost {
  readonly events = new Emitter<LabEvents>()
  readonly log: LabLog
  readonly traffic: TrafficRecorder
  private readonly logger: Logger
  private readonly clock: Clock
  private readonly modules: Map<string, ServiceModule>
  private readonly services = new Map<string, LabService>()
  private lab: Lab | undefined
  private source: string | undefined
  private file: string | undefined
  private busy: 'starting' | 'stopping' | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private readonly sampler: ReturnType<typeof setInterval>

  constructor(private readonly options: LabHostOptions) {
    this.clock = options.clock ?? systemClock
    this.modules = new Map(options.modules.map((m) => [m.kind, m]))
    this.log = new LabLog((entries) => this.events.emit('logs.appended', entries), options.onLog, () =>
      this.clock.now()
    )
    this.logger = this.log.logger
    this.traffic = new TrafficRecorder(
      options.modules.map((m) => m.kind),
      (entries) => this.events.emit('traffic.observed', entries),
      () => this.clock.now()
    )
    this.sampler = setInterval(() => {
      if (this.events.hasListeners('metrics.sampled')) this.events.emit('metrics.sampled', this.metrics())
    }, options.sampleIntervalMs ?? 1000)
    this.sampler.unref()
  }

  /** Validates `source` and makes the running lab match it. On failure the previous lab keeps running. */
  apply(source: string, file?: string): Promise<ApplyReport> {
    return this.exclusive(() => this.applyNow(source, file))
  }

  /** Stops every service, newest dependency last (the reverse of start order). */
  stop(): Promise<LabSnapshot> {
    return this.exclusive(async () => {
      this.busy = 'stopping'
      this.emitChanged()
      try {
        await this.stopAll([...this.services.keys()])
      } finally {
        this.busy = undefined
      }
      this.emitChanged()
      return this.snapshot()
    })
  }

  startService(id: string): Promise<ServiceSnapshot> {
    return this.exclusive(async () => {
      const service = this.require(id)
      await service.start()
      return this.serviceSnapshot(service)
    })
  }

  stopService(id: string): Promise<ServiceSnapshot> {
    return this.exclusive(async () => {
      const service = this.require(id)
      await service.stop()
      return this.serviceSnapshot(service)
    })
  }

  restartService(id: string): Promise<ServiceSnapshot> {
    return this.exclusive(async () => {
      const service = this.require(id)
      await service.stop()
      await service.start()
      return this.serviceSnapshot(service)
    })
  }

  /** The lab's file, if it came from one. */
  get labFile(): string | undefined {
    return this.file
  }

  service(id: string): LabService | undefined {
    return this.services.get(id)
  }

  metrics(): MetricsSample {
    return this.options.metrics.snapshot(this.clock.now())
  }

  prometheusText(): string {
    return this.options.metrics.prometheusText()
  }

  snapshot(): LabSnapshot {
    const services = this.lab
      ? this.lab.services.flatMap((spec) => {
          const service = this.services.get(spec.id)
          return service ? [this.serviceSnapshot(service)] : []
        })
      : []
    const layout: LabSnapshot['layout'] = {}
    for (const [id, position] of Object.entries(this.lab?.layout?.nodes ?? {})) layout[id] = position
    return {
      ...(this.lab ? { name: this.lab.metadata.name } : {}),
      ...(this.lab?.metadata.description ? { description: this.lab.metadata.description } : {}),
      state: this.labState(services),
      ...(this.file ? { file: this.file } : {}),
      ...(this.source !== undefined ? { source: this.source } : {}),
      services,
      layout
    }
  }

  /** Stops every service and releases the host's timers and subscriptions. */
  async dispose(): Promise<void> {
    clearInterval(this.sampler)
    await this.exclusive(() => this.stopAll([...this.services.keys()]))
    for (const service of this.services.values()) service.destroy()
    this.services.clear()
    this.traffic.dispose()
    this.log.dispose()
    this.events.clear()
  }

  private async applyNow(source: string, file: string | undefined): Promise<ApplyReport> {
    const { lab, problems } = loadLab(source)
    if (!lab) return { ok: false, problems, results: [], lab: this.snapshot() }

    const previous = this.lab
    const plan = planApply(previous?.services ?? [], lab.services)
    const previousOrder = previous ? startOrder(previous) : []
    const nextOrder = startOrder(lab)
    const results = new Map<string, ServiceApplyResult>()
    const started: LabService[] = []
    const stopped: ServiceSpec[] = []
    const reconfigured: { service: LabService; previous: ServiceSpec }[] = []
    const labDir = file ? dirname(file) : process.cwd()
    let current: string | undefined

    this.busy = 'starting'
    this.emitChanged()
    try {
      // Free what goes away first (ports may be reused by the new specs), in reverse start order.
      for (const id of [...previousOrder].reverse()) {
        if (plan.get(id) !== 'remove' && plan.get(id) !== 'replace') continue
        current = id
        const service = this.services.get(id)!
        stopped.push(service.spec)
        await this.retire(service)
        if (plan.get(id) === 'remove') results.set(id, { id, action: 'removed', state: 'stopped' })
      }
      for (const id of nextOrder) {
        current = id
        const spec = lab.services.find((s) => s.id === id)!
        const action = plan.get(id)
        const existing = this.services.get(id)
        if (existing && action === 'update') {
          const before = existing.spec
          if ((await existing.reconfigure(spec as never)) === 'reconfigured') {
            reconfigured.push({ service: existing, previous: before })
            results.set(id, { id, action: 'reconfigured', state: existing.state })
            continue
          }
          stopped.push(before)
          await this.retire(existing)
        }
        if (existing && action === 'keep') {
          if (existing.state !== 'running') {
            await existing.start()
            started.push(existing)
          }
          results.set(id, { id, action: 'unchanged', state: existing.state })
          continue
        }
        const service = this.create(spec, labDir)
        started.push(service)
        await service.start()
        results.set(id, { id, action: action === 'create' ? 'created' : 'restarted', state: service.state })
      }
    } catch (error) {
      const failure = LabError.from(error, 'LAB_ERR_SERVICE_START_FAILED')
      const failedId = current!
      this.logger.error(`apply failed: ${failure.message}; restoring the previous lab`, { code: failure.code })
      await this.rollback(started, reconfigured, stopped, labDir)
      this.busy = undefined
      this.emitChanged()
      return {
        ok: false,
        problems,
        results: [{ id: failedId, action: 'failed', state: 'failed', error: failure.toJSON() }],
        error: { ...failure.toJSON(), details: { serviceId: failedId, ...failure.details } },
        lab: this.snapshot()
      }
    }

    this.lab = lab
    this.source = source
    this.file = file ?? this.file
    this.busy = undefined
    this.logger.info(`applied lab "${lab.metadata.name}" (${lab.services.length} service${lab.services.length === 1 ? '' : 's'})`)
    this.emitChanged()
    const ordered = nextOrder.map((id) => results.get(id)!)
    return { ok: true, problems, results: [...ordered, ...removedResults(results)], lab: this.snapshot() }
  }

  /** Undo a partial apply: stop what was started, restore reconfigured specs, bring back what was stopped. */
  private async rollback(
    started: LabService[],
    reconfigured: { service: LabService; previous: ServiceSpec }[],
    stopped: ServiceSpec[],
    labDir: string
  ): Promise<void> {
    for (const service of [...started].reverse()) {
      await service.stop()
      if (this.lab?.services.some((s) => s.id === service.id && isDeepStrictEqual(s, service.spec))) continue
      this.services.delete(service.id)
      this.options.metrics.removeSeries({ service: service.id })
      service.destroy()
    }
    for (const { service, previous } of reconfigured) await service.reconfigure(previous as never)
    for (const spec of [...stopped].reverse()) {
      const service = this.create(spec, labDir)
      try {
        await service.start()
      } catch (error) {
        this.logger.error(`could not restore ${spec.id}: ${LabError.from(error).message}`)
      }
    }
  }

  private create(spec: ServiceSpec, labDir: string): LabService {
    const module = this.modules.get(spec.kind)
    if (!module) throw new LabError('LAB_ERR_CONFIG_INVALID', `no service module for kind "${spec.kind}"`)
    const service = module.create(spec as never, {
      id: spec.id,
      labDir,
      log: this.logger.child(spec.id),
      metrics: this.options.metrics.scope({ service: spec.id }),
      clock: this.clock,
      peers: { endpoints: (id) => this.services.get(id)?.endpoints(), state: (id) => this.services.get(id)?.state }
    })
    service.onDidChangeState((state) => {
      this.events.emit('services.stateChanged', {
        id: service.id,
        state,
        ...(service.error ? { error: service.error.toJSON() } : {}),
        endpoints: state === 'running' ? service.endpoints() : []
      })
      // Outside an apply or stop (a service stopped by hand, or failing on its own), the lab's state
      // may change with it (running ↔ degraded): say so.
      if (!this.busy) this.emitChanged()
    })
    this.services.set(spec.id, service)
    return service
  }

  /** Stops a service and forgets it (its metrics go too). */
  private async retire(service: LabService): Promise<void> {
    await service.stop()
    service.destroy()
    if (this.services.get(service.id) === service) this.services.delete(service.id)
    this.options.metrics.removeSeries({ service: service.id })
  }

  private async stopAll(ids: string[]): Promise<void> {
    const order = this.lab ? startOrder(this.lab).filter((id) => ids.includes(id)) : ids
    for (const id of [...order].reverse()) await this.services.get(id)?.stop()
  }

  private require(id: string): LabService {
    const service = this.services.get(id)
    if (!service) throw new LabError('LAB_ERR_SERVICE_NOT_FOUND', `no service "${id}" in the running lab`)
    return service
  }

  private serviceSnapshot(service: LabService): ServiceSnapshot {
    return {
      id: service.id,
      kind: service.kind,
      name: service.spec.name ?? service.id,
      state: service.state,
      ...(service.error ? { error: service.error.toJSON() } : {}),
      endpoints: service.state === 'running' ? service.endpoints() : [],
      dependsOn: service.spec.dependsOn,
      config: service.spec.config,
      ...(service.startedAt !== undefined ? { startedAt: service.startedAt } : {})
    }
  }

  private labState(services: ServiceSnapshot[]): LabState {
    if (this.busy) return this.busy
    if (!this.lab) return 'empty'
    if (services.length === 0 || services.every((s) => s.state === 'running')) return 'running'
    if (services.every((s) => s.state === 'stopped' || s.state === 'created')) return 'stopped'
    return 'degraded'
  }

  private emitChanged(): void {
    this.events.emit('lab.changed', this.snapshot())
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation)
    this.queue = run.catch(() => {})
    return run
  }
}

type PlanStep = 'create' | 'keep' | 'update' | 'replace' | 'remove'

/**
 * Decides per service id what an apply does: `keep` (identical spec), `update` (config only: try in place),
 * `replace` (kind or listen address changed: stop, then start a new one), `create`, `remove`.
 */
export function planApply(previous: readonly ServiceSpec[], next: readonly ServiceSpec[]): Map<string, PlanStep> {
  const plan = new Map<string, PlanStep>()
  const before = new Map(previous.map((s) => [s.id, s]))
  for (const spec of next) {
    const old = before.get(spec.id)
    if (!old) plan.set(spec.id, 'create')
    else if (isDeepStrictEqual(old, spec)) plan.set(spec.id, 'keep')
    else if (old.kind !== spec.kind || !isDeepStrictEqual(old.listen, spec.listen)) plan.set(spec.id, 'replace')
    else plan.set(spec.id, 'update')
  }
  for (const spec of previous) if (!plan.has(spec.id)) plan.set(spec.id, 'remove')
  return plan
}

function removedResults(results: Map<string, ServiceApplyResult>): ServiceApplyResult[] {
  return [...results.values()].filter((r) => r.action === 'removed')
}
