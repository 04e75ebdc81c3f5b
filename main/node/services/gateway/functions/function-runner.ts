import { Worker } from 'node:worker_threads'
import { workerSource } from './worker-source'

export type InvokeOutcome =
  | { ok: true; result: unknown; durationMs: number; logs: string[] }
  | { ok: false; kind: 'timeout' | 'error' | 'crash'; message: string; errorType?: string; durationMs: number; logs: string[] }

export interface FunctionSpec {
  /** Absolute path of the handler file. */
  file: string
  exportName: string
  /** Shown as `context.functionName`. */
  name: string
  memoryMb: number
  /** Invocations that run at once; more wait their turn (Lambda's reserved concurrency, in small). */
  maxConcurrency?: number
}

interface Slot {
  worker: Worker
  busy: boolean
}

interface Waiting {
  start: (slot: Slot) => void
}

/**
 * Runs one Lambda-style handler in worker threads, kept warm between invocations. A timeout terminates
 * the worker that ran over (a fresh one serves the next call); a handler that crashes or exits takes
 * only its worker down. Workers isolate failures, not trust: a handler file is code the lab's author
 * runs, as with npm scripts.
 */
export class FunctionRunner {
  private readonly slots: Slot[] = []
  private readonly queue: Waiting[] = []
  private nextId = 0
  private disposed = false

  constructor(private readonly spec: FunctionSpec) {}

  invoke(event: unknown, options: { timeoutMs: number; requestId: string }): Promise<InvokeOutcome> {
    if (this.disposed) return Promise.resolve({ ok: false, kind: 'crash', message: 'the function was unloaded', durationMs: 0, logs: [] })
    return new Promise((resolve) => {
      const run = (slot: Slot) => this.run(slot, event, options).then((outcome) => {
        slot.busy = false
        resolve(outcome)
        this.next()
      })
      const free = this.freeSlot()
      if (free) run(free)
      else this.queue.push({ start: run })
    })
  }

  /** Stops every worker; invocations in flight end as crashes. */
  async dispose(): Promise<void> {
    this.disposed = true
    const workers = this.slots.splice(0).map((slot) => slot.worker.terminate())
    await Promise.allSettled(workers)
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((slot) => !slot.busy)
    if (idle) {
      idle.busy = true
      return idle
    }
    if (this.slots.length >= (this.spec.maxConcurrency ?? 4)) return undefined
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { file: this.spec.file, exportName: this.spec.exportName },
      resourceLimits: { maxOldGenerationSizeMb: this.spec.memoryMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, this.spec.memoryMb / 8)) },
      stdout: true,
      stderr: true
    })
    worker.unref()
    // Output written around console (process.stdout.write) is not the engine's to print.
    worker.stdout.resume()
    worker.stderr.resume()
    const slot: Slot = { worker, busy: true }
    this.slots.push(slot)
    return slot
  }

  private next(): void {
    const waiting = this.queue.shift()
    if (!waiting) return
    const slot = this.freeSlot()
    if (slot) waiting.start(slot)
    else this.queue.unshift(waiting)
  }

  private drop(slot: Slot): void {
    const index = this.slots.indexOf(slot)
    if (index !== -1) this.slots.splice(index, 1)
    void slot.worker.terminate()
  }

  private run(slot: Slot, event: unknown, options: { timeoutMs: number; requestId: string }): Promise<InvokeOutcome> {
    const id = ++this.nextId
    const started = performance.now()
    const { worker } = slot
    return new Promise<InvokeOutcome>((resolve) => {
      const done = (outcome: InvokeOutcome) => {
        clearTimeout(timer)
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onExit)
        resolve(outcome)
      }
      const elapsed = () => performance.now() - started
      const onMessage = (message: { id: number; ok: boolean; result?: unknown; errorType?: string; errorMessage?: string; logs: string[] }) => {
        if (message.id !== id) return
        if (message.ok) done({ ok: true, result: message.result, durationMs: elapsed(), logs: message.logs })
        else done({ ok: false, kind: 'error', message: message.errorMessage ?? 'error', errorType: message.errorType, durationMs: elapsed(), logs: message.logs })
      }
      const onError = (error: Error) => {
        this.drop(slot)
        done({ ok: false, kind: 'crash', message: `the function crashed: ${error.message}`, errorType: error.name, durationMs: elapsed(), logs: [] })
      }
      const onExit = (code: number) => {
        this.drop(slot)
        done({ ok: false, kind: 'crash', message: `the function's runtime exited with code ${code}`, durationMs: elapsed(), logs: [] })
      }
      const timer = setTimeout(() => {
        this.drop(slot)
        done({ ok: false, kind: 'timeout', message: `Task timed out after ${(options.timeoutMs / 1000).toFixed(2)} seconds`, durationMs: elapsed(), logs: [] })
      }, options.timeoutMs)
      worker.on('message', onMessage)
      worker.once('error', onError)
      worker.once('exit', onExit)
      const context = {
        awsRequestId: options.requestId,
        functionName: this.spec.name,
        functionVersion: '$LATEST',
        memoryLimitInMB: String(this.spec.memoryMb),
        deadline: Date.now() + options.timeoutMs
      }
      try {
        worker.postMessage({ id, event, context })
      } catch (error) {
        done({ ok: false, kind: 'error', message: `the event could not be sent to the function: ${(error as Error).message}`, durationMs: elapsed(), logs: [] })
      }
    })
  }
}
