import type { Clock } from '../../base/clock'
import type { GatewayReply, GatewayRequest } from './gateway-exchange'
import { headerOf } from './gateway-exchange'

/** AWS caches no response larger than this. */
export const maxItemBytes = 1_048_576

interface Entry {
  reply: GatewayReply
  expiresAt: number
  bytes: number
}

/**
 * A REST stage's cache (DG api-gateway-caching): GET answers, keyed by method, resource and the cache
 * key parameters, kept for the TTL in a byte-bounded LRU. `Cache-Control: max-age=0` from a client
 * fetches afresh and replaces the entry.
 */
export class StageCache {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0

  constructor(
    private readonly capacityBytes: number,
    private readonly clock: Clock
  ) {}

  /** The key: method, resource template and each key parameter's value. */
  static key(method: string, resourcePath: string, parameters: readonly string[], request: GatewayRequest, pathParameters: Record<string, string>): string {
    const query = new URLSearchParams(request.rawQuery)
    const values = parameters.map((parameter) => {
      const [, where, name] = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(parameter) ?? []
      const value = where === 'header' ? headerOf(request, name!) : where === 'querystring' ? query.getAll(name!).join(',') : pathParameters[name!]
      return `${parameter}=${value ?? ''}`
    })
    return JSON.stringify([method, resourcePath, ...values])
  }

  get(key: string, request: GatewayRequest): { reply: GatewayReply; ageSeconds: number; ttlLeft: number } | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    const now = this.clock.now()
    if (entry.expiresAt <= now || /(^|,)\s*max-age=0\b/.test(headerOf(request, 'cache-control') ?? '')) {
      this.delete(key)
      return undefined
    }
    this.entries.delete(key)
    this.entries.set(key, entry)
    return { reply: { ...entry.reply, headers: [...entry.reply.headers] }, ageSeconds: 0, ttlLeft: Math.round((entry.expiresAt - now) / 1000) }
  }

  /** Stores a 2xx answer; says why when it does not. */
  set(key: string, reply: GatewayReply, ttlSeconds: number): string {
    if (reply.status < 200 || reply.status >= 300) return `status ${reply.status} is not cached`
    if (reply.body.length > maxItemBytes) return `${reply.body.length} bytes is over the 1 MB item limit: not cached`
    this.delete(key)
    const bytes = reply.body.length + reply.headers.reduce((sum, [n, v]) => sum + n.length + v.length, 0)
    this.entries.set(key, { reply: { ...reply, headers: [...reply.headers] }, expiresAt: this.clock.now() + ttlSeconds * 1000, bytes })
    this.bytes += bytes
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.capacityBytes) break
      this.delete(oldest)
    }
    return `cached for ${ttlSeconds} s`
  }

  flush(): number {
    const count = this.entries.size
    this.entries.clear()
    this.bytes = 0
    return count
  }

  private delete(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    this.bytes -= entry.bytes
    this.entries.delete(key)
  }
}
