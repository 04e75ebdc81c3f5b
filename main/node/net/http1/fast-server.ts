import { STATUS_CODES, type Server as HttpServer } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import { FastRequest, FastResponse } from './fast-response'
import { maxHeadBytes, parseRequestHead } from './request-head'

export interface FastServerOptions {
  /** Called once per bodyless request, with objects shaped like node:http's. */
  handle: (request: FastRequest, response: FastResponse) => void
  /**
   * A node:http server (not listening) that takes a connection over, with the bytes read so far, as
   * soon as a request on it has a body, an upgrade or an Expect: node:http stays the authority for
   * everything but plain bodyless requests.
   */
  fallback: HttpServer
  /** How long an idle keep-alive connection stays open (node:http's keepAliveTimeout, 5 s). */
  keepAliveMs?: number
  /** How long a request head may take to arrive (node:http's headersTimeout, 60 s). */
  headersTimeoutMs?: number
  /** How long a request may wait for its answer before the connection is cut (node:http's requestTimeout, 300 s). */
  requestTimeoutMs?: number
  /** The largest request head taken (node:http's maxHeaderSize, 16 KiB); larger ones are refused with 431. */
  maxHeadBytes?: number
  /**
   * Answers a malformed or oversized request head, as node:http's 'clientError' event lets a
   * service do; the connection closes after it. Without it: the status and the reason as text.
   */
  clientError?: (refusal: Refusal, socket: Socket) => void
}

/** Why a request head was refused: its status (400, 408, 431, 505) and a reason for the log. */
export interface Refusal {
  status: number
  reason: string
}

/**
 * An HTTP/1.1 server for the requests a cache answers most: bodyless GET and HEAD, parsed strictly
 * (request-head.ts) and answered in one write (fast-response.ts), without node:http's per-request
 * streams. Requests on one connection are answered in order (pipelining), one at a time.
 *
 * Why: on the edge's hit path node:http's IncomingMessage/ServerResponse machinery costs more than
 * the cache itself (bench/edge). Everything else is handed to `fallback` with the connection.
 */
export type FastHttpServer = Server & { closeAllConnections(): void; closeIdleConnections(): void }

export function createFastHttpServer(options: FastServerOptions): FastHttpServer {
  const connections = new Map<Socket, FastConnection>()
  const server = createServer({ noDelay: true }, (socket) => {
    connections.set(socket, new FastConnection(socket, options, () => connections.delete(socket)))
    socket.once('close', () => connections.delete(socket))
  }) as FastHttpServer
  // As node:http's: a stop cuts idle keep-alive connections at once and the rest after a grace period.
  server.closeAllConnections = () => {
    for (const socket of connections.keys()) socket.destroy()
    options.fallback.closeAllConnections()
  }
  server.closeIdleConnections = () => {
    for (const [socket, connection] of connections) if (connection.idle) socket.destroy()
    options.fallback.closeIdleConnections()
  }
  return server
}

class FastConnection {
  private buffer: Buffer = Buffer.alloc(0)
  private length = 0
  private busy = false
  private headStarted = 0
  private answerDue = 0
  private readonly keepAliveMs: number
  private readonly requestTimeoutMs: number
  private readonly headersTimeoutMs: number
  private readonly onData = (chunk: Buffer) => this.received(chunk)
  private readonly onTimeout = () => this.timedOut()
  private readonly onError = () => this.socket.destroy()

  constructor(
    private readonly socket: Socket,
    private readonly options: FastServerOptions,
    private readonly released: () => void
  ) {
    this.keepAliveMs = options.keepAliveMs ?? 5000
    this.headersTimeoutMs = options.headersTimeoutMs ?? 60_000
    this.requestTimeoutMs = options.requestTimeoutMs ?? 300_000
    socket.on('data', this.onData)
    socket.on('error', this.onError)
    socket.on('timeout', this.onTimeout)
    socket.setTimeout(this.keepAliveMs)
  }

