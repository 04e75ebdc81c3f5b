import { DisposableStore, type Disposable } from '../../common/base/disposable'
import { Emitter } from '../../common/base/emitter'
import type { ServiceEndpoint, ServiceState } from '../../common/contract/lab-types'
import { LabError } from '../../common/errors/lab-error'
import type { ServiceKind } from '../../common/services/service-kinds'
import type { LabService, ServiceContext, ServiceSpecOf } from './service-module'

const legalTransitions: Record<ServiceState, readonly ServiceState[]> = {
  created: ['starting'],
  starting: ['running', 'failed', 'stopping'],
  running: ['stopping', 'failed'],
  stopping: ['stopped', 'failed'],
  stopped: ['starting'],
  failed: ['starting', 'stopping', 'stopped']
}

/**
 * The state machine every service shares. Subclasses implement `onStart`, `onStop` and, if they can
 * change config in place, `onReconfigure`. Everything registered with `this.resources` during a run is
 * disposed when the service stops, is destroyed or fails.
 */
export abstract class BaseService<K extends ServiceKind> implements LabService<K> {
  private currentState: ServiceState = 'created'
  private currentError: LabError | undefined
  private readonly stateEmitter = new Emitter<{ state: ServiceState }>()
  private running: Promise<void> | undefined
  /** Resources of the current run: sockets, timers, subscriptions. Disposed on stop, destroy and failure. */
  protected resources = new DisposableStore()
  startedAt: number | undefined

  constructor(
    public spec: ServiceSpecOf<K>,
    protected readonly ctx: ServiceContext
  ) {}

  get id(): string {
    return this.spec.id
  }

  get kind(): K {
    return this.spec.kind as K
  }

  get state(): ServiceState {
    return this.currentState
  }

  get error(): LabError | undefined {
    return this.currentError
  }

  /** Open sockets, bind ports. Throw a LabError (e.g. LAB_ERR_PORT_IN_USE) to fail the start. */
  protected abstract onStart(): Promise<void>
  /** Close listeners and let in-flight work finish. Resources are disposed after this returns. */
  protected abstract onStop(): Promise<void>
  /** Apply a new spec in place; return false when only a restart can apply it. */
  protected onReconfigure(_next: ServiceSpecOf<K>): Promise<boolean> {
    return Promise.resolve(false)
  }
  abstract endpoints(): ServiceEndpoint[]

  async start(): Promise<void> {
    if (this.currentState === 'running' || this.currentState === 'starting') return this.running
    this.transition('starting')
    this.currentError = undefined
    this.resources = new DisposableStore()
    this.running = (async () => {
      try {
        await this.onStart()
      } catch (error) {
        this.fail(error)
        throw this.currentError
      }
      if (this.currentState !== 'starting') return // stopped or destroyed while starting
      this.startedAt = this.ctx.clock.now()
      this.transition('running')
    })()
    return this.running
  }

  async reconfigure(next: ServiceSpecOf<K>): Promise<'reconfigured' | 'restart-needed'> {
    if (this.currentState !== 'running') {
      this.spec = next
      return 'reconfigured'
    }
    const applied = await this.onReconfigure(next)
    if (!applied) return 'restart-needed'
    this.spec = next
    return 'reconfigured'
  }

  async stop(): Promise<void> {
    if (this.currentState === 'created' || this.currentState === 'stopped') return
    if (this.currentState === 'stopping') return this.running
    if (this.currentState === 'failed') {
      this.disposeResources()
      this.transition('stopped')
      return
    }
    this.transition('stopping')
    this.running = (async () => {
      try {
        await this.onStop()
      } catch (error) {
        this.ctx.log.warn(`error while stopping: ${LabError.from(error).message}`)
      } finally {
        this.disposeResources()
      }
      this.transition('stopped')
    })()
    return this.running
  }

  destroy(): void {
    this.disposeResources()
    if (this.currentState !== 'stopped' && this.currentState !== 'created') this.currentState = 'stopped'
    this.stateEmitter.emit('state', this.currentState)
    this.stateEmitter.clear()
  }

  /** Moves the service to `failed` from any state, releasing its resources. */
  protected fail(error: unknown): void {
    this.currentError = LabError.from(error, 'LAB_ERR_SERVICE_START_FAILED')
    this.disposeResources()
    this.ctx.log.error(this.currentError.message, { code: this.currentError.code, ...this.currentError.details })
    this.transition('failed')
  }

  onDidChangeState(listener: (state: ServiceState) => void): Disposable {
    return this.stateEmitter.on('state', listener)
  }

  private transition(next: ServiceState): void {
    if (next === this.currentState) return
    if (!legalTransitions[this.currentState].includes(next))
      throw new LabError('LAB_ERR_SERVICE_STATE', `${this.id}: cannot go from ${this.currentState} to ${next}`)
    this.currentState = next
    this.stateEmitter.emit('state', next)
  }

  private disposeResources(): void {
    try {
      this.resources.dispose()
    } catch (error) {
      this.ctx.log.warn(`error while releasing resources: ${LabError.from(error).message}`)
    }
  }
}
