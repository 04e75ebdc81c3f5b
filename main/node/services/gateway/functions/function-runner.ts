import { Worker } from 'node:worker_threads'
import { workerSource } from './worker-source'

/** What one invocation came to. `durationMs` counts from `invoke()`, so it includes time in the queue. */
export type InvokeResult =
  | { ok: true; result: unknown; durationMs: number; logs: string[] }
  | {
      ok: false
      /** `timeout`: over `timeoutMs`; `error`: the handler failed (Lambda's errorType/errorMessage); `crash`: its worker died. */
      kind: 'timeout' | 'error' | 'crash'
      message: string
      errorType?: string
      durationMs: number
      logs: string[]
    }

export interface FunctionSpec {
  /** Absolute path of the handler file (.mjs, .js or .cjs). */
  file: string
  /** The exported function to call; default `handler`. */
  exportName?: string
  /** Shown as `context.functionName` and `AWS_LAMBDA_FUNCTION_NAME`. */
  name: string
  /** Heap limit of each worker, in MB (Lambda's memory setting); default 128. */
  memoryMb?: number
  /** Invocations that run at once; more wait their turn (Lambda's reserved concurrency, in small); default 4. */
  maxConcurrency?: number
  /** Environment variables, on top of Lambda's reserved ones. The engine's own environment is not passed on. */
  environment?: Readonly<Record<string, string>>
  /** Console output and crashes that happen while no invocation runs (a timer left behind, an async throw). */
  onStray?: (line: string) => void
}

export interface InvokeOptions {
  /** The whole wait, queue included; past it the invocation ends as `timeout` and its worker is replaced. */
  timeoutMs: number
  /** `context.awsRequestId`. */
  requestId: string
}

interface Invocation {
  readonly id: number
  readonly event: unknown
  readonly options: InvokeOptions
  readonly startedAt: number
  readonly logs: string[]
  readonly timer: NodeJS.Timeout
  readonly resolve: (result: InvokeResult) => void
  slot?: Slot
}

interface Slot {
  readonly worker: Worker
  running?: Invocation
  /** Set by `reload()` while busy: the worker ends after its invocation. */
  retired: boolean
}

type WorkerMessage =
  | { type: 'log'; id: number; line: string }
  | { type: 'done'; id: number; ok: true; json: string }
  | { type: 'done'; id: number; ok: false; errorType: string; errorMessage: string }

const defaultMemoryMb = 128
const defaultConcurrency = 4

/**
 * Runs one Lambda-style handler in worker threads, started on first use and kept warm. A timeout
 * terminates the worker that ran over and the next invocation gets a fresh one; a handler that
 * crashes, exits or runs out of memory takes only its worker down. Workers isolate failures, not
 * trust: a handler file is code the lab's author runs, as with npm scripts.
 */
export class FunctionRunner {
  private readonly slots: Slot[] = []
  private readonly queue: Invocation[] = []
  private readonly memoryMb: number
  private readonly maxConcurrency: number
  private nextId = 0
  private disposed = false

  constructor(private readonly spec: FunctionSpec) {
    this.memoryMb = spec.memoryMb ?? defaultMemoryMb
    this.maxConcurrency = spec.maxConcurrency ?? defaultConcurrency
    if (!Number.isInteger(this.memoryMb) || this.memoryMb < 8) throw new RangeError(`memoryMb must be a whole number ≥ 8, not ${spec.memoryMb}`)
    if (!Number.isInteger(this.maxConcurrency) || this.maxConcurrency < 1) throw new RangeError(`maxConcurrency must be a whole number ≥ 1, not ${spec.maxConcurrency}`)
  }

  /** Workers alive now (busy or idle), for tests and the lab's status view. */
  get workerCount(): number {
    return this.slots.length
  }

  /** Runs the handler with `event`; never rejects: every failure is an `InvokeResult` with `ok: false`. */
  invoke(event: unknown, options: InvokeOptions): Promise<InvokeResult> {
    const startedAt = performance.now()
    if (this.disposed) return Promise.resolve({ ok: false, kind: 'crash', message: `function ${this.spec.name} was unloaded`, durationMs: 0, logs: [] })
    return new Promise((resolve) => {
      const invocation: Invocation = {
        id: ++this.nextId,
        event,
        options,
        startedAt,
        logs: [],
        resolve,
        timer: setTimeout(() => this.timeOut(invocation), options.timeoutMs)
      }
      this.queue.push(invocation)
      this.pump()
    })
  }

  /** Ends idle workers now and busy ones after their invocation, so later calls import the file afresh. */
  async reload(): Promise<void> {
    const idle = this.slots.filter((slot) => !slot.running)
    for (const slot of this.slots) slot.retired = true
    await Promise.allSettled(idle.map((slot) => this.remove(slot)))
  }

  /** Stops every worker. Queued and running invocations end as crashes. */
  async dispose(): Promise<void> {
    this.disposed = true
    for (const waiting of this.queue.splice(0)) this.finish(waiting, { ok: false, kind: 'crash', message: `function ${this.spec.name} was unloaded` })
    await Promise.allSettled(this.slots.slice().map((slot) => this.remove(slot)))
  }

