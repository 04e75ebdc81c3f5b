import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { FunctionRunner } from './function-runner'

const file = fileURLToPath(new URL('./fixtures/handlers.mjs', import.meta.url))
let runners: FunctionRunner[] = []
afterEach(async () => {
  await Promise.all(runners.map((runner) => runner.dispose()))
  runners = []
})

function runner(exportName: string, options: { memoryMb?: number; maxConcurrency?: number } = {}) {
  const created = new FunctionRunner({ file, exportName, name: exportName, memoryMb: options.memoryMb ?? 128, maxConcurrency: options.maxConcurrency })
  runners.push(created)
  return created
}

const call = (r: FunctionRunner, event: unknown = {}, timeoutMs = 2000) => r.invoke(event, { timeoutMs, requestId: 'req-1' })

describe('FunctionRunner', () => {
  it('runs an async handler with a Lambda context and captures its console output', async () => {
    const outcome = await call(runner('echo'), { routeKey: 'GET /pets' })
    expect(outcome).toMatchObject({ ok: true, logs: ['got GET /pets'] })
    const body = JSON.parse((outcome as { result: { body: string } }).result.body)
    expect(body).toMatchObject({ requestId: 'req-1', remaining: true, event: { routeKey: 'GET /pets' } })
  })

  it('runs a callback-style handler', async () => {
    expect(await call(runner('callback'))).toMatchObject({ ok: true, result: { statusCode: 202, body: 'later' } })
  })

  it('reports a thrown error with its type and message', async () => {
    expect(await call(runner('fails'))).toMatchObject({ ok: false, kind: 'error', errorType: 'TypeError', message: 'no such pet' })
  })

  it('times out a handler that never answers, and a fresh worker serves the next call', async () => {
    const r = runner('forever')
    expect(await call(r, {}, 100)).toMatchObject({ ok: false, kind: 'timeout', message: 'Task timed out after 0.10 seconds' })
    const spinning = runner('spin')
    expect(await call(spinning, {}, 100)).toMatchObject({ ok: false, kind: 'timeout' })
    const echo = runner('echo')
    expect((await call(echo)).ok).toBe(true)
  })

  it('survives a handler that exits its runtime or runs out of memory', async () => {
    expect(await call(runner('exits'))).toMatchObject({ ok: false, kind: 'crash' })
    expect(await call(runner('hog', { memoryMb: 16 }), {}, 10_000)).toMatchObject({ ok: false, kind: 'crash' })
    expect((await call(runner('echo'))).ok).toBe(true)
  })

  it('queues invocations beyond its concurrency and answers each with its own result', async () => {
    const r = runner('slowly', { maxConcurrency: 2 })
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => call(r, { n })))
    expect(outcomes.map((o) => (o as { result: { body: string } }).result.body)).toEqual(['1', '2', '3', '4', '5'])
  })

  it('says when the export is missing', async () => {
    expect(await call(runner('nothing'))).toMatchObject({ ok: false, kind: 'error', message: expect.stringContaining('no exported function "nothing"') })
  })
})
