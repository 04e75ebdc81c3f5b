import { afterAll, describe, expect, it } from 'vitest'
import { viewerRequestEvent, viewerResponseEvent, type EdgeRequest } from './event'
import { failureStatus, FunctionSandbox, type RunInput } from './function-sandbox'

const sandbox = new FunctionSandbox({ clock: () => Date.UTC(2026, 5, 1) })
afterAll(() => sandbox.dispose())

const context = { distributionDomainName: 'd1.cloudfront.net', distributionId: 'E1', requestId: 'r1' }
const request: EdgeRequest = { method: 'GET', uri: '/', querystring: 'lang=fr', headers: { host: 'lab.example', 'user-agent': 'curl' }, viewerIp: '10.0.0.9' }
const requestEvent = viewerRequestEvent(request, context)
const responseEvent = viewerResponseEvent(request, { statusCode: 200, statusDescription: 'OK', headers: { 'content-type': 'text/html' } }, context)

const REWRITE_1 = `function handler(event) {
  var request = event.request
  if (request.uri.endsWith('/')) request.uri += 'index.html'
  request.headers['accept-language'] = { value: request.querystring.lang ? request.querystring.lang.value : 'en' }
  return request
}`
const REWRITE_2 = `async function handler(event) {
  const { request } = event
  request.uri = request.uri.endsWith('/') ? request.uri + 'index.html' : request.uri
  request.headers['accept-language'] = { value: request.querystring.lang?.value ?? 'en' }
  return request
}`

function runRequest(code: string, runtime: RunInput['runtime'] = 'cloudfront-js-2.0') {
  return sandbox.run({ code, runtime, eventType: 'viewer-request', event: requestEvent })
}

/** After every escape attempt: the same sandbox still runs a normal function correctly. */
async function expectHealthy(): Promise<void> {
  const result = await runRequest(REWRITE_1, 'cloudfront-js-1.0')
  expect(result).toMatchObject({ ok: true, result: { uri: '/index.html', headers: { 'accept-language': { value: 'fr' } } } })
}

describe('FunctionSandbox.check', () => {
  it('accepts valid code of each runtime', async () => {
    expect(await sandbox.check(REWRITE_1, 'cloudfront-js-1.0')).toEqual({ ok: true })
    expect(await sandbox.check(REWRITE_2, 'cloudfront-js-2.0')).toEqual({ ok: true })
  })

  it('reports syntax errors, 1.0 rules and a missing handler with positions, in order', async () => {
    const result = await sandbox.check('function handle(e) {\n  const x = 1\n  return e +\n}', 'cloudfront-js-1.0')
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 1, column: 1, message: 'The code must define a top-level function named "handler"' },
        { line: 2, column: 3, message: expect.stringContaining('"const" is not supported') },
        { line: 4, column: 1, message: expect.stringContaining('SyntaxError') }
      ]
    })
  })

  it('refuses code over 10 KB without sending it to the worker', async () => {
    const result = await sandbox.check(`function handler(e) { return e }\n//${'x'.repeat(10 * 1024)}`, 'cloudfront-js-2.0')
    expect(result.ok === false && result.errors[0].message).toContain('10 KB')
  })
})

