import variant from '@jitl/quickjs-wasmfile-release-sync'
import { createHash, createHmac } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import querystring from 'node:querystring'
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFunctionRuntime, type FunctionRuntime, type KvsSnapshot, type RunMessage } from './runtime'
import { sandboxPrelude } from './sandbox-prelude'

let runtime: FunctionRuntime

beforeAll(async () => {
  const quickjs = await newQuickJSWASMModuleFromVariant(variant)
  runtime = createFunctionRuntime({
    quickjs,
    createHash,
    createHmac,
    preludeSource: sandboxPrelude.toString(),
    now: () => performance.now(),
    limits: { memoryBytes: 2 * 1024 * 1024, stackBytes: 256 * 1024, maxLogBytes: 10 * 1024, maxCachedFunctions: 8 }
  })
})
afterAll(() => runtime.dispose())

const event = { version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: '1.2.3.4' }, request: { method: 'GET', uri: '/', querystring: {}, headers: {}, cookies: {} } }

function run(code: string, version: '1.0' | '2.0' = '2.0', extra: Partial<RunMessage> = {}) {
  return runtime.run({
    type: 'run',
    code,
    runtime: version,
    eventType: 'viewer-request',
    eventJson: JSON.stringify(event),
    nowMs: Date.UTC(2026, 0, 2, 3, 4, 5),
    softTimeoutMs: 50,
    ...extra
  })
}

/** Runs `expression` inside a handler and returns its value. */
function value(expression: string, version: '1.0' | '2.0' = '2.0'): unknown {
  const prefix = version === '1.0' ? "var crypto = require('crypto'); var querystring = require('querystring');" : "import crypto from 'crypto'; import querystring from 'querystring';"
  const reply = run(`${prefix}\nfunction handler(event) { return { v: ${expression} } }`, version)
  if (!reply.ok) throw new Error(`${reply.kind}: ${reply.message}`)
  return (JSON.parse(reply.valueJson!) as { v: unknown }).v
}

describe('handler calls', () => {
  it('passes the event and returns what the handler returns, with console output', () => {
    const reply = run('function handler(event) { console.log("uri", event.request.uri, { a: 1 }); event.request.uri = "/index.html"; return event.request }', '1.0')
    expect(reply).toMatchObject({ ok: true, logs: ['uri / {"a":1}'] })
    expect(reply.ok && JSON.parse(reply.valueJson!).uri).toBe('/index.html')
    expect(reply.ok && reply.computeMs).toBeGreaterThanOrEqual(0)
  })

  it('runs async handlers in 2.0 and reports a thrown error with its position', () => {
    expect(value('1') ).toBe(1)
    const reply = run('async function handler(event) {\n  await null\n  throw new TypeError("bad " + event.viewer.ip)\n}')
    expect(reply).toMatchObject({ ok: false, kind: 'error', message: 'TypeError: bad 1.2.3.4 (line 3, column 22)' })
  })

  it('freezes Date at the invocation start', () => {
    expect(value('[Date.now(), new Date().toISOString(), new Date(0).getTime()]')).toEqual([Date.UTC(2026, 0, 2, 3, 4, 5), '2026-01-02T03:04:05.000Z', 0])
  })

  it('reports returning nothing and a value that cannot be serialized', () => {
    expect(run('function handler() {}')).toMatchObject({ ok: true, valueJson: undefined })
    expect(run('function handler() { var a = {}; a.a = a; return a }')).toMatchObject({ ok: true, returnError: expect.stringContaining('cannot be serialized') })
  })

  it('truncates logs at 10 KB', () => {
    const reply = run('function handler(e) { for (var i = 0; i < 100; i++) console.log("x".repeat(200)); return e }')
    expect(reply.logs.length).toBeLessThan(60)
    expect(reply.logs.at(-1)).toBe('[logs truncated at 10 KB]')
  })

  it('keeps one compiled function per code and runtime', () => {
    const before = runtime.size
    run('function handler(e) { return e } // cache-test')
    run('function handler(e) { return e } // cache-test')
    expect(runtime.size).toBe(before + 1)
  })
})

