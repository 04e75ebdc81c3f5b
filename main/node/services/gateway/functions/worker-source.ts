/**
 * The body of a function worker, evaluated with `new Worker(source, { eval: true })`: plain JavaScript
 * so that it needs no build step of its own and runs the same under tsx, vitest and the bundled engine.
 *
 * It imports the handler once, then runs one invocation at a time: the handler's `console` output is
 * collected per invocation, a callback-style handler (3 parameters) is given a callback, and the
 * outcome goes back as `{ id, ok, result }` or `{ id, ok: false, errorType, errorMessage }`.
 */
export const workerSource = String.raw`
const { parentPort, workerData } = require('node:worker_threads')
const { pathToFileURL } = require('node:url')
const { format } = require('node:util')

let logs = []
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...args) => { logs.push((level === 'log' ? '' : level.toUpperCase() + ' ') + format(...args)) }
}

const loading = import(pathToFileURL(workerData.file).href).then((module) => {
  const handler = module[workerData.exportName] ?? module.default?.[workerData.exportName]
  if (typeof handler !== 'function') throw new Error(workerData.file + ' has no exported function "' + workerData.exportName + '"')
  return handler
})

function errorOf(error) {
  if (error instanceof Error) return { errorType: error.name || 'Error', errorMessage: error.message }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error) }
}

parentPort.on('message', async ({ id, event, context }) => {
  logs = []
  const ctx = {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, context.deadline - Date.now())
  }
  try {
    const handler = await loading
    const result = await new Promise((resolve, reject) => {
      const callback = (error, value) => (error ? reject(error) : resolve(value))
      const returned = handler(event, ctx, callback)
      if (handler.length < 3 || (returned && typeof returned.then === 'function')) Promise.resolve(returned).then(resolve, reject)
    })
    parentPort.postMessage({ id, ok: true, result: result === undefined ? null : result, logs })
  } catch (error) {
    parentPort.postMessage({ id, ok: false, ...errorOf(error), logs })
  }
})
`
