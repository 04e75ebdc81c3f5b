/**
 * The QuickJS side of a run, inside the worker: one QuickJS runtime per compiled function (reused between
 * runs), its memory and stack limits, a deadline through the interrupt handler, the host functions the
 * prelude borrows (hashing, key value store reads), and the classification of what went wrong.
 *
 * `createFunctionRuntime` is stringified into the worker's body (worker-source.ts), so it must be
 * self-contained: no imports at run time (types only), nothing from module scope; everything it needs
 * arrives in `deps`. Tests call it directly on the test's thread.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core'
import type { CodeProblem } from './language-check'

/** Hash objects as Node's crypto makes them; passed in, because this function cannot import. */
interface HashLike {
  update(data: string | Uint8Array): HashLike
  digest(encoding: 'hex' | 'base64' | 'base64url'): string
}

export interface RuntimeDeps {
  quickjs: QuickJSWASMModule
  createHash(algorithm: string): HashLike
  createHmac(algorithm: string, key: string | Uint8Array): HashLike
  /** `sandboxPrelude.toString()`. */
  preludeSource: string
  /** Monotonic milliseconds (performance.now). */
  now(): number
  limits: { memoryBytes: number; stackBytes: number; maxLogBytes: number; maxCachedFunctions: number }
}

/** A key value store as one run sees it; `entries` only when the worker does not hold this version yet. */
export interface KvsSnapshot {
  id: string
  version: string
  meta: { creationDateTime: string; lastUpdatedDateTime: string; keyCount: number }
  entries?: Record<string, string>
}

export interface RunMessage {
  type: 'run'
  code: string
  runtime: '1.0' | '2.0'
  eventType: string
  eventJson: string
  /** Wall-clock time the invocation starts at, what Date shows inside. */
  nowMs: number
  softTimeoutMs: number
  kvs?: KvsSnapshot
}

export interface CheckMessage {
  type: 'check'
  code: string
  runtime: '1.0' | '2.0'
}

export type RunReply =
  | { ok: true; valueJson: string | undefined; returnError?: string; logs: string[]; computeMs: number; originChanges: unknown[] }
  | { ok: false; kind: 'error' | 'timeout' | 'memory'; message: string; logs: string[]; recycle?: boolean }

export interface FunctionRuntime {
  run(message: RunMessage): RunReply
  check(message: CheckMessage): CodeProblem[]
  /** Compiled functions held (for tests). */
  readonly size: number
  dispose(): void
}

