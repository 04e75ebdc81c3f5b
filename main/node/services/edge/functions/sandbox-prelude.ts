/* eslint-disable @typescript-eslint/no-explicit-any -- this code runs inside QuickJS on user values of any shape */
/**
 * The JavaScript that runs *inside* QuickJS before the user's code: console capture, a frozen Date,
 * no eval/Function, the `crypto`, `querystring`, `buffer` and `cloudfront` modules, the 1.0 string byte
 * helpers, and the invoke/collect pair the runtime drives. It is written in TypeScript for the type
 * checker and linter, then its source text (`Function.prototype.toString`) is evaluated in QuickJS, so
 * it must not refer to anything outside itself: its only inputs are its parameters.
 *
 * `host` holds the few functions the runtime (outside QuickJS, in the worker) lends it: hashing with
 * Node's crypto and reads from the run's key-value store snapshot. Nothing else of the host is reachable.
 */

/** Functions the runtime installs; plain strings in and out, so no host object crosses the boundary. */
export interface SandboxHost {
  /** keyKind '' for a hash, 's' (UTF-8 string key) or 'h' (hex bytes) for an HMAC; chunks JSON [kind, data][]. */
  digest(algorithm: string, keyKind: string, key: string, chunksJson: string, encoding: string): string
  /** The value, or undefined when the key is missing (or no store is associated). */
  kvsGet(key: string): string | undefined
  /** JSON `{ id, meta }` of the associated store, or undefined. */
  kvsInfo(): string | undefined
}

/** What the prelude hands back to the runtime. */
export interface SandboxControl {
  invoke(handler: unknown, eventJson: string, nowMs: number, eventType: string): void
  /** JSON: `{ done, logs, error?, valueJson?, returnError?, originChanges }`. */
  collect(): string
}

