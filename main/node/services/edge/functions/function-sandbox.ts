/**
 * `FunctionSandbox`: the engine's handle on CloudFront Functions. It checks code for the editor and runs
 * functions in QuickJS inside one worker thread, one run at a time. The worker is reused between runs
 * and replaced after a run that it could not finish in time (terminated), that ran out of memory, or
 * that crashed it; the engine's thread never runs user code.
 */
import { Worker } from 'node:worker_threads'
import { checkResultSize, FunctionReturnError, validateReturned, type CfEvent } from './event'
import { staticProblems, type CodeProblem } from './language-check'
import {
  COMPUTE_BUDGET_MS,
  FUNCTION_MEMORY_BYTES,
  HARD_TIMEOUT_MS,
  MAX_LOG_BYTES,
  MAX_STACK_BYTES,
  SOFT_TIMEOUT_MS,
  type FunctionEventType,
  type FunctionRuntimeVersion
} from './limits'
import type { CheckMessage, KvsSnapshot, RunMessage, RunReply } from './runtime'
import { preludeSource, quickjsPaths, workerSource, type SandboxWorkerData } from './worker-source'

export type { CodeProblem } from './language-check'

export interface FunctionSandboxOptions {
  /** Handler time that counts as 100 % compute utilization (default 1 ms). */
  computeBudgetMs?: number
  /** QuickJS interrupt deadline per run (default 50 ms). */
  softTimeoutMs?: number
  /** Wall-clock limit per run, after which the worker is terminated (default 250 ms). */
  hardTimeoutMs?: number
  /** Compiled functions the worker keeps warm (default 16). */
  maxCachedFunctions?: number
  /** Wall clock for the functions' frozen `Date` (default `Date.now`). */
  clock?: () => number
}

/** A lab key value store as one run reads it: `version` changes whenever its entries do. */
export interface KvsInput {
  id: string
  version: string
  meta: { creationDateTime: string; lastUpdatedDateTime: string; keyCount: number }
  entries: Record<string, string>
}

export interface RunInput {
  code: string
  runtime: FunctionRuntimeVersion
  eventType: FunctionEventType
  event: CfEvent
  kvs?: KvsInput
}

export type FailureKind = 'error' | 'timeout' | 'memory' | 'invalid-return' | 'too-large'

export type RunResult =
  | {
      ok: true
      /** The returned object, validated: a request or a response (event.ts applies it). */
      result: unknown
      logs: string[]
      /** 0–100, CloudFront's FunctionComputeUtilization: handler time over the compute budget. */
      computeUtilization: number
      /**
       * `cf.updateRequestOrigin()` and friends, in call order, as called: checked by origin-changes.ts
       * and applied by the edge (origin-override.ts), which knows the distribution's origins.
       */
      originChanges: { helper: string; argument: unknown }[]
    }
  | { ok: false; kind: FailureKind; message: string; logs: string[] }

export type CheckResult = { ok: true } | { ok: false; errors: CodeProblem[] }

/** CloudFront's answer to the viewer when a function fails: 502 for a refused returned object, else 503. */
export function failureStatus(kind: FailureKind): 502 | 503 {
  return kind === 'invalid-return' || kind === 'too-large' ? 502 : 503
}

type Reply = RunReply | { problems: CodeProblem[] }

interface LiveWorker {
  worker: Worker
  ready: Promise<void>
  pending?: (reply: Reply | { crashed: string }) => void
  /** KVS versions this worker holds, so entries cross once per version. */
  stores: Map<string, string>
  /** Code this worker has compiled (approximately: its cache may have evicted some). */
  compiled: Set<string>
}

/** Extra wall time for a run that first compiles its function (CloudFront compiles at publish time). */
const COMPILE_ALLOWANCE_MS = 1000