describe('crypto helpers match Node crypto', () => {
  it.each(['md5', 'sha1', 'sha256'])('%s hash in hex, base64 and base64url', (algorithm) => {
    for (const encoding of ['hex', 'base64', 'base64url'] as const) {
      const expected = createHash(algorithm).update('héllo').update(' world').digest(encoding)
      expect(value(`crypto.createHash('${algorithm}').update('héllo').update(' world').digest('${encoding}')`)).toBe(expected)
      expect(value(`crypto.createHash('${algorithm}').update('héllo').update(' world').digest('${encoding}')`, '1.0')).toBe(expected)
    }
  })

  it('HMAC with string and Buffer keys', () => {
    expect(value("crypto.createHmac('sha256', 'secret').update('msg').digest('hex')")).toBe(createHmac('sha256', 'secret').update('msg').digest('hex'))
    expect(value("crypto.createHmac('sha1', Buffer.from('00ff', 'hex')).update(Buffer.from([1, 2, 3])).digest('base64')")).toBe(
      createHmac('sha1', Buffer.from('00ff', 'hex')).update(Buffer.from([1, 2, 3])).digest('base64')
    )
  })

  it('digest() without encoding: a Buffer in 2.0, a byte string in 1.0', () => {
    const hex = createHash('md5').update('a').digest('hex')
    expect(value("crypto.createHash('md5').update('a').digest().toString('hex')")).toBe(hex)
    expect(value("Buffer.isBuffer(crypto.createHash('md5').update('a').digest())")).toBe(true)
    expect(value("String.bytesFrom(crypto.createHash('md5').update('a').digest().split('').map(function (c) { return c.charCodeAt(0) })) === crypto.createHash('md5').update('a').digest()", '1.0')).toBe(true)
    expect(value("crypto.createHash('md5').update('a').digest().length", '1.0')).toBe(16)
  })

  it('refuses other algorithms and a second digest', () => {
    expect(run("import crypto from 'crypto'\nfunction handler() { return crypto.createHash('sha512') }")).toMatchObject({ ok: false, message: expect.stringContaining('not supported: sha512') })
    expect(run("import { createHash } from 'crypto'\nfunction handler() { var h = createHash('md5'); h.digest('hex'); return h.digest('hex') }")).toMatchObject({ ok: false, message: expect.stringContaining('Digest already called') })
  })
})

describe('querystring helpers match Node querystring', () => {
  it.each(['a=1&b=2&a=3', 'x=%E2%9C%93&y=a+b&z', 'bad=%E0%A4%A&ok=1', '', '&&a=&=b', 'k=v=w'])('parse(%j)', (text) => {
    expect(value(`querystring.parse(${JSON.stringify(text)})`)).toEqual({ ...querystring.parse(text) })
  })

  it('parse with sep, eq and maxKeys', () => {
    expect(value("querystring.parse('a:1;b:2;c:3', ';', ':', { maxKeys: 2 })")).toEqual({ ...querystring.parse('a:1;b:2;c:3', ';', ':', { maxKeys: 2 }) })
  })

  it.each([{ a: 'b c', d: ['1', '2'], e: 3, f: true, g: null, h: '✓/?&=' }, {}])('stringify(%j)', (object) => {
    expect(value(`querystring.stringify(${JSON.stringify(object)})`)).toBe(querystring.stringify(object as querystring.ParsedUrlQueryInput))
  })

  it('escape, unescape, and the decode/encode aliases', () => {
    expect(value("querystring.escape('a b/é')")).toBe(querystring.escape('a b/é'))
    expect(value("querystring.unescape('a%20b%2F%C3%A9')")).toBe('a b/é')
    expect(value("querystring.decode('a=1').a + querystring.encode({ b: 2 })", '1.0')).toBe('1b=2')
  })
})

describe('Buffer (2.0)', () => {
  it('converts between encodings as Node does', () => {
    const text = 'héllo ✓ 𝄞'
    for (const encoding of ['hex', 'base64', 'base64url', 'latin1']) {
      expect(value(`Buffer.from(${JSON.stringify(text)}).toString('${encoding}')`)).toBe(Buffer.from(text).toString(encoding as BufferEncoding))
    }
    expect(value("Buffer.from('aGk=', 'base64').toString()")).toBe('hi')
    expect(value("Buffer.concat([Buffer.from('a'), Buffer.from([98])]).toString()")).toBe('ab')
    expect(value("Buffer.byteLength('✓')")).toBe(3)
    expect(value("Buffer.alloc(3, 'ab').toString() + Buffer.from('abc').slice(1).toString()")).toBe('abaбc'.replace('б', 'b'))
    expect(value("Buffer.from('ab').equals(Buffer.from([97, 98]))")).toBe(true)
  })

  it('is not there in 1.0, which has the string byte helpers instead', () => {
    expect(value('typeof Buffer', '1.0')).toBe('undefined')
    expect(value("'✓'.toUTF8().length + ':' + '✓'.toUTF8().fromUTF8() + ':' + String.bytesFrom('6869', 'hex')", '1.0')).toBe('3:✓:hi')
    expect(value("typeof ''.toUTF8", '2.0')).toBe('undefined')
  })
})

