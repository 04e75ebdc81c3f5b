/**
 * The worker's body, evaluated (`new Worker(source, { eval: true })`) for the same reason as
 * gateway/functions/worker-source.ts: the engine runs as TypeScript under vitest and tsx, and as two
 * different bundles, and an evaluated string is the same code in all of them. Unlike the gateway's, most
 * of the body is typed code: `createFunctionRuntime` (runtime.ts) and `sandboxPrelude`
 * (sandbox-prelude.ts) are stringified, so only the few lines of glue below are untyped.
 */
import { createRequire } from 'node:module'
import { createFunctionRuntime } from './runtime'
import { sandboxPrelude } from './sandbox-prelude'

/** What the worker needs besides its body; structured-cloned into `workerData`. */
export interface SandboxWorkerData {
  corePath: string
  variantPath: string
  preludeSource: string
  limits: { memoryBytes: number; stackBytes: number; maxLogBytes: number; maxCachedFunctions: number }
}

/** Absolute paths of the QuickJS packages, resolved from this module (the worker has no path of its own). */
export function quickjsPaths(): { corePath: string; variantPath: string } {
  const require = createRequire(import.meta.url)
  return { corePath: require.resolve('quickjs-emscripten-core'), variantPath: require.resolve('@jitl/quickjs-wasmfile-release-sync') }
}

export function preludeSource(): string {
  return sandboxPrelude.toString()
}

let cached: string | undefined

/** CommonJS source of the worker. `__name` covers esbuild's keepNames helper, should a transform add it. */
export function workerSource(): string {
  cached ??= `'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const { createHash, createHmac } = require('node:crypto')
const { performance } = require('node:perf_hooks')
var __name = function (f) { return f }
const createFunctionRuntime = ${createFunctionRuntime.toString()}
const core = require(workerData.corePath)
const variant = require(workerData.variantPath)
core.newQuickJSWASMModuleFromVariant(variant.default || variant).then((quickjs) => {
  const runtime = createFunctionRuntime({
    quickjs, createHash, createHmac, preludeSource: workerData.preludeSource, now: () => performance.now(), limits: workerData.limits
  })
  // Warm-up: the first compile on a fresh WASM instance is slow (tier-up); keep that out of the first run.
  for (const version of ['1.0', '2.0']) {
    runtime.run({ type: 'run', code: 'function handler(e) { return e }', runtime: version, eventType: 'viewer-request', eventJson: '{}', nowMs: 0, softTimeoutMs: 10000 })
  }
  parentPort.on('message', (message) => {
    let reply
    try {
      reply = message.type === 'check' ? { problems: runtime.check(message) } : runtime.run(message)
    } catch (error) {
      reply = { ok: false, kind: 'error', message: 'Sandbox failure: ' + String(error && error.message), logs: [], recycle: true }
    }
    parentPort.postMessage(reply)
  })
  parentPort.postMessage({ ready: true })
})
`
  return cached
}