describe('FunctionSandbox.run: events per runtime and event type', () => {
  it.each(['cloudfront-js-1.0', 'cloudfront-js-2.0'] as const)('viewer-request in %s: rewrite and header', async (runtime) => {
    const result = await runRequest(runtime === 'cloudfront-js-1.0' ? REWRITE_1 : REWRITE_2, runtime)
    expect(result).toMatchObject({ ok: true, result: { method: 'GET', uri: '/index.html', headers: { host: { value: 'lab.example' }, 'accept-language': { value: 'fr' } } } })
    expect(result.ok && result.computeUtilization).toBeGreaterThanOrEqual(0)
    expect(result.ok && result.computeUtilization).toBeLessThanOrEqual(100)
  })

  it.each(['cloudfront-js-1.0', 'cloudfront-js-2.0'] as const)('viewer-response in %s: adds a header and a cookie', async (runtime) => {
    const code = `function handler(event) {
  var response = event.response
  response.headers['x-frame-options'] = { value: 'DENY' }
  response.cookies['seen'] = { value: String(Date.now()), attributes: 'Path=/' }
  console.log('status', response.statusCode)
  return response
}`
    const result = await sandbox.run({ code, runtime, eventType: 'viewer-response', event: responseEvent })
    expect(result).toMatchObject({
      ok: true,
      logs: ['status 200'],
      result: { statusCode: 200, headers: { 'x-frame-options': { value: 'DENY' } }, cookies: { seen: { value: String(Date.UTC(2026, 5, 1)) } } }
    })
  })

  it('a viewer-request function may answer itself (redirect)', async () => {
    const code = "function handler(e) { return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: 'https://lab.example/fr/' } } } }"
    expect(await runRequest(code)).toMatchObject({ ok: true, result: { statusCode: 302 } })
  })

  it('passes a lab key value store, sending its entries once per version', async () => {
    const code = "import cf from 'cloudfront'\nconst kvs = cf.kvs('kvs-a')\nasync function handler(e) { e.request.uri = await kvs.get('home'); return e.request }"
    const meta = { creationDateTime: '2026-01-01T00:00:00Z', lastUpdatedDateTime: '2026-01-01T00:00:00Z', keyCount: 1 }
    const kvs = { id: 'kvs-a', version: '1', meta, entries: { home: '/v1.html' } }
    const input: RunInput = { code, runtime: 'cloudfront-js-2.0', eventType: 'viewer-request', event: requestEvent, kvs }
    expect(await sandbox.run(input)).toMatchObject({ ok: true, result: { uri: '/v1.html' } })
    expect(await sandbox.run(input)).toMatchObject({ ok: true, result: { uri: '/v1.html' } })
    expect(await sandbox.run({ ...input, kvs: { ...kvs, version: '2', entries: { home: '/v2.html' } } })).toMatchObject({ ok: true, result: { uri: '/v2.html' } })
  })

  it('refuses 1.0 code that uses const before running it', async () => {
    expect(await runRequest('function handler(e) { const r = e.request; return r }', 'cloudfront-js-1.0')).toMatchObject({ ok: false, kind: 'error', message: expect.stringContaining('"const"') })
  })

  it('runs concurrent calls one after the other, each with its own answer', async () => {
    const results = await Promise.all(['/a', '/b', '/c'].map((uri) => runRequest(`function handler(e) { e.request.uri = '${uri}'; return e.request }`)))
    expect(results.map((r) => r.ok && (r.result as { uri: string }).uri)).toEqual(['/a', '/b', '/c'])
  })
})

describe('FunctionSandbox.run: what CloudFront refuses (502) and what fails (503)', () => {
  it('a thrown error is an execution error (503) with its reason', async () => {
    const result = await runRequest("function handler(e) {\n  throw new Error('no ' + e.request.uri)\n}")
    expect(result).toMatchObject({ ok: false, kind: 'error', message: 'Error: no / (line 2, column 18)' })
    expect(failureStatus('error')).toBe(503)
  })

  it('a changed read-only header is a validation error (502)', async () => {
    const result = await runRequest("function handler(e) { e.request.headers.host = { value: 'evil' }; return e.request }")
    expect(result).toMatchObject({ ok: false, kind: 'invalid-return', message: expect.stringContaining('"host" is read-only') })
    expect(failureStatus('invalid-return')).toBe(502)
  })

  it('a returned object over 40 KB is too-large (502)', async () => {
    const result = await runRequest("function handler(e) { return { statusCode: 200, body: 'x'.repeat(50000) } }")
    expect(result).toMatchObject({ ok: false, kind: 'too-large' })
    expect(failureStatus('too-large')).toBe(502)
    await expectHealthy()
  })
})