describe('cloudfront module and key value store (2.0)', () => {
  const kvs: KvsSnapshot = {
    id: 'kvs-1',
    version: 'v1',
    meta: { creationDateTime: '2026-01-01T00:00:00Z', lastUpdatedDateTime: '2026-01-02T00:00:00Z', keyCount: 2 },
    entries: { greeting: 'hello', config: '{"enabled":true}' }
  }
  const code = `import cf from 'cloudfront'
const store = cf.kvs()
async function handler(event) {
  const missing = await store.get('nope').catch((e) => e.message)
  return {
    text: await store.get('greeting'),
    json: await store.get('config', { format: 'json' }),
    bytes: (await store.get('greeting', { format: 'bytes' })).length,
    exists: [await store.exists('greeting'), await store.exists('nope')],
    meta: await store.meta(),
    missing
  }
}`

  it('reads the snapshot passed with the run', () => {
    const reply = run(code, '2.0', { kvs })
    expect(reply.ok && JSON.parse(reply.valueJson!)).toEqual({
      text: 'hello',
      json: { enabled: true },
      bytes: 5,
      exists: [true, false],
      meta: kvs.meta,
      missing: 'Key not found: nope'
    })
  })

  it('keeps a sent snapshot by version, and sees a new version when one is sent', () => {
    const { entries: _entries, ...withoutEntries } = kvs
    expect(run(code, '2.0', { kvs: withoutEntries }).ok).toBe(true)
    const v2 = { ...kvs, version: 'v2', entries: { greeting: 'bonjour', config: '{}' } }
    const reply = run(code, '2.0', { kvs: v2 })
    expect(reply.ok && JSON.parse(reply.valueJson!).text).toBe('bonjour')
    expect(run(code, '2.0', { kvs: { ...withoutEntries, version: 'v9' } })).toMatchObject({ ok: false, message: expect.stringContaining('was not sent') })
  })

  it('refuses kvs() without an associated store', () => {
    expect(run("import cf from 'cloudfront'\nfunction handler(e) { cf.kvs(); return e.request }")).toMatchObject({ ok: false, message: expect.stringContaining('No key value store') })
  })

  it('records origin helper calls in viewer-request', () => {
    const reply = run("import cf from 'cloudfront'\nfunction handler(e) { cf.selectRequestOriginById('origin-b'); return e.request }")
    expect(reply).toMatchObject({ ok: true, originChanges: [{ helper: 'selectRequestOriginById', argument: 'origin-b' }] })
  })
})

describe('language level and restrictions', () => {
  it('modules other than the built-in ones, and import in 1.0, are not found', () => {
    expect(run("import fs from 'fs'\nfunction handler(e) { return e }")).toMatchObject({ ok: false, kind: 'error', message: expect.stringContaining("Cannot find module 'fs'") })
    expect(run("function handler(e) { return require('fs') }", '1.0')).toMatchObject({ ok: false, message: expect.stringContaining("Cannot find module 'fs'") })
    expect(run("import cf from 'cloudfront'\nfunction handler(e) { return e }", '1.0')).toMatchObject({ ok: false })
  })

  it('eval, Function and constructor chains throw instead of generating code', () => {
    for (const expression of ['eval("1")', 'Function("return this")()', '(function(){}).constructor("return 1")()', '(async function(){}).constructor("return 1")', 'this.constructor.constructor("return process")()']) {
      expect(run(`function handler(e) { return ${expression} }`)).toMatchObject({ ok: false, kind: 'error' })
    }
  })

  it('has no timers, process or require of host modules', () => {
    expect(value('[typeof setTimeout, typeof setInterval, typeof process, typeof globalThis.__host]')).toEqual(['undefined', 'undefined', 'undefined', 'undefined'])
  })

  it('runs 1.0 code in strict mode', () => {
    expect(run('function handler(e) { undeclared = 1; return e }', '1.0')).toMatchObject({ ok: false, message: expect.stringContaining('undeclared') })
  })

  it('reports syntax errors with their position', () => {
    expect(runtime.check({ type: 'check', code: 'function handler(e) {\n  var x = ;\n}', runtime: '1.0' })).toEqual([{ line: 2, column: 11, message: "SyntaxError: unexpected token in expression: ';'" }])
    expect(runtime.check({ type: 'check', code: "import cf from 'cloudfront'\nfunction handler(e) { return e }", runtime: '2.0' })).toEqual([])
  })
})

describe('limits inside QuickJS', () => {
  it('stops an endless loop at the deadline, then compiles the function afresh', () => {
    const code = 'var calls = 0\nfunction handler(e) { calls++; if (e.viewer.ip === "loop") for (;;) {} return { calls } }'
    const loop = run(code, '2.0', { eventJson: JSON.stringify({ ...event, viewer: { ip: 'loop' } }), softTimeoutMs: 20 })
    expect(loop).toMatchObject({ ok: false, kind: 'timeout' })
    const next = run(code)
    expect(next.ok && JSON.parse(next.valueJson!)).toEqual({ calls: 1 })
  })

  it('ends runaway recursion as a stack overflow error', () => {
    expect(run('function f(n) { return f(n + 1) + 1 }\nfunction handler(e) { return f(0) }')).toMatchObject({ ok: false, kind: 'error', message: expect.stringContaining('stack overflow') })
  })

  it('ends a fast memory bomb as out of memory and asks for a new worker', () => {
    const reply = run('function handler(e) { var a = []; for (;;) a.push({ x: a.length, y: "y" + a.length }) }', '2.0', { softTimeoutMs: 2000 })
    expect(reply).toMatchObject({ ok: false, kind: 'memory', recycle: true })
  })

  it('lets a function use most of its 2 MB', () => {
    expect(value('new Array(100000).fill(1).length')).toBe(100000)
  })
})
