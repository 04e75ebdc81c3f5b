/**
 * Type definitions of a CloudFront Function's world, for Monaco's completion and hover (add with
 * `monaco.languages.typescript.javascriptDefaults.addExtraLib(cloudFrontFunctionTypes(runtime))`).
 * Plain text in a module, so the renderer can import it without a loader; it describes what
 * sandbox-prelude.ts provides, per runtime.
 */
/** The CloudFront Functions runtimes (as in main/node/services/edge/functions/limits.ts). */
type FunctionRuntimeVersion = 'cloudfront-js-1.0' | 'cloudfront-js-2.0'

const EVENT = `
/** A query string, header or request cookie value; multiValue lists every value when the name repeats. */
interface CloudFrontValue { value: string; multiValue?: { value: string }[] }
/** A response cookie (Set-Cookie): attributes is everything after name=value, e.g. "Path=/; Secure". */
interface CloudFrontResponseCookie { value: string; attributes?: string; multiValue?: { value: string; attributes?: string }[] }
interface CloudFrontRequest {
  /** Read-only. */
  method: string
  /** Path, starting with "/". */
  uri: string
  /** Values stay percent-encoded. */
  querystring: Record<string, CloudFrontValue>
  /** Lower-case names. Host, Content-Length, Transfer-Encoding and Via are read-only in viewer-request. */
  headers: Record<string, CloudFrontValue>
  cookies: Record<string, CloudFrontValue>
}
interface CloudFrontResponse {
  statusCode: number
  statusDescription?: string
  headers: Record<string, CloudFrontValue>
  cookies: Record<string, CloudFrontResponseCookie>
  /** Replaces the body (generated responses, viewer-response). */
  body?: string | { encoding: 'text' | 'base64'; data: string }
}
interface CloudFrontEvent {
  version: '1.0'
  context: { distributionDomainName: string; distributionId: string; eventType: 'viewer-request' | 'viewer-response'; requestId: string }
  viewer: { ip: string }
  request: CloudFrontRequest
  /** Only in viewer-response. */
  response?: CloudFrontResponse
}
interface CloudFrontHash {
  update(data: string${'$BUFFER'}, inputEncoding?: 'utf8' | 'hex' | 'base64' | 'base64url' | 'latin1'): CloudFrontHash
  digest(encoding: 'hex' | 'base64' | 'base64url'): string
  digest(): ${'$DIGEST'}
}
interface CloudFrontCrypto {
  createHash(algorithm: 'md5' | 'sha1' | 'sha256'): CloudFrontHash
  createHmac(algorithm: 'md5' | 'sha1' | 'sha256', key: string${'$BUFFER'}): CloudFrontHash
}
interface CloudFrontQuerystring {
  parse(text: string, sep?: string, eq?: string, options?: { maxKeys?: number; decodeURIComponent?: (s: string) => string }): Record<string, string | string[]>
  decode: CloudFrontQuerystring['parse']
  stringify(object: object, sep?: string, eq?: string, options?: { encodeURIComponent?: (s: string) => string }): string
  encode: CloudFrontQuerystring['stringify']
  escape(text: string): string
  unescape(text: string): string
}
declare function require(name: 'crypto'): CloudFrontCrypto
declare function require(name: 'querystring'): CloudFrontQuerystring
declare const console: { log(...values: unknown[]): void; info(...values: unknown[]): void; warn(...values: unknown[]): void; error(...values: unknown[]): void; debug(...values: unknown[]): void }
`

const V1 = `
interface StringConstructor {
  /** A byte string from an array of bytes, or from hex/base64/base64url text. */
  bytesFrom(source: number[] | string, encoding?: 'hex' | 'base64' | 'base64url'): string
}
interface String {
  fromBytes(start?: number, end?: number): string
  /** null when a character is above U+00FF. */
  toBytes(start?: number, end?: number): string | null
  /** null when the bytes are not valid UTF-8. */
  fromUTF8(start?: number, end?: number): string | null
  toUTF8(start?: number, end?: number): string
}
`

const V2 = `
/** The subset of Node's Buffer that runtime 2.0 provides. */
interface Buffer extends Uint8Array<ArrayBuffer> {
  toString(encoding?: 'utf8' | 'hex' | 'base64' | 'base64url' | 'latin1' | 'binary' | 'ascii', start?: number, end?: number): string
  toJSON(): { type: 'Buffer'; data: number[] }
  equals(other: ArrayLike<number>): boolean
  compare(other: ArrayLike<number>): number
  slice(start?: number, end?: number): Buffer
  readUInt8(offset?: number): number
  readUInt16BE(offset?: number): number
  readUInt32BE(offset?: number): number
}
interface BufferConstructor {
  from(value: string, encoding?: 'utf8' | 'hex' | 'base64' | 'base64url' | 'latin1' | 'binary' | 'ascii'): Buffer
  from(value: ArrayLike<number> | ArrayBuffer): Buffer
  alloc(size: number, fill?: number | string, encoding?: string): Buffer
  allocUnsafe(size: number): Buffer
  byteLength(value: string | ArrayBufferView, encoding?: string): number
  concat(list: ArrayLike<number>[], totalLength?: number): Buffer
  isBuffer(value: unknown): value is Buffer
  isEncoding(encoding: string): boolean
  compare(a: ArrayLike<number>, b: ArrayLike<number>): number
}
declare var Buffer: BufferConstructor
interface CloudFrontKeyValueStore {
  /** Rejects when the key is missing. */
  get(key: string, options?: { format?: 'string' }): Promise<string>
  get(key: string, options: { format: 'json' }): Promise<unknown>
  get(key: string, options: { format: 'bytes' }): Promise<Buffer>
  exists(key: string): Promise<boolean>
  meta(): Promise<{ creationDateTime: string; lastUpdatedDateTime: string; keyCount: number }>
}
interface CloudFrontModule {
  /** The key value store associated with the function (its id may be given). */
  kvs(id?: string): CloudFrontKeyValueStore
  /** Viewer-request only. Netloom applies them; domainName is a loopback host or a lab origin id. */
  updateRequestOrigin(params: object): void
  selectRequestOriginById(originId: string): void
  createRequestOriginGroup(params: object): void
}
declare module 'cloudfront' { const cf: CloudFrontModule; export default cf }
declare module 'crypto' { const crypto: CloudFrontCrypto; export default crypto; export const createHash: CloudFrontCrypto['createHash']; export const createHmac: CloudFrontCrypto['createHmac'] }
declare module 'querystring' { const qs: CloudFrontQuerystring; export default qs; export const parse: CloudFrontQuerystring['parse']; export const stringify: CloudFrontQuerystring['stringify']; export const escape: CloudFrontQuerystring['escape']; export const unescape: CloudFrontQuerystring['unescape'] }
declare module 'buffer' { const B: BufferConstructor; export { B as Buffer } }
declare function require(name: 'buffer'): { Buffer: BufferConstructor }
declare function require(name: 'cloudfront'): CloudFrontModule
`

/** The declarations for one runtime: the event, `crypto`, `querystring`, and 1.0's or 2.0's extras. */
export function cloudFrontFunctionTypes(runtime: FunctionRuntimeVersion): string {
  const v2 = runtime === 'cloudfront-js-2.0'
  const event = EVENT.replaceAll('$BUFFER', v2 ? ' | Buffer' : '').replaceAll('$DIGEST', v2 ? 'Buffer' : 'string')
  return event + (v2 ? V2 : V1)
}
