import type { Disposable } from '../../common/base/disposable'
import type { ServiceEndpoint, ServiceState } from '../../common/contract/lab-types'
import type { LabError } from '../../common/errors/lab-error'
import type { ServiceKind } from '../../common/services/service-kinds'
import type { ServiceSpec } from '../../common/topology/lab-schema'
import type { Clock } from '../base/clock'
import type { Logger } from '../lab-host/logger'
import type { MetricsScope } from '../metrics/metrics-scope'

/** The spec of one service of kind K, as validated from the lab file. */
export type ServiceSpecOf<K extends ServiceKind> = Extract<ServiceSpec, { kind: K }>

/** What the engine hands a service when it creates it (Caddy's ctx). */
export interface ServiceContext {
  readonly id: string
  /** Folder of the lab file, for relative paths in config; the working directory when there is none. */
  readonly labDir: string
  readonly log: Logger
  /** Metrics registry scoped with the label `service=<id>`. */
  readonly metrics: MetricsScope
  readonly clock: Clock
  /**
   * The other services of the lab, by id: where a health check or an alias finds its target. Services
   * never hold each other; they look up addresses when they need them.
   */
  readonly peers?: {
    endpoints(id: string): ServiceEndpoint[] | undefined
    state(id: string): ServiceState | undefined
  }
}

/**
 * A running piece of a lab. Created without side effects, then started; stopped (drain) or destroyed
 * (abort). `failed` is reachable from any state and carries a LabError.
 */
export interface LabService<K extends ServiceKind = ServiceKind> {
  readonly id: string
  readonly kind: K
  readonly state: ServiceState
  readonly error: LabError | undefined
  readonly spec: ServiceSpecOf<K>
  /** Epoch ms of the last transition to running. */
  readonly startedAt: number | undefined
  start(): Promise<void>
  /**
   * Applies a changed spec in place. Returns `restart-needed` when the change cannot be applied to the
   * running service (e.g. a new listen address); the host then stops it and creates a new one.
   */
  reconfigure(spec: ServiceSpecOf<K>): Promise<'reconfigured' | 'restart-needed'>
  /** Graceful: stop accepting, let in-flight work finish (bounded), release everything. */
  stop(): Promise<void>
  /** Abortive: release everything now. */
  destroy(): void
  endpoints(): ServiceEndpoint[]
  onDidChangeState(listener: (state: ServiceState) => void): Disposable
}

/** One service kind's entry in the registry. */
export interface ServiceModule<K extends ServiceKind = ServiceKind> {
  readonly kind: K
  /** Short human title, e.g. "HTTP origin". */
  readonly title: string
  create(spec: ServiceSpecOf<K>, ctx: ServiceContext): LabService<K>
}