export class FunctionSandbox {
  private readonly budgetMs: number
  private readonly softTimeoutMs: number
  private readonly hardTimeoutMs: number
  private readonly maxCachedFunctions: number
  private readonly clock: () => number
  private live: LiveWorker | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private readonly staticCache = new Map<string, CodeProblem[]>()
  private disposed = false
  /** Workers started so far (the first one included). */
  workerStarts = 0

  constructor(options: FunctionSandboxOptions = {}) {
    this.budgetMs = options.computeBudgetMs ?? COMPUTE_BUDGET_MS
    this.softTimeoutMs = options.softTimeoutMs ?? SOFT_TIMEOUT_MS
    this.hardTimeoutMs = options.hardTimeoutMs ?? HARD_TIMEOUT_MS
    this.maxCachedFunctions = options.maxCachedFunctions ?? 16
    this.clock = options.clock ?? Date.now
  }

  /** Problems for the editor: size, runtime 1.0 rules, a missing handler, and syntax errors from QuickJS. */
  async check(code: string, runtime: FunctionRuntimeVersion): Promise<CheckResult> {
    const problems = staticProblems(code, runtime)
    if (problems.some((p) => p.message.includes('10 KB'))) return { ok: false, errors: problems }
    const message: CheckMessage = { type: 'check', code, runtime: runtimeTag(runtime) }
    // Parsing only, no user code runs: the compile allowance is the whole limit.
    const reply = await this.enqueue(() => this.send(message, this.hardTimeoutMs + COMPILE_ALLOWANCE_MS))
    const syntax = 'problems' in reply ? reply.problems : [{ line: 1, column: 1, message: 'The code could not be checked' }]
    const errors = [...syntax, ...problems].sort((a, b) => a.line - b.line || a.column - b.column)
    return errors.length === 0 ? { ok: true } : { ok: false, errors }
  }

  /** Runs the function on `event`. Never rejects: every failure is a result with its CloudFront kind. */
  async run(input: RunInput): Promise<RunResult> {
    const refused = this.refusal(input.code, input.runtime)
    if (refused) return { ok: false, kind: 'error', message: refused, logs: [] }
    const reply = await this.enqueue(async () => {
      const live = await this.worker()
      const message: RunMessage = {
        type: 'run',
        code: input.code,
        runtime: runtimeTag(input.runtime),
        eventType: input.eventType,
        eventJson: JSON.stringify(input.event),
        nowMs: this.clock(),
        softTimeoutMs: this.softTimeoutMs,
        kvs: input.kvs && this.kvsFor(live, input.kvs)
      }
      const key = `${message.runtime}\u0000${message.code}`
      const allowance = live.compiled.has(key) ? 0 : COMPILE_ALLOWANCE_MS
      if (live.compiled.size >= this.maxCachedFunctions * 4) live.compiled.clear()
      live.compiled.add(key)
      return this.send(message, this.hardTimeoutMs + allowance)
    })
    if ('problems' in reply) return { ok: false, kind: 'error', message: 'Unexpected reply from the sandbox', logs: [] }
    if (!reply.ok) return { ok: false, kind: reply.kind, message: reply.message, logs: reply.logs }
    try {
      if (reply.returnError) throw new FunctionReturnError('invalid-return', reply.returnError)
      if (reply.valueJson === undefined) throw new FunctionReturnError('invalid-return', 'The function returned nothing')
      checkResultSize(reply.valueJson)
      const result: unknown = JSON.parse(reply.valueJson)
      validateReturned(input.event, result)
      const computeUtilization = Math.min(100, Math.round((reply.computeMs / this.budgetMs) * 100))
      return { ok: true, result, logs: reply.logs, computeUtilization, originChanges: reply.originChanges as { helper: string; argument: unknown }[] }
    } catch (error) {
      if (!(error instanceof FunctionReturnError)) throw error
      return { ok: false, kind: error.kind, message: error.message, logs: reply.logs }
    }
  }

  /** Ends the worker; runs after this fail. */
  async dispose(): Promise<void> {
    this.disposed = true
    await this.queue.catch(() => undefined)
    await this.stop()
  }

