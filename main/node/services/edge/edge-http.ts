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

/** Parsed request targets by their text: a cache sees the same few URLs over and over. */
const parsedUrls = new Map<string, URL>()

/**
 * A request target as a URL (never changed afterwards by the edge: a function's rewrite makes a new
 * one). Parsing costs more than the rest of a hit's lookup, so the last thousand are kept.
 */
export function viewerUrl(target: string): URL {
  let url = parsedUrls.get(target)
  if (url === undefined) {
    url = new URL(target, 'http://edge.invalid')
    if (parsedUrls.size >= 1000) parsedUrls.clear()
    parsedUrls.set(target, url)
  }
  return url
}

export async function readBody(request: ViewerRequest): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}
