import { STATUS_CODES, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'
import { LabError } from '../../../common/errors/lab-error'

/** A bodyless request the fast path answers: the fields of `IncomingMessage` that services read. */
export class FastRequest {
  readonly httpVersionMajor = 1
  readonly complete = true
  constructor(
    readonly method: string,
    readonly url: string,
    public headers: IncomingHttpHeaders,
    readonly rawHeaders: string[],
    readonly httpVersionMinor: 0 | 1,
    readonly socket: Socket
  ) {}

  get httpVersion(): string {
    return `1.${this.httpVersionMinor}`
  }

  /** The body, as `for await` reads an IncomingMessage: a fast request has none. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {}
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const unsafeValue = /[\r\n\0]/

let dateSecond = 0
let dateText = ''
/** The Date header, formatted once per second rather than per response. */
function httpDate(): string {
  const now = Date.now()
  const second = Math.floor(now / 1000)
  if (second !== dateSecond) {
    dateSecond = second
    dateText = new Date(now).toUTCString()
  }
  return dateText
}

/** Header lines checked and formatted once, for answers that repeat them (a cache's stored headers). */
export interface HeaderBlock {
  readonly text: string
  readonly hasDate: boolean
}

/**
 * Formats header fields as `name: value` lines, checked as `FastResponse` checks them, leaving out
 * the names in `skip` (lower case) and the fields the server sets itself.
 */
export function headerBlock(headers: Readonly<Record<string, string | readonly string[] | undefined>>, skip: ReadonlySet<string>): HeaderBlock {
  let text = ''
  let hasDate = false
  for (const name in headers) {
    const value = headers[name]
    const lower = name.toLowerCase()
    if (value === undefined || skip.has(lower) || lower === 'connection' || lower === 'keep-alive' || lower === 'transfer-encoding' || lower === 'content-length') continue
    if (!token.test(name)) throw new LabError('LAB_ERR_REQUEST_FAILED', `invalid response header name "${name}"`)
    if (lower === 'date') hasDate = true
    if (typeof value === 'string') text += headerLine(name, value)
    else for (const item of value) text += headerLine(name, item)
  }
  return { text, hasDate }
}

/**
 * The answer to a FastRequest: `writeHead` then `end`, as services call ServerResponse, sent in one
 * write. Header names and values are checked as node:http checks them, so that a value from an
 * origin can never split the response.
 */
export class FastResponse {
  statusCode = 200
  headersSent = false
  /** Set false to close the connection after this answer (as on ServerResponse). */
  shouldKeepAlive = true
  writableEnded = false
  private headers: OutgoingHttpHeaders | readonly (string | number)[] = {}
  private block: HeaderBlock | undefined

  constructor(
    readonly socket: Socket,
    private readonly keepAlive: boolean,
    private readonly keepAliveSeconds: number,
    private readonly finished: (keepOpen: boolean) => void,
    /** The answer to a HEAD: its head only, whatever body a handler passes (RFC 9110 §9.3.2). */
    private readonly headOnly = false
  ) {}

  /**
   * Headers as an object, or as node:http's flat list (name, value, name, value...), which costs less
   * to build; `block`: lines formatted earlier by `headerBlock`, sent before them.
   */
  writeHead(status: number, headers?: OutgoingHttpHeaders | readonly (string | number)[], block?: HeaderBlock): this {
    if (this.headersSent) throw new LabError('LAB_ERR_REQUEST_FAILED', 'the response head was already sent')
    this.statusCode = status
    if (headers) this.headers = headers
    this.block = block
    return this
  }

  end(body?: Buffer | string): this {
    if (this.writableEnded) return this
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body
    let close = !this.keepAlive || !this.shouldKeepAlive
    let head = `HTTP/1.1 ${this.statusCode} ${STATUS_CODES[this.statusCode] ?? 'Unknown'}\r\n${this.block?.text ?? ''}`
    let hasDate = this.block?.hasDate === true
    let hasLength = false
    const add = (name: string, value: string | number | readonly string[]) => {
      const lower = name.toLowerCase()
      if (lower === 'connection') {
        if (String(value).toLowerCase() === 'close') close = true
        return
      }
      if (lower === 'keep-alive' || lower === 'transfer-encoding') return
      if (!token.test(name)) throw new LabError('LAB_ERR_REQUEST_FAILED', `invalid response header name "${name}"`)
      if (lower === 'date') hasDate = true
      else if (lower === 'content-length') hasLength = true
      if (typeof value === 'object') for (const item of value) head += headerLine(name, item)
      else head += headerLine(name, String(value))
    }
    const headers = this.headers
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) add(String(headers[i]), headers[i + 1] as string | number)
    } else {
      for (const name in headers) {
        const value = (headers as OutgoingHttpHeaders)[name]
        if (value !== undefined) add(name, value)
      }
    }
    if (!hasDate) head += `date: ${httpDate()}\r\n`
    if (!hasLength && this.statusCode !== 304 && this.statusCode !== 204) head += `content-length: ${payload?.length ?? 0}\r\n`
    head += close ? 'connection: close\r\n\r\n' : `connection: keep-alive\r\nkeep-alive: timeout=${this.keepAliveSeconds}\r\n\r\n`
    this.headersSent = true
    this.writableEnded = true
    // RFC 9110 §6.4.1: no content after a HEAD, a 204 or a 304, whatever a handler passed.
    const content = this.headOnly || this.statusCode === 204 || this.statusCode === 304 ? undefined : payload
    if (!this.socket.destroyed) {
      const headBytes = Buffer.byteLength(head, 'latin1')
      if (content && content.length > 0 && content.length <= 64 * 1024) {
        // One buffer, one write: for the small answers a cache mostly sends, cheaper than writev.
        const out = Buffer.allocUnsafe(headBytes + content.length)
        out.write(head, 0, 'latin1')
        content.copy(out, headBytes)
        this.socket.write(out)
      } else {
        this.socket.cork()
        this.socket.write(head, 'latin1')
        if (content && content.length > 0) this.socket.write(content)
        this.socket.uncork()
      }
    }
    this.finished(!close)
    return this
  }

  /** The connection is gone (the client left, or destroy() was called): nothing more can be sent. */
  get destroyed(): boolean {
    return this.socket.destroyed
  }

  destroy(): void {
    this.writableEnded = true
    this.socket.destroy()
  }
}

function headerLine(name: string, value: string): string {
  if (unsafeValue.test(value)) throw new LabError('LAB_ERR_REQUEST_FAILED', `invalid characters in the value of response header "${name}"`)
  return `${name}: ${value}\r\n`
}