  private refusal(code: string, runtime: FunctionRuntimeVersion): string | undefined {
    const key = `${runtime}\u0000${code}`
    let problems = this.staticCache.get(key)
    if (!problems) {
      problems = staticProblems(code, runtime)
      if (this.staticCache.size >= 64) this.staticCache.delete(this.staticCache.keys().next().value as string)
      this.staticCache.set(key, problems)
    }
    const first = problems[0]
    return first && `${first.message} (line ${first.line}, column ${first.column})`
  }

  private kvsFor(live: LiveWorker, kvs: KvsInput): KvsSnapshot {
    const { entries, ...rest } = kvs
    if (live.stores.get(kvs.id) === kvs.version) return rest
    live.stores.set(kvs.id, kvs.version)
    return { ...rest, entries }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task)
    this.queue = next.catch(() => undefined)
    return next
  }

  private async worker(): Promise<LiveWorker> {
    if (this.disposed) throw new Error('The function sandbox is disposed')
    if (!this.live) {
      const data: SandboxWorkerData = {
        ...quickjsPaths(),
        preludeSource: preludeSource(),
        limits: { memoryBytes: FUNCTION_MEMORY_BYTES, stackBytes: MAX_STACK_BYTES, maxLogBytes: MAX_LOG_BYTES, maxCachedFunctions: this.maxCachedFunctions }
      }
      // The V8 heap of the worker holds only glue; QuickJS lives in WASM memory, bounded per function.
      const worker = new Worker(workerSource(), { eval: true, workerData: data, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 } })
      worker.unref()
      this.workerStarts++
      let markReady: () => void = () => undefined
      let fail: (error: Error) => void = () => undefined
      const live: LiveWorker = { worker, stores: new Map(), compiled: new Set(), ready: new Promise<void>((resolve, reject) => ((markReady = resolve), (fail = reject))) }
      worker.on('message', (message: Reply | { ready: true }) => {
        if ('ready' in message) markReady()
        else live.pending?.(message)
      })
      const crashed = (reason: string) => {
        fail(new Error(reason))
        live.pending?.({ crashed: reason })
        if (this.live === live) this.live = undefined
      }
      worker.on('error', (error) => crashed(`The sandbox worker crashed: ${error.message}`))
      worker.on('exit', (code) => crashed(`The sandbox worker exited (code ${code})`))
      this.live = live
    }
    await this.live.ready
    return this.live
  }

  private async send(message: RunMessage | CheckMessage, hardTimeoutMs: number): Promise<Reply> {
    let live: LiveWorker
    try {
      live = await this.worker()
    } catch (error) {
      return { ok: false, kind: 'error', message: (error as Error).message, logs: [] }
    }
    const reply = await new Promise<Reply | { crashed: string } | 'hard-timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('hard-timeout'), hardTimeoutMs)
      live.pending = (value) => {
        clearTimeout(timer)
        resolve(value)
      }
      live.worker.postMessage(message)
    })
    live.pending = undefined
    if (reply === 'hard-timeout') {
      await this.stop()
      const message = `The function did not finish within ${hardTimeoutMs} ms; its worker was terminated`
      return { ok: false, kind: 'timeout', message, logs: [] }
    }
    if ('crashed' in reply) {
      await this.stop()
      return { ok: false, kind: 'error', message: reply.crashed, logs: [] }
    }
    if ('recycle' in reply && reply.recycle) await this.stop()
    return reply
  }

  private async stop(): Promise<void> {
    const live = this.live
    this.live = undefined
    if (live) {
      live.pending = undefined
      live.worker.removeAllListeners('exit')
      live.worker.removeAllListeners('error')
      live.worker.on('error', () => undefined)
      await live.worker.terminate()
    }
  }
}

function runtimeTag(runtime: FunctionRuntimeVersion): '1.0' | '2.0' {
  return runtime === 'cloudfront-js-1.0' ? '1.0' : '2.0'
}
