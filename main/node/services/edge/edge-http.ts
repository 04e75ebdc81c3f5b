import type { IncomingMessage } from 'node:http'
import { hopByHopHeaders } from '../../net/http-headers'

/** What the edge never stores or copies between viewer and origin: the hop-by-hop headers, and Host. */
export const hopByHop: ReadonlySet<string> = new Set([...hopByHopHeaders, 'host'])

export function forwardable(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) if (!hopByHop.has(name) && name !== 'content-length') out[name] = value
  return out
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}