export function createFunctionRuntime(deps: RuntimeDeps): FunctionRuntime {
  interface Compiled {
    rt: QuickJSRuntime
    ctx: QuickJSContext
    control: QuickJSHandle
    invoke: QuickJSHandle
    collect: QuickJSHandle
    handler: QuickJSHandle
    deadline: number
  }
  type Failure = { kind: 'error' | 'timeout' | 'memory'; message: string }
  class RunFailure extends Error {
    constructor(readonly failure: Failure) {
      super(failure.message)
    }
  }

  const MODULE_EXPORTS: Record<string, string[]> = {
    crypto: ['createHash', 'createHmac'],
    querystring: ['parse', 'stringify', 'escape', 'unescape', 'decode', 'encode'],
    buffer: ['Buffer'],
    cloudfront: ['kvs', 'updateRequestOrigin', 'selectRequestOriginById', 'createRequestOriginGroup']
  }
  const HANDLER_KEY = "Symbol.for('netloom.cf.handler')"
  const cache = new Map<string, Compiled>()
  const stores = new Map<string, { version: string; entries: Map<string, string> }>()
  let current: { id: string; meta: KvsSnapshot['meta']; entries: Map<string, string> } | undefined

  function digest(algorithm: string, keyKind: string, key: string, chunksJson: string, encoding: string): string {
    if (!['md5', 'sha1', 'sha256'].includes(algorithm)) throw new Error(`Digest method not supported: ${algorithm}`)
    if (!['hex', 'base64', 'base64url'].includes(encoding)) throw new Error(`Unknown digest encoding: ${encoding}`)
    const hash = keyKind === '' ? deps.createHash(algorithm) : deps.createHmac(algorithm, keyKind === 'h' ? Buffer.from(key, 'hex') : key)
    for (const [kind, data] of JSON.parse(chunksJson) as [string, string][]) hash.update(kind === 'h' ? Buffer.from(data, 'hex') : data)
    return hash.digest(encoding as 'hex')
  }

  /** "file.js:3:14" in a QuickJS stack → line and column. */
  function position(stack: string | undefined): { line: number; column: number } | undefined {
    const match = /:(\d+):(\d+)\)?\s*$/m.exec(stack?.split('\n').find((l) => /:\d+:\d+/.test(l)) ?? '')
    return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined
  }

  function failureOf(ctx: QuickJSContext, error: QuickJSHandle): Failure {
    let described: { name?: string; message?: string; stack?: string }
    try {
      described = ctx.dump(error) as typeof described
    } catch {
      return { kind: 'memory', message: 'The function ran out of memory' }
    } finally {
      error.dispose()
    }
    return failureFrom(described)
  }

  function failureFrom(described: { name?: string; message?: string; stack?: string } | null): Failure {
    const message = String(described?.message ?? described)
    if (described?.name === 'InternalError' && message === 'interrupted') {
      return { kind: 'timeout', message: 'The function exceeded its compute time and was stopped' }
    }
    if (described?.name === 'InternalError' && message === 'out of memory') {
      return { kind: 'memory', message: 'The function exceeded its memory (2 MB) and was stopped' }
    }
    const at = position(described?.stack)
    const where = at ? ` (line ${at.line}, column ${at.column})` : ''
    return { kind: 'error', message: `${described?.name ?? 'Error'}: ${message.slice(0, 2000)}${where}` }
  }

  function unwrap(ctx: QuickJSContext, result: { error?: QuickJSHandle; value?: QuickJSHandle }): QuickJSHandle {
    if (result.error) throw new RunFailure(failureOf(ctx, result.error))
    return result.value as QuickJSHandle
  }

  function drainJobs(compiled: Compiled): void {
    for (;;) {
      const jobs = compiled.rt.executePendingJobs()
      if (jobs.error) throw new RunFailure(failureOf(compiled.ctx, jobs.error))
      if (jobs.value === 0) return
    }
  }

  function release(compiled: Compiled): boolean {
    try {
      for (const handle of [compiled.handler, compiled.collect, compiled.invoke, compiled.control]) if (handle.alive) handle.dispose()
      compiled.ctx.dispose()
      compiled.rt.dispose()
      return true
    } catch {
      return false
    }
  }

  function hostObject(ctx: QuickJSContext): QuickJSHandle {
    const host = ctx.newObject()
    const fn = (name: string, impl: (...args: string[]) => string | undefined) => {
      const handle = ctx.newFunction(name, (...args) => {
        try {
          const value = impl(...args.map((a) => ctx.getString(a)))
          return value === undefined ? ctx.undefined : ctx.newString(value)
        } catch (error) {
          return { error: ctx.newError((error as Error).message) }
        }
      })
      ctx.setProp(host, name, handle)
      handle.dispose()
    }
    fn('digest', digest)
    fn('kvsGet', (key) => current?.entries.get(key))
    fn('kvsInfo', () => (current ? JSON.stringify({ id: current.id, meta: current.meta }) : undefined))
    return host
  }

  /** The built-in modules as ES modules over the prelude's `require` (2.0 only). */
  function moduleSource(name: string, version: '1.0' | '2.0') {
    const names = MODULE_EXPORTS[name]
    if (version === '1.0' || !names) return { error: new Error(`Cannot find module '${name}'`) }
    return `const m = require(${JSON.stringify(name)});\nexport default m;\nexport const { ${names.join(', ')} } = m;\n`
  }

  function compile(code: string, version: '1.0' | '2.0', softTimeoutMs: number): Compiled {
    const rt = deps.quickjs.newRuntime()
    rt.setMaxStackSize(deps.limits.stackBytes)
    rt.setModuleLoader((name) => moduleSource(name, version))
    const ctx = rt.newContext()
    const compiled = { rt, ctx, deadline: Infinity } as Compiled
    rt.setInterruptHandler(() => deps.now() > compiled.deadline)
    try {
      const factory = unwrap(ctx, ctx.evalCode(`(function () { var __name = function (f) { return f }; return (${deps.preludeSource}) })()`, 'prelude.js', { type: 'global' }))
      const host = hostObject(ctx)
      const versionHandle = ctx.newString(version)
      const logLimit = ctx.newNumber(deps.limits.maxLogBytes)
      const control = ctx.callFunction(factory, ctx.undefined, host, versionHandle, logLimit)
      for (const handle of [factory, host, versionHandle, logLimit]) handle.dispose()
      compiled.control = unwrap(ctx, control)
      compiled.invoke = ctx.getProp(compiled.control, 'invoke')
      compiled.collect = ctx.getProp(compiled.control, 'collect')
      // CloudFront's 2 MB is for the function: the prelude's own objects are not counted against it.
      const usage = rt.computeMemoryUsage()
      rt.setMemoryLimit((ctx.dump(usage) as { memory_used_size: number }).memory_used_size + deps.limits.memoryBytes)
      usage.dispose()
      const source = `${code}\n;globalThis[${HANDLER_KEY}] = typeof handler === 'function' ? handler : undefined;\n`
      compiled.deadline = deps.now() + softTimeoutMs
      // A module evaluates to a promise (top-level await), settled once its jobs have run.
      const evaluated = unwrap(ctx, ctx.evalCode(source, 'function.js', { type: 'module' }))
      let settled = ctx.getPromiseState(evaluated)
      if (settled.type === 'pending') {
        drainJobs(compiled)
        settled = ctx.getPromiseState(evaluated)
      }
      evaluated.dispose()
      if (settled.type === 'rejected') throw new RunFailure(failureOf(ctx, settled.error))
      if (settled.type === 'fulfilled' && !settled.notAPromise) settled.value.dispose()
      compiled.handler = unwrap(ctx, ctx.evalCode(`(function () { var k = ${HANDLER_KEY}; var h = globalThis[k]; delete globalThis[k]; return h })()`, 'handler.js', { type: 'global' }))
      if (ctx.typeof(compiled.handler) !== 'function') {
        throw new RunFailure({ kind: 'error', message: 'The code does not define a function named "handler"' })
      }
      return compiled
    } catch (error) {
      release(compiled)
      throw error
    }
  }

  function useStore(kvs: KvsSnapshot | undefined): void {
    if (!kvs) {
      current = undefined
      return
    }
    if (kvs.entries) stores.set(kvs.id, { version: kvs.version, entries: new Map(Object.entries(kvs.entries)) })
    const held = stores.get(kvs.id)
    if (!held || held.version !== kvs.version) throw new RunFailure({ kind: 'error', message: `Key value store ${kvs.id} version ${kvs.version} was not sent to the worker` })
    current = { id: kvs.id, meta: kvs.meta, entries: held.entries }
  }

  function compiledFor(message: RunMessage): Compiled {
    const key = `${message.runtime}\u0000${message.code}`
    const hit = cache.get(key)
    if (hit) {
      cache.delete(key)
      cache.set(key, hit)
      return hit
    }
    const compiled = compile(message.code, message.runtime, message.softTimeoutMs)
    cache.set(key, compiled)
    while (cache.size > deps.limits.maxCachedFunctions) {
      const [oldest, entry] = cache.entries().next().value as [string, Compiled]
      cache.delete(oldest)
      release(entry)
    }
    return compiled
  }

  function forget(message: RunMessage): boolean {
    const key = `${message.runtime}\u0000${message.code}`
    const compiled = cache.get(key)
    cache.delete(key)
    return compiled ? release(compiled) : true
  }

  function run(message: RunMessage): RunReply {
    let compiled: Compiled | undefined
    try {
      useStore(message.kvs)
      compiled = compiledFor(message)
      const { ctx } = compiled
      const args = [ctx.newString(message.eventJson), ctx.newNumber(message.nowMs), ctx.newString(message.eventType)]
      const started = deps.now()
      compiled.deadline = started + message.softTimeoutMs
      const called = ctx.callFunction(compiled.invoke, compiled.control, compiled.handler, ...args)
      for (const handle of args) handle.dispose()
      unwrap(ctx, called).dispose()
      drainJobs(compiled)
      const computeMs = deps.now() - started
      const collected = unwrap(ctx, ctx.callFunction(compiled.collect, compiled.control))
      const outcome = JSON.parse(ctx.getString(collected)) as {
        done: boolean
        logs: string[]
        error?: { name: string; message: string; stack?: string }
        valueJson?: string
        returnError?: string
        originChanges: unknown[]
      }
      collected.dispose()
      if (!outcome.done) return { ok: false, kind: 'error', message: "The handler's promise never settled", logs: outcome.logs }
      if (outcome.error) {
        const failure = failureFrom(outcome.error)
        if (failure.kind !== 'memory') return { ok: false, ...failure, logs: outcome.logs }
        forget(message)
        return { ok: false, ...failure, logs: outcome.logs, recycle: true }
      }
      const reply: RunReply = { ok: true, valueJson: outcome.valueJson, logs: outcome.logs, computeMs, originChanges: outcome.originChanges }
      if (outcome.returnError) reply.returnError = outcome.returnError
      return reply
    } catch (error) {
      if (!(error instanceof RunFailure)) throw error
      const { failure } = error
      // After a timeout or out-of-memory the function's heap may be half-changed: start it afresh.
      const released = failure.kind === 'error' && compiled ? true : forget(message)
      const reply: RunReply = { ok: false, ...failure, logs: [] }
      if (failure.kind === 'memory' || !released) reply.recycle = true
      return reply
    }
  }

  let checker: { rt: QuickJSRuntime; ctx: QuickJSContext; deadline: number; version: '1.0' | '2.0' } | undefined

  function check(message: CheckMessage): CodeProblem[] {
    if (checker?.version !== message.runtime) {
      if (checker) {
        checker.ctx.dispose()
        checker.rt.dispose()
      }
      const rt = deps.quickjs.newRuntime()
      rt.setMaxStackSize(deps.limits.stackBytes)
      rt.setMemoryLimit(16 * 1024 * 1024)
      rt.setModuleLoader((name) => moduleSource(name, message.runtime))
      const state = { rt, ctx: rt.newContext(), deadline: 0, version: message.runtime }
      rt.setInterruptHandler(() => deps.now() > state.deadline)
      checker = state
    }
    checker.deadline = deps.now() + 100
    const result = checker.ctx.evalCode(message.code, 'function.js', { type: 'module', compileOnly: true }) as { error?: QuickJSHandle; value?: QuickJSHandle }
    if (!result.error) {
      result.value?.dispose()
      return []
    }
    const described = checker.ctx.dump(result.error) as { name: string; message: string; stack?: string; lineNumber?: number }
    result.error.dispose()
    const at = position(described.stack) ?? { line: described.lineNumber ?? 1, column: 1 }
    return [{ line: at.line, column: at.column, message: `${described.name}: ${described.message}` }]
  }

  return {
    run,
    check,
    get size() {
      return cache.size
    },
    dispose() {
      for (const compiled of cache.values()) release(compiled)
      cache.clear()
      if (checker) {
        checker.ctx.dispose()
        checker.rt.dispose()
        checker = undefined
      }
    }
  }
}
