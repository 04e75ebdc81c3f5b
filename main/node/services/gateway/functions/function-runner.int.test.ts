import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { FunctionRunner, type FunctionSpec, type InvokeResult } from './function-runner'

const file = fileURLToPath(new URL('./fixtures/handlers.mjs', import.meta.url))
let runners: FunctionRunner[] = []
let temporary: string[] = []
afterEach(async () => {
  await Promise.all(runners.map((runner) => runner.dispose()))
  runners = []
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
  temporary = []
})

function runner(exportName: string, options: Partial<FunctionSpec> = {}) {
  const created = new FunctionRunner({ file, exportName, name: exportName, ...options })
  runners.push(created)
  return created
}

const call = (r: FunctionRunner, event: unknown = {}, timeoutMs = 5000) => r.invoke(event, { timeoutMs, requestId: 'req-1' })
const resultOf = (outcome: InvokeResult) => {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.kind}: ${outcome.message}`)
  return outcome.result as Record<string, unknown>
}

function tempHandler(source: string, name = 'handler.mjs'): string {
  const dir = mkdtempSync(join(tmpdir(), 'netloom-fn-'))
  temporary.push(dir)
  const path = join(dir, name)
  writeFileSync(path, source)
  return path
}

describe('FunctionRunner: answers', () => {
  it('runs an async handler with a Lambda context and captures its console output', async () => {
    const outcome = await call(runner('echo'), { routeKey: 'GET /pets' })
    expect(outcome).toMatchObject({ ok: true, logs: ['got GET /pets'] })
    const body = JSON.parse(resultOf(outcome)['body'] as string)
    expect(body).toMatchObject({ requestId: 'req-1', remaining: true, event: { routeKey: 'GET /pets' } })
  })

  it('runs a callback-style handler, in an ES module and in CommonJS', async () => {
    expect(await call(runner('callback'))).toMatchObject({ ok: true, result: { statusCode: 202, body: 'later' } })
    const cjs = new FunctionRunner({ file: fileURLToPath(new URL('./fixtures/handlers.cjs', import.meta.url)), name: 'cjs' })
    runners.push(cjs)
    expect(await call(cjs, { n: 3 })).toMatchObject({ ok: true, result: { body: 'from commonjs 3' } })
  })

  it('sends the result as Lambda does, through JSON: undefined is null', async () => {
    expect(await call(runner('returnsNothing'))).toMatchObject({ ok: true, result: null })
    expect(await call(runner('circular'))).toMatchObject({ ok: false, kind: 'error', errorType: 'Runtime.JSONStringifyError', message: 'Unable to stringify response body' })
  })

  it.each([
    ['fails', { errorType: 'TypeError', message: 'no such pet' }],
    ['throwsString', { errorType: 'string', message: 'plain words' }],
    ['callbackError', { errorType: 'SyntaxError', message: 'bad input' }],
    ['nothing', { errorType: 'Runtime.HandlerNotFound', message: expect.stringContaining('no exported function "nothing"') }]
  ])('reports %s as a Lambda error (errorType, errorMessage)', async (name, expected) => {
    expect(await call(runner(name))).toMatchObject({ ok: false, kind: 'error', ...expected })
  })

  it('reports a file that does not load as the Node runtime does', async () => {
    const broken = new FunctionRunner({ file: tempHandler('export const handler = async () => {'), name: 'broken' })
    const missing = new FunctionRunner({ file: join(tmpdir(), 'netloom-no-such-handler.mjs'), name: 'missing' })
    runners.push(broken, missing)
    expect(await call(broken)).toMatchObject({ ok: false, kind: 'error', errorType: 'Runtime.UserCodeSyntaxError' })
    expect(await call(missing)).toMatchObject({ ok: false, kind: 'error', errorType: 'Runtime.ImportModuleError' })
  })

  it('captures console levels and writes to process.stdout, not the engine output', async () => {
    expect(await call(runner('writes'))).toMatchObject({ ok: true, result: 'ok', logs: ['straight to stdout', 'ERROR oops 42'] })
  })

  it("gives Lambda's environment and context, not the engine's environment", async () => {
    const result = resultOf(await call(runner('environment', { name: 'pets', memoryMb: 256, environment: { COLOUR: 'blue' } })))
    expect(result).toEqual({ name: 'pets', memory: '256', colour: 'blue', home: null, context: { functionName: 'pets', memoryLimitInMB: '256', waits: true } })
  })
})

describe('FunctionRunner: failures stay in their worker', () => {
  it('times out a handler stuck in a loop, and the same runner answers the next call from a fresh worker (serverless-offline #1896)', async () => {
    const r = runner('moody')
    expect(resultOf(await call(r, { mode: 'ok' }))['served']).toBe(1)
    const timedOut = await call(r, { mode: 'hang' }, 200)
    expect(timedOut).toMatchObject({ ok: false, kind: 'timeout', message: 'Task timed out after 0.20 seconds', logs: ['mode hang'] })
    const after = resultOf(await call(r, { mode: 'ok' }))
    expect(after['served']).toBe(1)
    expect(after['remaining']).toBeGreaterThan(0)
    expect(Number.isInteger(after['remaining'])).toBe(true)
  })

  it('keeps the lines logged before a timeout', async () => {
    expect(await call(runner('logsThenHangs'), {}, 150)).toMatchObject({ ok: false, kind: 'timeout', logs: ['before the hang'] })
  })

  it('contains process.exit() and recovers on the next call', async () => {
    const r = runner('moody')
    expect(await call(r, { mode: 'exit' })).toMatchObject({ ok: false, kind: 'crash', errorType: 'Runtime.ExitError', message: expect.stringContaining('exit status 7'), logs: ['mode exit'] })
    expect(await call(r, { mode: 'ok' })).toMatchObject({ ok: true, result: { served: 1 } })
  })

  it('contains an exception thrown from a timer after the handler answered', async () => {
    const stray: string[] = []
    const r = runner('moody', { onStray: (line) => stray.push(line) })
    expect(await call(r, { mode: 'throw-later' })).toMatchObject({ ok: true, result: { served: 1 } })
    await expect.poll(() => stray.join('\n'), { timeout: 5000 }).toContain('thrown from a timer')
    expect(r.workerCount).toBe(0)
    expect(await call(r, { mode: 'ok' })).toMatchObject({ ok: true, result: { served: 1 } })
  })

  it('contains a handler that runs out of memory', async () => {
    const r = runner('hog', { memoryMb: 16 })
    expect(await call(r, {}, 20_000)).toMatchObject({ ok: false, kind: 'crash', errorType: 'Runtime.OutOfMemory' })
    expect((await call(runner('echo'))).ok).toBe(true)
  })
})

describe('FunctionRunner: workers', () => {
  it('keeps a worker warm between calls', async () => {
    const r = runner('moody')
    await call(r, { mode: 'ok' })
    expect(await call(r, { mode: 'ok' })).toMatchObject({ ok: true, result: { served: 2 } })
    expect(r.workerCount).toBe(1)
  })

  it('queues invocations beyond its concurrency and answers each with its own result', async () => {
    const r = runner('slowly', { maxConcurrency: 2 })
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => call(r, { n })))
    expect(outcomes.map((o) => resultOf(o)['body'])).toEqual(['1', '2', '3', '4', '5'])
    expect(r.workerCount).toBe(2)
  })

  it('times out an invocation that waited in the queue past its timeout without running it', async () => {
    const r = runner('logsThenHangs', { maxConcurrency: 1 })
    const first = call(r, {}, 300)
    const second = await call(r, {}, 50)
    expect(second).toMatchObject({ ok: false, kind: 'timeout', logs: [] })
    expect(await first).toMatchObject({ ok: false, kind: 'timeout' })
  })

  it('imports the file afresh after reload()', async () => {
    const path = tempHandler('export const handler = async () => "one"')
    const r = new FunctionRunner({ file: path, name: 'reloaded' })
    runners.push(r)
    expect(await call(r)).toMatchObject({ ok: true, result: 'one' })
    writeFileSync(path, 'export const handler = async () => "two"')
    expect(await call(r)).toMatchObject({ ok: true, result: 'one' })
    await r.reload()
    expect(await call(r)).toMatchObject({ ok: true, result: 'two' })
  })

  it('ends queued and running invocations as crashes on dispose()', async () => {
    const r = runner('logsThenHangs', { maxConcurrency: 1 })
    const running = call(r)
    const queued = call(r)
    await new Promise((resolve) => setTimeout(resolve, 50))
    await r.dispose()
    expect(await running).toMatchObject({ ok: false, kind: 'crash' })
    expect(await queued).toMatchObject({ ok: false, kind: 'crash', message: 'function logsThenHangs was unloaded' })
    expect(await call(r)).toMatchObject({ ok: false, kind: 'crash' })
  })
})
