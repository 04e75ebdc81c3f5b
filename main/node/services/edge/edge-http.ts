import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastRequest, FastResponse } from '../../net/http1/fast-response'
import { hopByHopHeaders, hopByHopOf } from '../../net/http-headers'

/** What the edge never stores or copies between viewer and origin: the hop-by-hop headers, and Host. */
export const hopByHop: ReadonlySet<string> = new Set([...hopByHopHeaders, 'host'])

/** The edge's hop-by-hop list for one message: the fixed list, Host, and what its Connection header names. */
export function hopByHopIn(headers: Record<string, string | string[] | undefined>): ReadonlySet<string> {
  return hopByHopOf(headers['connection'], hopByHop)
}

export function forwardable(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  const skip = hopByHopIn(headers)
  for (const [name, value] of Object.entries(headers)) if (!skip.has(name) && name !== 'content-length') out[name] = value
  return out
}

/** A viewer's request: from node:http (bodies, TLS, HTTP/2) or from the fast HTTP/1.1 path. */
export type ViewerRequest = IncomingMessage | FastRequest

/** The answer to a ViewerRequest. */
export type ViewerResponse = ServerResponse | FastResponse

export async function readBody(request: ViewerRequest): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}
