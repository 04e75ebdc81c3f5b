import type { IncomingMessage } from 'node:http'
import { LabError } from '../../../common/errors/lab-error'

/** The largest request body the origin reads; bigger ones get 413. */
export const maxBodyBytes = 1024 * 1024

/** What the echo answers: the request as the origin saw it. */
export interface EchoReply {
  service: string
  method: string
  path: string
  query: Record<string, string | string[]>
  headers: IncomingMessage['headers']
  body: string
  clientAddress: string
  clientPort: number
}

/** Query parameters, with repeated keys as arrays (`?a=1&a=2` → `{ a: ['1', '2'] }`). */
export function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [key, value] of params) {
    const existing = out[key]
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return out
}

/** Reads the body up to `limit` bytes; over it, throws LAB_ERR_REQUEST_FAILED with `details.status` 413. */
export async function readBody(request: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0)
  if (declared > limit) throw tooLarge(limit)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw tooLarge(limit)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

function tooLarge(limit: number): LabError {
  return new LabError('LAB_ERR_REQUEST_FAILED', `request body over ${limit} bytes`, { details: { status: 413 } })
}
