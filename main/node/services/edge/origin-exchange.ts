import { request as httpRequest, type Agent, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'

/** An origin's complete answer. */
export interface OriginResponse {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
}

/**
 * How one attempt failed: `refused` and `connect-timeout` before a connection existed, `closed` when
 * the connection ended before any response byte, `response-timeout` (first byte or between bytes),
 * `broken` when a started response was cut off.
 */
export type AttemptFailureKind = 'refused' | 'connect-timeout' | 'closed' | 'response-timeout' | 'broken'

/** One failed attempt; origin-fetch.ts decides whether to try again and what the viewer gets. */
export class AttemptFailure extends Error {
  constructor(
    readonly kind: AttemptFailureKind,
    message: string,
    /** The connection came from the keep-alive pool (the origin may have closed it just then). */
    readonly reusedSocket = false
  ) {
    super(message)
  }
}

/** One exchange with an origin. */
export interface ExchangeOptions {
  host: string
  port: number
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: Buffer | undefined
  agent: Agent
  connectTimeoutMs: number
  responseTimeoutMs: number
}

/**
 * One HTTP/1.1 request to an origin with CloudFront's two timeouts. The connection timeout runs from
 * the request until the TCP connection stands (a pooled connection stands already). The response
 * timeout is CloudFront's "origin response timeout", which its guide defines both as the wait for a
 * response after the request went out and as the wait for each next packet: so it is an idle timer,
 * started when the connection stands, restarted when the request is fully written and on every byte
 * the origin sends, until the body has ended. A slow but steady origin is never cut off.
 */
export function exchange(options: ExchangeOptions): Promise<OriginResponse> {
  const { host, port, method, path, headers, body, agent, connectTimeoutMs, responseTimeoutMs } = options
  return new Promise<OriginResponse>((resolve, reject) => {
    let connected = false
    let responded = false
    let response: IncomingMessage | undefined
    let settled = false
    let socket: Socket | undefined
    let timedOut: AttemptFailure | undefined
    const req = httpRequest({ host, port, method, path, headers, agent })
    const fail = (failure: AttemptFailure) => {
      timedOut = failure
      req.destroy(failure)
    }
    let timer = setTimeout(() => fail(new AttemptFailure('connect-timeout', 'no connection')), connectTimeoutMs)
    const touch = () => timer.refresh()
    const finish = () => {
      settled = true
      clearTimeout(timer)
      socket?.off('data', touch)
    }
    const onConnected = () => {
      connected = true
      clearTimeout(timer)
      timer = setTimeout(() => fail(new AttemptFailure('response-timeout', responded ? 'no further bytes of the response' : 'no response')), responseTimeoutMs)
      socket?.on('data', touch)
    }
    req.on('socket', (assigned: Socket) => {
      socket = assigned
      if (assigned.connecting) assigned.once('connect', onConnected)
      else onConnected()
    })
    req.on('finish', () => {
      if (connected && !settled) touch()
    })
    req.on('response', (res) => {
      responded = true
      response = res
      const chunks: Buffer[] = []
      const complete = () => {
        finish()
        resolve({ status: res.statusCode ?? 502, headers: originHeaders(res), body: Buffer.concat(chunks) })
      }
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', complete)
      res.on('close', () => {
        if (settled) return
        if (res.complete && !timedOut) return complete()
        finish()
        reject(timedOut ?? new AttemptFailure('broken', 'the connection closed in the middle of the response'))
      })
    })
    req.on('error', (error: Error & { code?: string }) => {
      if (settled) return
      // Bytes past the Content-Length of a complete response are the origin's mistake, not a broken
      // response: the message is what Content-Length framed (RFC 9112 §6.3) and the rest is dropped
      // with the connection. Its body may still be on its way: 'end' or 'close' resolves.
      if (response?.complete && !(error instanceof AttemptFailure)) return
      finish()
      if (error instanceof AttemptFailure) return reject(error)
      if (responded) return reject(new AttemptFailure('broken', error.message))
      if (!connected) return reject(new AttemptFailure('refused', error.code === 'ECONNREFUSED' ? 'connection refused' : error.message))
      reject(new AttemptFailure('closed', `connection closed before a response (${error.message})`, req.reusedSocket))
    })
    req.end(body)
  })
}

/**
 * An origin response's headers as the cache reads them. Node keeps only the first line of some
 * fields (Age among them); the cache must see every Age line, since two lines make the age unknown
 * (cache/freshness.ts `receivedAge`).
 */
function originHeaders(res: IncomingMessage): Record<string, string | string[]> {
  const headers = res.headers as Record<string, string | string[]>
  const age = res.headersDistinct['age']
  return age && age.length > 1 ? { ...headers, age } : headers
}