  /** Between requests, with nothing of the next one read yet. */
  get idle(): boolean {
    return !this.busy && this.length === 0
  }

  private received(chunk: Buffer): void {
    if (this.length === 0) {
      this.buffer = chunk
      this.length = chunk.length
    } else {
      const grown = Buffer.allocUnsafe(this.length + chunk.length)
      this.buffer.copy(grown, 0, 0, this.length)
      chunk.copy(grown, this.length)
      this.buffer = grown
      this.length = grown.length
    }
    if (this.headStarted === 0) this.headStarted = Date.now()
    if (!this.busy) this.next()
    // Pipelined bytes wait while a request is answered, but not without bound.
    else if (this.length > 4 * (this.options.maxHeadBytes ?? maxHeadBytes)) this.socket.destroy()
  }

  /** Answers the next buffered request, if a whole head is there. */
  private next(): void {
    if (this.length === 0 || this.socket.destroyed) return
    const result = parseRequestHead(this.buffer, 0, this.length, this.options.maxHeadBytes)
    if (result.kind === 'incomplete') {
      if (Date.now() - this.headStarted > this.headersTimeoutMs) this.refuse(408, 'the request head took too long')
      return
    }
    if (result.kind === 'refused') return this.refuse(result.status, result.reason)
    const { head } = result
    if (head.needsFullServer) return this.handOver()
    const rest = this.length - head.end
    this.buffer = rest > 0 ? this.buffer.subarray(head.end, this.length) : Buffer.alloc(0)
    this.length = rest
    this.headStarted = rest > 0 ? Date.now() : 0
    this.busy = true
    this.answerDue = Date.now() + this.requestTimeoutMs
    const request = new FastRequest(head.method, head.url, head.headers, head.rawHeaders, head.minor, this.socket)
    const response = new FastResponse(this.socket, head.keepAlive, Math.round(this.keepAliveMs / 1000), (keepOpen) => this.answered(keepOpen), head.method === 'HEAD')
    try {
      this.options.handle(request, response)
    } catch {
      this.socket.destroy()
    }
  }

  private answered(keepOpen: boolean): void {
    this.busy = false
    if (!keepOpen) {
      this.socket.end()
      return
    }
    // The next pipelined request, after this turn: answers stay in order and the stack stays flat.
    if (this.length > 0) setImmediate(() => this.next())
  }

  /**
   * The socket's inactivity timer (set once; every read and write restarts it) ends idle keep-alive
   * connections; a request being answered keeps its connection, and its answer restarts the timer.
   */
  private timedOut(): void {
    // A handler that never answers does not hold its connection for ever: past the request
    // timeout, the next quiet spell ends it.
    if (!this.busy || Date.now() > this.answerDue) this.socket.destroy()
    // The socket's timer fires once per quiet spell: set it again to look once more.
    else this.socket.setTimeout(this.keepAliveMs)
  }

  /** A malformed head gets its status and the connection closes, as node:http does. */
  private refuse(status: number, reason: string): void {
    this.socket.off('data', this.onData)
    this.released()
    // Keep reading what the client still sends: closing with unread data resets the connection
    // before the client has read the answer.
    this.socket.on('data', () => {})
    if (this.options.clientError) return this.options.clientError({ status, reason }, this.socket)
    const text = `${reason}\n`
    this.socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`)
  }

  /** node:http takes the connection, starting with the bytes not answered yet. */
  private handOver(): void {
    this.socket.off('data', this.onData)
    this.socket.off('error', this.onError)
    this.socket.off('timeout', this.onTimeout)
    this.socket.setTimeout(0)
    this.released()
    this.socket.pause()
    this.socket.unshift(this.buffer.subarray(0, this.length))
    this.buffer = Buffer.alloc(0)
    this.length = 0
    this.options.fallback.emit('connection', this.socket)
    this.socket.resume()
  }
}