describe('FunctionSandbox.run: the escape suite (each followed by a normal run)', () => {
  it.each([
    ['constructor chain from this', "function handler(e) { return this.constructor.constructor('return process')() }"],
    ['constructor chain from an object', "function handler(e) { return ({}).constructor.constructor('return process')().pid }"],
    ['constructor chain from the event', "function handler(e) { return e.constructor.constructor('return globalThis.process')().env }"],
    ['Function', "function handler(e) { return Function('return this')().process.mainModule }"],
    ['async function constructor', "async function handler(e) { return (async function(){}).constructor('return process')() }"],
    ['indirect eval', "function handler(e) { return (0, eval)('process') }"],
    ['require of a host module', "function handler(e) { return require('child_process') }"],
    ['dynamic import of fs', "async function handler(e) { const fs = await import('fs'); return fs.readFileSync('/etc/passwd') }"],
    ['static import of fs', "import fs from 'fs'\nfunction handler(e) { return fs }"]
  ])('%s fails inside the sandbox', async (_name, code) => {
    const result = await runRequest(code)
    expect(result.ok).toBe(false)
    expect(JSON.stringify(result)).not.toMatch(/v20\.|"pid"|PATH=/)
    await expectHealthy()
  })

  it('process, require of fs and globalThis hold nothing of the host', async () => {
    const code = "function handler(e) { return { statusCode: 200, body: JSON.stringify([typeof process, typeof setTimeout, typeof globalThis.Buffer, Object.keys(globalThis).join(',')]) } }"
    const result = await runRequest(code)
    expect(result.ok && JSON.parse((result.result as { body: string }).body)).toEqual(['undefined', 'undefined', 'function', expect.not.stringContaining('process')])
  })

  it('prototype pollution stays inside QuickJS: the host Object.prototype is unchanged', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort()
    const code = `function handler(event) {
  Object.prototype.polluted = 'yes'
  event.__proto__.alsoPolluted = 'yes'
  Array.prototype.push = function () { return 'hijacked' }
  var r = JSON.parse('{"__proto__": {"polluted": "returned"}}')
  event.request.headers['x-proto'] = { value: typeof r.polluted }
  return event.request
}`
    const result = await runRequest(code)
    expect(result.ok).toBe(true)
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).alsoPolluted).toBeUndefined()
    expect([1].push(2)).toBe(2)
    await expectHealthy()
  })

  it('an endless loop times out and the worker survives', async () => {
    const starts = sandbox.workerStarts
    const result = await runRequest('function handler(e) { for (;;) {} }')
    expect(result).toMatchObject({ ok: false, kind: 'timeout' })
    expect(failureStatus('timeout')).toBe(503)
    await expectHealthy()
    expect(sandbox.workerStarts).toBe(starts)
  })

  it('an endless loop in an async continuation times out too', async () => {
    expect(await runRequest('async function handler(e) { await null; while (true) {} }')).toMatchObject({ ok: false, kind: 'timeout' })
    await expectHealthy()
  })

  it('deep recursion is a stack overflow error', async () => {
    expect(await runRequest('function handler(e) { return handler(e) }')).toMatchObject({ ok: false, kind: 'error', message: expect.stringContaining('stack overflow') })
    await expectHealthy()
  })

  it('a 3 MB allocation is out of memory (2 MB); a new worker answers the next run', async () => {
    const starts = sandbox.workerStarts
    const result = await runRequest("function handler(e) { var big = 'x'.repeat(3e6); return { statusCode: 200, body: big } }")
    expect(result).toMatchObject({ ok: false, kind: 'memory' })
    await expectHealthy()
    expect(sandbox.workerStarts).toBe(starts + 1)
  })

  it('string doubling is refused at once', async () => {
    expect(await runRequest("function handler(e) { var s = 'x'; for (;;) s += s }")).toMatchObject({ ok: false })
    await expectHealthy()
  })

  it('the slow memory bomb (a long builtin that skips the interrupt) is stopped by terminating the worker', async () => {
    const starts = sandbox.workerStarts
    const began = Date.now()
    const result = await runRequest("function handler(e) { var a = []; for (;;) a.push(new Array(1e5).fill('x'.repeat(100))) }")
    expect(result.ok).toBe(false)
    expect(['timeout', 'memory']).toContain(!result.ok && result.kind)
    expect(Date.now() - began).toBeLessThan(2000)
    await expectHealthy()
    expect(sandbox.workerStarts).toBeGreaterThan(starts)
  })

  it('huge logs are cut at 10 KB and a huge header value is too-large', async () => {
    const logs = await runRequest("function handler(e) { for (var i = 0; i < 10000; i++) console.log('line ' + i); return e.request }")
    expect(logs.logs.join('\n').length).toBeLessThan(11 * 1024)
    const big = await runRequest("function handler(e) { e.request.headers['x-big'] = { value: 'y'.repeat(100000) }; return e.request }")
    expect(big).toMatchObject({ ok: false, kind: 'too-large' })
    await expectHealthy()
  })
})
