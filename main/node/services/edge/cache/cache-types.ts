/**
 * Shapes the edge cache core works on. Kept local and socket-free so the cache can be tested with
 * plain objects and a fake clock; the edge service maps Node's IncomingMessage onto these.
 */

/** Header fields by name. Names may arrive in any case; lookups go through `headerValues`. */
export type HeaderMap = Record<string, string | string[]>

/** A viewer (or origin-bound) request as the cache sees it. */
export interface CachedRequest {
  method: string
  /** Path plus optional query, e.g. `/img/a.png?w=10`. */
  url: string
  headers: HeaderMap
  /** Parsed cookies; when absent they are read from the `Cookie` header. */
  cookies?: Record<string, string>
}

/** An origin response plus the two instants RFC 9111 §4.2.3 needs for age calculation. */
export interface CachedResponse {
  status: number
  headers: HeaderMap
  body: Uint8Array
  /** Epoch ms when the request that produced this response was sent (`request_time`). */
  requestTime: number
  /** Epoch ms when the response was received (`response_time`). */
  responseTime: number
}

/** Where a stored response's freshness lifetime came from (for logs and tests). */
export type FreshnessSource =
  | 's-maxage'
  | 'max-age'
  | 'expires'
  | 'heuristic'
  | 'default-ttl'
  | 'min-ttl-override'
  | 'error-caching'
  | 'no-cache'
  | 'not-cacheable'

/** Result of `freshnessLifetime`: seconds, never negative. */
export interface Freshness {
  /** False when the response must not be stored at all (e.g. `no-store` with MinTTL 0). */
  cacheable: boolean
  lifetimeSec: number
  source: FreshnessSource
}

/** A response as kept in the store: the response plus its lifetime, computed once at store time. */
export interface StoredResponse extends CachedResponse {
  lifetimeSec: number
  source: FreshnessSource
}

/** CloudFront's TTL settings of a cache policy, in seconds. */
export interface TtlPolicy {
  minTtl: number
  defaultTtl: number
  maxTtl: number
  /** Error caching minimum TTL of the behaviour (CloudFront default 10 s). */
  errorCachingMinTtl?: number
  /**
   * Error caching minimum TTL per status from the distribution's custom error responses. A listed
   * status is cached like CloudFront's always-cached errors, for this many seconds (0: not cached),
   * or for the origin's lifetime when that is longer.
   */
  errorCachingMinTtlByStatus?: Readonly<Record<number, number>>
  /**
   * Not CloudFront: when set, responses without explicit freshness but with Last-Modified get the
   * RFC 9111 §4.2.2 heuristic (10% of Date − Last-Modified, capped at this many seconds) instead of
   * DefaultTTL. Lets a lab compare the cache against plain RFC behaviour.
   */
  heuristicMaxSec?: number
}

/** `none` / `all` / `whitelist` / `allExcept`, as in a CloudFront cache policy. */
export type NameSetting =
  | { behavior: 'none' }
  | { behavior: 'all' }
  | { behavior: 'whitelist'; names: readonly string[] }
  | { behavior: 'allExcept'; names: readonly string[] }

/** The cache-key half of a CloudFront cache policy. */
export interface CacheKeyPolicy {
  /** Header names (case-insensitive) whose full values enter the key. */
  headers: readonly string[]
  cookies: NameSetting
  queryStrings: NameSetting
  enableAcceptEncodingGzip: boolean
  enableAcceptEncodingBrotli: boolean
}

/** A complete cache policy: TTLs plus cache key. */
export interface CachePolicy extends TtlPolicy {
  name: string
  /** The managed policy ID, when this is one of AWS's managed policies. */
  id?: string
  key: CacheKeyPolicy
}

/** All values of a header, whatever case its name was stored in. */
export function headerValues(headers: HeaderMap, name: string): string[] {
  const wanted = name.toLowerCase()
  const out: string[] = []
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue
    if (Array.isArray(value)) out.push(...value)
    else out.push(value)
  }
  return out
}

/** A header's field lines combined with `, ` (RFC 9110 §5.3), or undefined when absent. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const values = headerValues(headers, name)
  return values.length === 0 ? undefined : values.join(', ')
}

/** The first field line of a header (for singleton fields such as Date or ETag). */
export function firstHeader(headers: HeaderMap, name: string): string | undefined {
  return headerValues(headers, name)[0]
}

/** An HTTP-date (RFC 9110 §5.6.7) as epoch ms, or undefined when it does not parse. */
export function parseHttpDate(value: string | undefined): number | undefined {
  // Date.parse accepts bare numbers ("0" is year 2000); an HTTP-date always names a month or day.
  if (value === undefined || !/[a-z]/i.test(value)) return undefined
  const ms = Date.parse(value.trim())
  return Number.isNaN(ms) ? undefined : ms
}