export function sandboxPrelude(host: SandboxHost, version: '1.0' | '2.0', maxLogBytes: number): SandboxControl {
  const g = globalThis as any

  // ---- bytes: UTF-8, hex, base64 (QuickJS has no TextEncoder or atob) ----
  function utf8Encode(text: string): number[] {
    const out: number[] = []
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i)
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1)
        if (d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
          i++
        } else c = 0xfffd
      } else if (c >= 0xd800 && c < 0xe000) c = 0xfffd
      if (c < 0x80) out.push(c)
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    }
    return out
  }
  function utf8Decode(bytes: ArrayLike<number>, strict: boolean): string | null {
    let out = ''
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i]
      const need = b < 0x80 ? 0 : b >= 0xf0 && b < 0xf8 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1
      let c = need === 0 ? b : need === 1 ? b & 31 : need === 2 ? b & 15 : b & 7
      let valid = 0
      while (need > 0 && valid < need && i + valid + 1 < bytes.length && (bytes[i + valid + 1] & 0xc0) === 0x80) {
        c = (c << 6) | (bytes[i + valid + 1] & 63)
        valid++
      }
      if (need < 0 || valid < need) {
        // One replacement character for the longest broken prefix, as TextDecoder and Node do.
        if (strict) return null
        out += '\ufffd'
        i += valid + 1
        continue
      }
      out += String.fromCodePoint(c)
      i += need + 1
    }
    return out
  }
  const HEX = '0123456789abcdef'
  function toHex(bytes: ArrayLike<number>): string {
    let out = ''
    for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15]
    return out
  }
  function fromHex(text: string): number[] {
    const out: number[] = []
    for (let i = 0; i + 1 < text.length; i += 2) {
      const byte = parseInt(text.substr(i, 2), 16)
      if (Number.isNaN(byte)) break
      out.push(byte)
    }
    return out
  }
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  function toBase64(bytes: ArrayLike<number>, url: boolean): string {
    let out = ''
    for (let i = 0; i < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
      out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63]
      out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : url ? '' : '='
      out += i + 2 < bytes.length ? B64[n & 63] : url ? '' : '='
    }
    return url ? out.replace(/\+/g, '-').replace(/\//g, '_') : out
  }
  function fromBase64(text: string): number[] {
    const clean = text.replace(/[\s=]/g, '').replace(/-/g, '+').replace(/_/g, '/')
    const out: number[] = []
    let bits = 0
    let value = 0
    for (let i = 0; i < clean.length; i++) {
      const v = B64.indexOf(clean[i])
      if (v < 0) break
      value = (value << 6) | v
      bits += 6
      if (bits >= 8) {
        bits -= 8
        out.push((value >> bits) & 255)
      }
    }
    return out
  }
  function byteString(bytes: ArrayLike<number>): string {
    let out = ''
    for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i])
    return out
  }
  function stringBytes(text: string): number[] {
    const out: number[] = []
    for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i) & 255)
    return out
  }
  function encode(text: string, encoding: string | undefined): number[] {
    switch ((encoding ?? 'utf8').toLowerCase()) {
      case 'utf8':
      case 'utf-8':
        return utf8Encode(text)
      case 'hex':
        return fromHex(text)
      case 'base64':
      case 'base64url':
        return fromBase64(text)
      case 'latin1':
      case 'binary':
        return stringBytes(text)
      case 'ascii':
        return stringBytes(text).map((b) => b & 127)
      default:
        throw new TypeError(`Unknown encoding: ${encoding}`)
    }
  }
  function decode(bytes: ArrayLike<number>, encoding: string | undefined): string {
    switch ((encoding ?? 'utf8').toLowerCase()) {
      case 'utf8':
      case 'utf-8':
        return utf8Decode(bytes, false) as string
      case 'hex':
        return toHex(bytes)
      case 'base64':
        return toBase64(bytes, false)
      case 'base64url':
        return toBase64(bytes, true)
      case 'latin1':
      case 'binary':
        return byteString(bytes)
      case 'ascii':
        return byteString(Array.prototype.map.call(bytes, (b: number) => b & 127) as number[])
      default:
        throw new TypeError(`Unknown encoding: ${encoding}`)
    }
  }

  // ---- Buffer (runtime 2.0): the commonly used subset of Node's ----
  class Buffer extends Uint8Array {
    static override from(value: any, encodingOrOffset?: any, length?: number): Buffer {
      if (typeof value === 'string') return Buffer.from(encode(value, encodingOrOffset))
      if (value instanceof ArrayBuffer) {
        const offset = encodingOrOffset ?? 0
        return new Buffer(value, offset, length ?? value.byteLength - offset)
      }
      if (ArrayBuffer.isView(value) || Array.isArray(value)) {
        const source = value as ArrayLike<number>
        const out = new Buffer(source.length)
        for (let i = 0; i < source.length; i++) out[i] = source[i] & 255
        return out
      }
      if (value && value.type === 'Buffer' && Array.isArray(value.data)) return Buffer.from(value.data)
      throw new TypeError('The first argument must be a string, Buffer, ArrayBuffer, Array, or array-like object')
    }
    static alloc(size: number, fill?: any, encoding?: string): Buffer {
      const out = new Buffer(size)
      if (typeof fill === 'number') out.fill(fill & 255)
      else if (fill !== undefined) {
        const pattern = typeof fill === 'string' ? encode(fill, encoding) : Array.from(fill as ArrayLike<number>)
        for (let i = 0; pattern.length > 0 && i < size; i++) out[i] = pattern[i % pattern.length]
      }
      return out
    }
    static allocUnsafe(size: number): Buffer {
      return new Buffer(size)
    }
    static byteLength(value: any, encoding?: string): number {
      return typeof value === 'string' ? encode(value, encoding).length : value.byteLength
    }
    static concat(list: ArrayLike<number>[], totalLength?: number): Buffer {
      const total = totalLength ?? list.reduce((sum, item) => sum + item.length, 0)
      const out = new Buffer(total)
      let at = 0
      for (const item of list) {
        for (let i = 0; i < item.length && at < total; i++) out[at++] = item[i]
      }
      return out
    }
    static isBuffer(value: unknown): boolean {
      return value instanceof Buffer
    }
    static isEncoding(encoding: string): boolean {
      return ['utf8', 'utf-8', 'hex', 'base64', 'base64url', 'latin1', 'binary', 'ascii'].includes(String(encoding).toLowerCase())
    }
    static compare(a: ArrayLike<number>, b: ArrayLike<number>): number {
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1
      return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
    }
    override toString(encoding?: string, start = 0, end = this.length): string {
      return decode(this.subarray(start, end), encoding)
    }
    toJSON(): { type: 'Buffer'; data: number[] } {
      return { type: 'Buffer', data: Array.from(this) }
    }
    equals(other: ArrayLike<number>): boolean {
      return Buffer.compare(this, other) === 0
    }
    compare(other: ArrayLike<number>): number {
      return Buffer.compare(this, other)
    }
    override slice(start?: number, end?: number): Buffer {
      return this.subarray(start, end) as Buffer
    }
    readUInt8(offset = 0): number {
      return this[offset]
    }
    readUInt16BE(offset = 0): number {
      return (this[offset] << 8) | this[offset + 1]
    }
    readUInt32BE(offset = 0): number {
      return ((this[offset] << 24) >>> 0) + ((this[offset + 1] << 16) | (this[offset + 2] << 8) | this[offset + 3])
    }
  }

  // ---- crypto: hashing happens in the worker (Node's crypto), strings cross the boundary ----
  const ALGORITHMS = ['md5', 'sha1', 'sha256']
  function chunkOf(data: any, inputEncoding?: string): [string, string] {
    if (typeof data === 'string') {
      return inputEncoding && inputEncoding !== 'utf8' && inputEncoding !== 'utf-8' ? ['h', toHex(encode(data, inputEncoding))] : ['s', data]
    }
    if (ArrayBuffer.isView(data)) return ['h', toHex(data as Uint8Array)]
    throw new TypeError('The data to hash must be a string' + (version === '2.0' ? ' or a Buffer' : ''))
  }
  function digester(algorithm: string, keyKind: string, key: string) {
    if (!ALGORITHMS.includes(algorithm)) throw new Error(`Digest method not supported: ${algorithm} (md5, sha1 or sha256)`)
    const chunks: [string, string][] = []
    let finished = false
    const self = {
      update(data: any, inputEncoding?: string) {
        if (finished) throw new Error('Digest already called')
        chunks.push(chunkOf(data, inputEncoding))
        return self
      },
      digest(encoding?: string) {
        if (finished) throw new Error('Digest already called')
        finished = true
        if (encoding === 'hex' || encoding === 'base64' || encoding === 'base64url') {
          return host.digest(algorithm, keyKind, key, JSON.stringify(chunks), encoding)
        }
        if (encoding !== undefined) throw new TypeError(`Unknown digest encoding: ${encoding}`)
        const hex = host.digest(algorithm, keyKind, key, JSON.stringify(chunks), 'hex')
        return version === '2.0' ? Buffer.from(hex, 'hex') : byteString(fromHex(hex))
      }
    }
    return self
  }
  const crypto = {
    createHash: (algorithm: string) => digester(algorithm, '', ''),
    createHmac: (algorithm: string, key: any) => {
      const [kind, data] = chunkOf(key)
      return digester(algorithm, kind, data)
    }
  }

  // ---- querystring: Node's semantics ('+' is a space, repeated keys become arrays, maxKeys 1000) ----
  function unescape(text: string): string {
    try {
      return decodeURIComponent(text)
    } catch {
      const bytes: number[] = []
      for (let i = 0; i < text.length; i++) {
        const hex = text.substr(i + 1, 2)
        if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
          bytes.push(parseInt(hex, 16))
          i += 2
        } else bytes.push(...utf8Encode(text[i]))
      }
      return utf8Decode(bytes, false) as string
    }
  }
  function primitive(value: unknown): string {
    if (typeof value === 'string') return value
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
    if (typeof value === 'bigint' || typeof value === 'boolean') return String(value)
    return ''
  }
  function parse(text: any, sep = '&', eq = '=', options?: any): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = Object.create(null)
    if (typeof text !== 'string' || text.length === 0) return out
    const maxKeys = typeof options?.maxKeys === 'number' ? options.maxKeys : 1000
    const decodeComponent = typeof options?.decodeURIComponent === 'function' ? options.decodeURIComponent : unescape
    let parts = text.split(sep || '&')
    if (maxKeys > 0) parts = parts.slice(0, maxKeys)
    for (const part of parts) {
      if (part.length === 0) continue
      const at = part.indexOf(eq || '=')
      const rawKey = at < 0 ? part : part.slice(0, at)
      const rawValue = at < 0 ? '' : part.slice(at + (eq || '=').length)
      const key = decodeComponent(rawKey.replace(/\+/g, ' '))
      const value = decodeComponent(rawValue.replace(/\+/g, ' '))
      const existing = out[key]
      if (existing === undefined) out[key] = value
      else if (Array.isArray(existing)) existing.push(value)
      else out[key] = [existing, value]
    }
    return out
  }
  function stringify(object: any, sep = '&', eq = '=', options?: any): string {
    if (object === null || typeof object !== 'object') return ''
    const encodeComponent = typeof options?.encodeURIComponent === 'function' ? options.encodeURIComponent : encodeURIComponent
    const fields: string[] = []
    for (const key of Object.keys(object)) {
      const value = object[key]
      const prefix = encodeComponent(primitive(key)) + eq
      if (Array.isArray(value)) for (const item of value) fields.push(prefix + encodeComponent(primitive(item)))
      else fields.push(prefix + encodeComponent(primitive(value)))
    }
    return fields.join(sep)
  }
  const querystring = { parse, decode: parse, stringify, encode: stringify, escape: (text: string) => encodeURIComponent(text), unescape }

  // ---- per-invocation state: logs, frozen clock, origin helper calls ----
  const logs: string[] = []
  let logBytes = 0
  let now = 0
  let eventType = ''
  let originChanges: { helper: string; argument: unknown }[] = []
  function format(value: unknown): string {
    if (typeof value === 'string') return value
    try {
      const json = JSON.stringify(value)
      return json === undefined ? String(value) : json
    } catch {
      return String(value)
    }
  }
  function log(...values: unknown[]): void {
    if (logBytes > maxLogBytes) return
    const line = values.map(format).join(' ')
    logBytes += line.length + 1
    logs.push(logBytes > maxLogBytes ? '[logs truncated at 10 KB]' : line)
  }
  g.console = { log, info: log, warn: log, error: log, debug: log }

  // "Date frozen at function start": every new Date() and Date.now() in one invocation give its start time.
  const RealDate = Date
  function FrozenDate(this: unknown, ...args: any[]): any {
    if (!new.target) return new RealDate(now).toString()
    return args.length === 0 ? new RealDate(now) : new (RealDate as any)(...args)
  }
  FrozenDate.prototype = RealDate.prototype
  FrozenDate.now = () => now
  FrozenDate.parse = RealDate.parse
  FrozenDate.UTC = RealDate.UTC
  Object.defineProperty(RealDate.prototype, 'constructor', { value: FrozenDate, writable: true, configurable: true })
  g.Date = FrozenDate

  // ---- the cloudfront module (2.0): key value store reads and origin helpers ----
  function kvs(id?: string) {
    const infoJson = host.kvsInfo()
    if (infoJson === undefined) throw new Error('No key value store is associated with this function')
    const info = JSON.parse(infoJson)
    if (id !== undefined && id !== info.id) throw new Error(`Key value store ${id} is not associated with this function`)
    return {
      get(key: string, options?: { format?: string }) {
        return new Promise((resolve, reject) => {
          const value = host.kvsGet(String(key))
          const format = options?.format ?? 'string'
          if (value === undefined) reject(new Error(`Key not found: ${key}`))
          else if (format === 'string') resolve(value)
          else if (format === 'json') resolve(JSON.parse(value))
          else if (format === 'bytes') resolve(Buffer.from(value))
          else reject(new TypeError(`Unknown format: ${format} (string, json or bytes)`))
        })
      },
      exists(key: string) {
        return Promise.resolve(host.kvsGet(String(key)) !== undefined)
      },
      meta() {
        return Promise.resolve(info.meta)
      }
    }
  }
  function originHelper(helper: string) {
    return (argument: unknown) => {
      if (eventType !== 'viewer-request') throw new Error(`cf.${helper}() is only available in viewer-request functions`)
      originChanges.push({ helper, argument: JSON.parse(JSON.stringify(argument ?? null)) })
    }
  }
  const cloudfront = {
    kvs,
    updateRequestOrigin: originHelper('updateRequestOrigin'),
    selectRequestOriginById: originHelper('selectRequestOriginById'),
    createRequestOriginGroup: originHelper('createRequestOriginGroup')
  }

  // ---- modules and globals per runtime ----
  const modules: Record<string, unknown> = { crypto, querystring }
  if (version === '2.0') {
    modules.buffer = { Buffer }
    modules.cloudfront = cloudfront
    g.Buffer = Buffer
  } else {
    const define = (target: object, name: string, value: unknown) =>
      Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false })
    define(String, 'bytesFrom', (source: any, encoding?: string) =>
      typeof source === 'string' ? byteString(encode(source, encoding ?? 'hex')) : byteString(Array.from(source as ArrayLike<number>, (b) => b & 255))
    )
    define(String.prototype, 'fromBytes', function (this: string, start?: number, end?: number) {
      return String(this).slice(start, end)
    })
    define(String.prototype, 'toBytes', function (this: string, start?: number, end?: number) {
      const text = String(this).slice(start, end)
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 255) return null
      return text
    })
    define(String.prototype, 'fromUTF8', function (this: string, start?: number, end?: number) {
      return utf8Decode(stringBytes(String(this).slice(start, end)), true)
    })
    define(String.prototype, 'toUTF8', function (this: string, start?: number, end?: number) {
      return byteString(utf8Encode(String(this).slice(start, end)))
    })
  }
  g.require = (name: string) => {
    if (Object.prototype.hasOwnProperty.call(modules, name)) return modules[name]
    throw new Error(`Cannot find module '${name}'`)
  }

  // ---- no code generation from strings ("eval and new Function throw") ----
  function refuse(): never {
    throw new EvalError('Code generation from strings is not allowed in CloudFront Functions')
  }
  const NoFunction = function Function() {
    refuse()
  }
  NoFunction.prototype = Function.prototype
  const prototypes = [function () {}, async function () {}, function* () {}, async function* () {}].map((f) => Object.getPrototypeOf(f))
  for (const prototype of prototypes) Object.defineProperty(prototype, 'constructor', { value: NoFunction, writable: false, configurable: false })
  g.Function = NoFunction
  g.eval = function () {
    refuse()
  }

  // ---- the runtime's side: run the handler, then read the outcome ----
  function describe(error: any): { name: string; message: string; stack?: string } {
    try {
      if (error instanceof Error) {
        return { name: String(error.name).slice(0, 200), message: String(error.message).slice(0, 2000), stack: String(error.stack ?? '').slice(0, 2000) }
      }
      return { name: 'Error', message: `Uncaught ${typeof error}: ${String(error).slice(0, 2000)}` }
    } catch {
      return { name: 'Error', message: 'Uncaught exception (it could not be described)' }
    }
  }
  let state: { done: boolean; value?: unknown; error?: ReturnType<typeof describe> } = { done: false }
  return {
    invoke(handler: any, eventJson: string, nowMs: number, type: string) {
      now = nowMs
      eventType = type
      logs.length = 0
      logBytes = 0
      originChanges = []
      state = { done: false }
      try {
        const result = handler(JSON.parse(eventJson))
        if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
          Promise.resolve(result).then(
            (value) => (state = { done: true, value }),
            (error) => (state = { done: true, error: describe(error) })
          )
        } else state = { done: true, value: result }
      } catch (error) {
        state = { done: true, error: describe(error) }
      }
    },
    collect() {
      const out: Record<string, unknown> = { done: state.done, logs: logs.slice(), originChanges }
      if (state.error) out.error = state.error
      else if (state.done) {
        try {
          out.valueJson = JSON.stringify(state.value)
        } catch (error) {
          out.returnError = `The returned object cannot be serialized: ${describe(error).message}`
        }
      }
      state = { done: false }
      return JSON.stringify(out)
    }
  }
}