  /** Starts queued invocations on idle workers, starting workers up to maxConcurrency. */
  private pump(): void {
    while (this.queue.length && !this.disposed) {
      let slot = this.slots.find((candidate) => !candidate.running && !candidate.retired)
      if (!slot && this.slots.length < this.maxConcurrency) {
        const invocation = this.queue[0]!
        try {
          slot = this.startWorker()
        } catch (error) {
          this.queue.shift()
          this.finish(invocation, { ok: false, kind: 'crash', message: `function ${this.spec.name} could not start: ${(error as Error).message}` })
          continue
        }
      }
      if (!slot) return
      this.run(slot, this.queue.shift()!)
    }
  }

  private startWorker(): Slot {
    const exportName = this.spec.exportName ?? 'handler'
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { file: this.spec.file, exportName, label: this.spec.name },
      env: {
        AWS_LAMBDA_FUNCTION_NAME: this.spec.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.memoryMb),
        _HANDLER: exportName,
        ...this.spec.environment
      },
      resourceLimits: {
        maxOldGenerationSizeMb: this.memoryMb,
        maxYoungGenerationSizeMb: Math.min(32, Math.max(4, Math.floor(this.memoryMb / 8)))
      },
      stdout: true,
      stderr: true
    })
    // An idle warm worker must not keep the engine (or a test run) alive.
    worker.unref()
    // The worker sends its output as messages; anything else written to its streams is dropped.
    worker.stdout.resume()
    worker.stderr.resume()
    const slot: Slot = { worker, retired: false }
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message))
    // Listening to 'error' is what keeps a handler's uncaught exception out of the engine.
    worker.on('error', (error: Error) => this.onDeath(slot, `the function crashed: ${error.name}: ${error.message}`, errorTypeOf(error)))
    worker.on('exit', (code) => this.onDeath(slot, `Runtime exited with error: exit status ${code}`, 'Runtime.ExitError'))
    this.slots.push(slot)
    return slot
  }

  private run(slot: Slot, invocation: Invocation): void {
    slot.running = invocation
    invocation.slot = slot
    const context = {
      awsRequestId: invocation.options.requestId,
      functionName: this.spec.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${this.spec.name}`,
      memoryLimitInMB: String(this.memoryMb),
      logGroupName: `/aws/lambda/${this.spec.name}`,
      logStreamName: 'netloom',
      deadline: Math.round(Date.now() - (performance.now() - invocation.startedAt) + invocation.options.timeoutMs)
    }
    try {
      slot.worker.postMessage({ id: invocation.id, event: invocation.event, context })
    } catch (error) {
      slot.running = undefined
      this.finish(invocation, { ok: false, kind: 'error', message: `the event could not be sent to the function: ${(error as Error).message}` })
      this.pump()
    }
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    const invocation = slot.running
    if (!invocation || message.id !== invocation.id) {
      if (message.type === 'log') this.spec.onStray?.(message.line)
      return
    }
    if (message.type === 'log') {
      invocation.logs.push(message.line)
      return
    }
    slot.running = undefined
    if (message.ok) this.finish(invocation, { ok: true, result: JSON.parse(message.json) as unknown })
    else this.finish(invocation, { ok: false, kind: 'error', message: message.errorMessage, errorType: message.errorType })
    if (slot.retired) void this.remove(slot)
    this.pump()
  }

  /** 'error' (then 'exit') from a worker: the invocation it ran, if any, ends as a crash. */
  private onDeath(slot: Slot, message: string, errorType?: string): void {
    const invocation = slot.running
    slot.running = undefined
    const known = this.slots.includes(slot)
    if (known) this.slots.splice(this.slots.indexOf(slot), 1)
    if (invocation) this.finish(invocation, { ok: false, kind: 'crash', message, errorType })
    else if (known && !slot.retired && !this.disposed) this.spec.onStray?.(`${message} (between invocations)`)
    this.pump()
  }

  private timeOut(invocation: Invocation): void {
    const seconds = (invocation.options.timeoutMs / 1000).toFixed(2)
    const { slot } = invocation
    const queued = this.queue.indexOf(invocation)
    if (queued !== -1) this.queue.splice(queued, 1)
    if (slot && slot.running === invocation) {
      slot.running = undefined
      // The handler may be stuck in a synchronous loop: only terminating its thread stops it.
      void this.remove(slot)
    }
    this.finish(invocation, { ok: false, kind: 'timeout', message: `Task timed out after ${seconds} seconds` })
    this.pump()
  }

  private remove(slot: Slot): Promise<number> {
    const index = this.slots.indexOf(slot)
    if (index !== -1) this.slots.splice(index, 1)
    return slot.worker.terminate()
  }

  private finish(invocation: Invocation, outcome: DistributiveOmit<InvokeResult, 'durationMs' | 'logs'>): void {
    clearTimeout(invocation.timer)
    invocation.resolve({ ...outcome, durationMs: performance.now() - invocation.startedAt, logs: invocation.logs } as InvokeResult)
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** Node names an out-of-memory worker by its error code; the rest by the error's own name. */
function errorTypeOf(error: Error): string {
  const code = (error as { code?: unknown }).code
  return code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'Runtime.OutOfMemory' : error.name
}
