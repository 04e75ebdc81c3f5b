/**
 * Authorizer result caching (reference §1.3): TTL default 300 s, max 3,600 s, 0 turns caching off.
 * Keys: REST TOKEN → the token value; REST REQUEST and HTTP API → the identity source values. What is
 * cached is the authorizer's *output* (policy, context), so a cached policy is evaluated again for each
 * method ARN, as AWS does ("a cached policy applies to every method").
 *
 * Denials (Deny policies, `Unauthorized`) are cached; failures (errors, malformed output) are not, so
 * fixing a broken authorizer takes effect on the next request (yulin PR #805 does the same; AWS does not
 * document it). The size is bounded, least recently used first out; AWS documents no bound.
 */
import { LabError } from '../../../../common/errors/lab-error'
import type { Clock } from '../../../base/clock'

export const DEFAULT_AUTHORIZER_TTL_SECONDS = 300
export const MAX_AUTHORIZER_TTL_SECONDS = 3_600
export const DEFAULT_AUTHORIZER_CACHE_ENTRIES = 1_000

export interface AuthorizerCacheOptions {
  clock: Clock
  /** `authorizerResultTtlInSeconds`: integer 0–3,600, default 300; 0 = no caching. */
  ttlSeconds?: number
  /** Entries kept before the least recently used is dropped. */
  maxEntries?: number
}

export type CacheLookup<T> = { hit: true; value: T; expiresAt: number } | { hit: false }

/** A value and whether it came from the cache ("authorizer result from cache" in the request log). */
export interface CachedOutcome<T> {
  value: T
  fromCache: boolean
}

/** REST TOKEN authorizers: the token itself. */
export function tokenCacheKey(token: string): string {
  return `token:${token}`
}

/** REQUEST authorizers: every identity source value, in configured order (JSON keeps `a,b`+`c` ≠ `a`+`b,c`). */
export function identityCacheKey(values: readonly string[]): string {
  return `identity:${JSON.stringify(values)}`
}

export function checkAuthorizerTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0 || ttlSeconds > MAX_AUTHORIZER_TTL_SECONDS) {
    throw new LabError(
      'LAB_ERR_CONFIG_INVALID',
      `Authorizer result TTL must be a whole number of seconds from 0 to ${MAX_AUTHORIZER_TTL_SECONDS} (got ${ttlSeconds})`,
      { details: { ttlSeconds } }
    )
  }
}

export class AuthorizerCache<T> {
  readonly ttlMs: number
  readonly maxEntries: number
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, { value: T; expiresAt: number }>()

  constructor(private readonly options: AuthorizerCacheOptions) {
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_AUTHORIZER_TTL_SECONDS
    checkAuthorizerTtl(ttlSeconds)
    const maxEntries = options.maxEntries ?? DEFAULT_AUTHORIZER_CACHE_ENTRIES
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new LabError(
        'LAB_ERR_CONFIG_INVALID',
        `Authorizer cache size must be at least 1 (got ${maxEntries})`
      )
    }
    this.ttlMs = ttlSeconds * 1000
    this.maxEntries = maxEntries
  }

  /** False when the TTL is 0: nothing is stored and every lookup misses. */
  get enabled(): boolean {
    return this.ttlMs > 0
  }

  get size(): number {
    return this.entries.size
  }

  lookup(key: string): CacheLookup<T> {
    const entry = this.entries.get(key)
    if (!entry) return { hit: false }
    if (this.options.clock.now() >= entry.expiresAt) {
      this.entries.delete(key)
      return { hit: false }
    }
    this.entries.delete(key)
    this.entries.set(key, entry)
    return { hit: true, value: entry.value, expiresAt: entry.expiresAt }
  }

  store(key: string, value: T): void {
    if (!this.enabled) return
    this.entries.delete(key)
    this.entries.set(key, { value, expiresAt: this.options.clock.now() + this.ttlMs })
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string
      this.entries.delete(oldest)
    }
  }

  /**
   * The cached value for `key`, or `compute()`'s, stored when `cacheable` says so (results, denials)
   * and not otherwise (failures). A `compute` that throws stores nothing.
   */
  async resolve(
    key: string,
    compute: () => Promise<T>,
    cacheable: (value: T) => boolean = () => true
  ): Promise<CachedOutcome<T>> {
    const found = this.lookup(key)
    if (found.hit) return { value: found.value, fromCache: true }
    const value = await compute()
    if (cacheable(value)) this.store(key, value)
    return { value, fromCache: false }
  }

  clear(): void {
    this.entries.clear()
  }
}
