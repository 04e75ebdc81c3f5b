/**
 * The body of a function worker, evaluated with `new Worker(source, { eval: true })`: plain CommonJS
 * JavaScript, so it needs no build step or entry of its own and runs the same under tsx, vitest and
 * the bundled engine (out/main/engine.js, out/cli/netloom.mjs). See README.md "Why an eval'd worker".
 *
 * It imports the handler once, then runs one invocation at a time. Messages to the runner:
 * `{ type: 'log', id, line }` for each console call (sent at once, so the lines written before a
 * timeout or a crash are kept), then `{ type: 'done', id, ok: true, json }` or
 * `{ type: 'done', id, ok: false, errorType, errorMessage }`. The result travels as JSON text, as
 * Lambda's runtime sends it: `undefined` becomes `null`, `toJSON()` applies, and a result JSON cannot
 * carry fails with Runtime.JSONStringifyError. Errors follow the Node runtime's shape: an Error gives
 * its name and message, anything else thrown gives `typeof` and `String()`.
 */
export const workerSource = String.raw`
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const { pathToFileURL } = require('node:url')
const { format, types } = require('node:util')

let current = 0
const prefixes = { log: '', info: '', debug: 'DEBUG ', trace: 'TRACE ', warn: 'WARN ', error: 'ERROR ' }
for (const level of Object.keys(prefixes)) {
  console[level] = (...args) => {
    parentPort.postMessage({ type: 'log', id: current, line: prefixes[level] + format(...args) })
  }
}
// Writes that go around console are the invocation's output too (the engine's stdout is not theirs).
for (const [stream, prefix] of [[process.stdout, ''], [process.stderr, 'ERROR ']]) {
  stream.write = (chunk, encoding, done) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    parentPort.postMessage({ type: 'log', id: current, line: prefix + text.replace(/\r?\n$/, '') })
    const callback = typeof encoding === 'function' ? encoding : done
    if (typeof callback === 'function') queueMicrotask(callback)
    return true
  }
}

class RuntimeError extends Error {
  constructor(name, message) {
    super(message)
    this.name = name
  }
}

function describe(error) {
  if (types.isNativeError(error) || (error && typeof error.name === 'string' && typeof error.message === 'string')) {
    return { errorType: error.name || 'Error', errorMessage: error.message || '' }
  }
  return { errorType: typeof error, errorMessage: String(error) }
}

const loading = import(pathToFileURL(workerData.file).href).then(
  (module) => {
    const handler = module[workerData.exportName] ?? module.default?.[workerData.exportName]
    if (typeof handler !== 'function') {
      throw new RuntimeError('Runtime.HandlerNotFound', workerData.label + ' is undefined or not exported (no exported function "' + workerData.exportName + '" in ' + workerData.file + ')')
    }
    return handler
  },
  (error) => {
    const type = error instanceof SyntaxError ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError'
    throw new RuntimeError(type, (error && error.name ? error.name + ': ' : '') + (error && error.message !== undefined ? error.message : String(error)))
  }
)
// A module that fails to load is reported on each invocation, not as an unhandled rejection.
loading.catch(() => {})

parentPort.on('message', async ({ id, event, context }) => {
  current = id
  const ctx = {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, context.deadline - Date.now())
  }
  delete ctx.deadline
  let result
  try {
    const handler = await loading
    result = await new Promise((resolve, reject) => {
      const callback = (error, value) => (error !== undefined && error !== null ? reject(error) : resolve(value))
      const returned = handler(event, ctx, callback)
      // A handler declared with (event, context, callback) answers through the callback unless it returns a promise.
      if (handler.length < 3 || (returned && typeof returned.then === 'function')) Promise.resolve(returned).then(resolve, reject)
    })
  } catch (error) {
    parentPort.postMessage({ type: 'done', id, ok: false, ...describe(error) })
    return
  }
  let json
  try {
    json = JSON.stringify(result === undefined ? null : result)
  } catch {
    parentPort.postMessage({ type: 'done', id, ok: false, errorType: 'Runtime.JSONStringifyError', errorMessage: 'Unable to stringify response body' })
    return
  }
  parentPort.postMessage({ type: 'done', id, ok: true, json: json === undefined ? 'null' : json })
})
`
