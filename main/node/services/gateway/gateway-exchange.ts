import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastRequest, FastResponse } from '../../net/http1/fast-response'
import { hopByHopOf } from '../../net/http-headers'

/**
 * One request as the gateway sees it, read in full before anything is decided (API Gateway buffers
 * requests too: it needs the whole body for validation, authorizers and the 10 MB limit).
 */
export interface GatewayRequest {
  readonly requestId: string
  readonly method: string
  /** Path as received, with the stage prefix, without the query string; percent-encoding kept. */
  readonly rawPath: string
  /** Query string without `?`. */
  readonly rawQuery: string
  /** Header pairs in arrival order, names as sent. */
  readonly headers: readonly (readonly [string, string])[]
  readonly body: Buffer
  readonly sourceIp: string
  readonly protocol: string
  /** Epoch ms when the request arrived. */
  readonly receivedAt: number
}

export interface GatewayReply {
  status: number
  headers: [string, string][]
  body: Buffer
}

/** The last value of a header, by case-insensitive name (what a single-valued view keeps). */
export function headerOf(request: Pick<GatewayRequest, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  let found: string | undefined
  for (const [key, value] of request.headers) if (key.toLowerCase() === wanted) found = value
  return found
}

/** A header list's hop-by-hop names: the fixed ones and what its Connection lines name (RFC 9110 §7.6.1). */
export function hopByHopOfPairs(headers: readonly (readonly [string, string])[]): ReadonlySet<string> {
  const connection: string[] = []
  for (const [name, value] of headers) if (name.toLowerCase() === 'connection') connection.push(value)
  return hopByHopOf(connection)
}

/** Query parameters in order, decoded (`+` is a space, as form encoding has it). */
export function queryPairs(rawQuery: string): [string, string][] {
  return [...new URLSearchParams(rawQuery)]
}

export function jsonReply(status: number, body: unknown, headers: [string, string][] = []): GatewayReply {
  return { status, headers: [['content-type', 'application/json'], ...headers], body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) }
}


export class BodyTooLargeError extends Error {}

/** Reads a request body, refusing (without buffering further) once it passes `limit` bytes. */
export async function readRequestBody(message: IncomingMessage | FastRequest, limit: number): Promise<Buffer> {
  const declared = Number(message.headers['content-length'] ?? 0)
  if (declared > limit) throw new BodyTooLargeError(`the body is ${declared} bytes; the limit is ${limit}`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of message as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new BodyTooLargeError(`the body passed the ${limit}-byte limit`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

export function toGatewayRequest(message: IncomingMessage | FastRequest, body: Buffer, requestId: string, receivedAt: number): GatewayRequest {
  const target = message.url ?? '/'
  const query = target.indexOf('?')
  const headers: [string, string][] = []
  for (let i = 0; i < message.rawHeaders.length; i += 2) headers.push([message.rawHeaders[i]!, message.rawHeaders[i + 1]!])
  return {
    requestId,
    method: message.method ?? 'GET',
    rawPath: query === -1 ? target : target.slice(0, query),
    rawQuery: query === -1 ? '' : target.slice(query + 1),
    headers,
    body,
    sourceIp: (message.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    protocol: `HTTP/${message.httpVersion}`,
    receivedAt
  }
}

export function writeReply(response: ServerResponse | FastResponse, reply: GatewayReply, headOnly: boolean): number {
  const headers: string[] = []
  let length = String(reply.body.length)
  // What the integration's Connection header names stays on the integration's hop.
  const hopByHop = hopByHopOfPairs(reply.headers)
  for (const [name, value] of reply.headers) {
    const lower = name.toLowerCase()
    if (hopByHop.has(lower)) continue
    // The body decides its length; only a HEAD answer reports the length of the body it leaves out.
    if (lower === 'content-length') {
      if (headOnly) length = value
      continue
    }
    headers.push(name, value)
  }
  headers.push('content-length', length)
  response.writeHead(reply.status, headers)
  response.end(headOnly ? undefined : reply.body)
  return headOnly ? 0 : reply.body.length
}
