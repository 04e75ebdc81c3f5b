import type { Query } from './message'

/** A response that any client asking the same question would get, encoded once. */
export interface CachedResponse {
  bytes: Uint8Array
  truncated: boolean
  rcode: number
  rcodeName: string
  explanation: string
  /** The zone that answered, for the query log. */
  zone?: string
}

/** Enough for a lab's zones many times over; past it the cache starts again (no LRU bookkeeping). */
const maxEntries = 20_000

/**
 * Encoded answers by question (name bytes exactly, so the query's case is kept), transport limit and
 * EDNS. Only answers marked cacheable go in: no routing policy, alias or private zone involved. A hit
 * costs a copy and two patched header bytes instead of a lookup and an encoding.
 */
export class ResponseCache {
  private entries = new Map<string, CachedResponse>()

  key(query: Query, limit: number): string | undefined {
    const question = query.question
    // ECS answers carry the client's subnet back: not worth a cache entry per subnet.
    if (!question || query.problem || query.edns?.clientSubnet) return undefined
    let key = `${limit}|${query.edns ? `${query.edns.udpSize}/${query.edns.version}/${query.edns.dnssecOk ? 1 : 0}` : '-'}|${question.type}|${question.class}|`
    for (const label of question.labels) key += `${String.fromCharCode.apply(null, label as unknown as number[])}\u0000`
    return key
  }

  get(key: string, query: Query): CachedResponse | undefined {
    const hit = this.entries.get(key)
    if (!hit) return undefined
    const bytes = hit.bytes.slice()
    bytes[0] = query.id >> 8
    bytes[1] = query.id & 0xff
    // RD and CD are copied from each query (RFC 1035 §4.1.1, RFC 4035 §3.1.6).
    bytes[2] = (bytes[2]! & ~0x01) | (query.recursionDesired ? 0x01 : 0)
    bytes[3] = (bytes[3]! & ~0x10) | (query.checkingDisabled ? 0x10 : 0)
    return { ...hit, bytes }
  }

  set(key: string, response: CachedResponse): void {
    if (this.entries.size >= maxEntries) this.entries = new Map()
    this.entries.set(key, response)
  }

  clear(): void {
    this.entries = new Map()
  }
}
