import { DELTA_SECONDS_MAX, parseCacheControl, parseDeltaSeconds, type CacheControl } from './cache-control'
import { CLOUDFRONT_ERROR_CACHING_MIN_TTL } from './cache-policies'
import {
  firstHeader,
  headerValues,
  parseHttpDate,
  type CachedRequest,
  type CachedResponse,
  type Freshness,
  type StoredResponse,
  type TtlPolicy
} from './cache-types'

/** The status codes RFC 9110 defines (§15): the ones whose caching rules this cache implements. */
const UNDERSTOOD_STATUSES: ReadonlySet<number> = new Set([
  200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405,
  406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 426, 500, 501, 502, 503, 504, 505
])

/** RFC 9110 §15.1: statuses a cache may store with heuristic freshness. */
export const HEURISTICALLY_CACHEABLE = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501
])
/** CloudFront caches these errors even without headers, for the error caching minimum TTL. */
export const CLOUDFRONT_ALWAYS_CACHED_ERRORS = new Set([404, 414, 500, 501, 502, 503, 504])
/** CloudFront caches these errors only when the origin sent max-age or s-maxage. */
export const CLOUDFRONT_EXPLICIT_ONLY_ERRORS = new Set([400, 403, 405, 412, 415])
/** RFC 9111 §4.2.2: "10% of the interval since [Last-Modified]". */
export const HEURISTIC_FRACTION = 0.1

const NOT_CACHEABLE: Freshness = { cacheable: false, lifetimeSec: 0, source: 'not-cacheable' }

/**
 * The freshness lifetime of a response (RFC 9111 §4.2.1) under CloudFront's TTL rules
 * (reference §1.2): s-maxage > max-age > Expires − Date, then clamped to [MinTTL, MaxTTL];
 * no explicit lifetime → DefaultTTL (or the §4.2.2 heuristic when `heuristicMaxSec` is set);
 * no-store / private → not cached with MinTTL 0, cached for MinTTL otherwise; no-cache with
 * MinTTL 0 → stored with lifetime 0, so every use is validated first (§5.2.2.4).
 * `nowMs` stands in for a missing Date (RFC 9110 §6.6.1: the recipient's receipt time).
 */
export function freshnessLifetime(
  response: CachedResponse,
  policy: TtlPolicy,
  nowMs: number
): Freshness {
  if (policy.maxTtl <= 0) return NOT_CACHEABLE
  if (response.status < 200 || response.status === 304) return NOT_CACHEABLE
  const clamp = (seconds: number): number =>
    Math.max(0, Math.min(Math.max(seconds, policy.minTtl), policy.maxTtl))
  const cc = parseCacheControl(headerValues(response.headers, 'cache-control'))
  if (cc.mustUnderstand) {
    // §5.2.2.3: a status code the cache does not implement is never stored; for one it does,
    // must-understand overrides no-store (sent beside it for caches that predate the directive).
    if (!UNDERSTOOD_STATUSES.has(response.status)) return NOT_CACHEABLE
  }
  const noStore = cc.noStore && !cc.mustUnderstand

  if (noStore || cc.noCache || cc.private) {
    // CloudFront's documented override: a MinTTL above zero caches even these.
    if (policy.minTtl > 0)
      return { cacheable: true, lifetimeSec: clamp(policy.minTtl), source: 'min-ttl-override' }
    // §5.2.2.4: no-cache may be stored, but only to be validated before every use.
    if (cc.noCache && !noStore && !cc.private)
      return { cacheable: true, lifetimeSec: 0, source: 'no-cache' }
    return NOT_CACHEABLE
  }

  const explicit = explicitLifetime(response, cc, nowMs)
  const configuredErrorTtl = policy.errorCachingMinTtlByStatus?.[response.status]
  if (configuredErrorTtl !== undefined) {
    // A custom error response's TTL; a longer lifetime from the origin wins (reference §1.8).
    const seconds = Math.max(configuredErrorTtl, explicit?.seconds ?? 0)
    if (seconds <= 0) return NOT_CACHEABLE
    return {
      cacheable: true,
      lifetimeSec: Math.min(seconds, policy.maxTtl),
      source: 'error-caching'
    }
  }
  if (CLOUDFRONT_EXPLICIT_ONLY_ERRORS.has(response.status)) {
    if (explicit === undefined || explicit.source === 'expires') return NOT_CACHEABLE
  }
  if (explicit)
    return { cacheable: true, lifetimeSec: clamp(explicit.seconds), source: explicit.source }

  if (CLOUDFRONT_ALWAYS_CACHED_ERRORS.has(response.status)) {
    const ttl = policy.errorCachingMinTtl ?? CLOUDFRONT_ERROR_CACHING_MIN_TTL
    return { cacheable: true, lifetimeSec: Math.max(0, ttl), source: 'error-caching' }
  }
  // RFC 9111 §3: other statuses need explicit freshness or `public`.
  if (!HEURISTICALLY_CACHEABLE.has(response.status) && !cc.public) return NOT_CACHEABLE

  if (policy.heuristicMaxSec !== undefined) {
    const heuristic = heuristicLifetime(response, nowMs)
    if (heuristic !== undefined) {
      const seconds = Math.min(heuristic, policy.heuristicMaxSec)
      return { cacheable: true, lifetimeSec: clamp(seconds), source: 'heuristic' }
    }
  }
  return { cacheable: true, lifetimeSec: clamp(policy.defaultTtl), source: 'default-ttl' }
}

/** RFC 9111 §4.2.1 in order: s-maxage (shared cache), max-age, Expires − Date. */
export function explicitLifetime(
  response: CachedResponse,
  cc: CacheControl,
  nowMs: number
): { seconds: number; source: 's-maxage' | 'max-age' | 'expires' } | undefined {
  if (cc.sMaxAge !== undefined) return { seconds: cc.sMaxAge, source: 's-maxage' }
  if (cc.maxAge !== undefined) return { seconds: cc.maxAge, source: 'max-age' }
  // §4.2.1: responses with invalid freshness information are best treated as stale.
  if (cc.invalid.includes('s-maxage')) return { seconds: 0, source: 's-maxage' }
  if (cc.invalid.includes('max-age')) return { seconds: 0, source: 'max-age' }
  const expiresHeader = firstHeader(response.headers, 'expires')
  if (expiresHeader === undefined) return undefined
  // §5.3: an invalid Expires (e.g. "0") means "already expired".
  const expires = parseHttpDate(expiresHeader)
  if (expires === undefined) return { seconds: 0, source: 'expires' }
  const date = dateValue(response, nowMs)
  return { seconds: Math.max(0, Math.floor((expires - date) / 1000)), source: 'expires' }
}

/** §4.2.2: 10% of Date − Last-Modified in seconds, or undefined without a usable Last-Modified. */
export function heuristicLifetime(response: CachedResponse, nowMs: number): number | undefined {
  const lastModified = parseHttpDate(firstHeader(response.headers, 'last-modified'))
  if (lastModified === undefined) return undefined
  const interval = dateValue(response, nowMs) - lastModified
  return Math.max(0, Math.floor((interval / 1000) * HEURISTIC_FRACTION))
}

/**
 * The Age a response arrived with (RFC 9111 §5.1: one delta-seconds). Anything else (a list, two
 * field lines, a sign, a fraction, a parameter) says the response's age is unknown, and a cache
 * that cannot tell how old a response is treats it as stale rather than guess (the behaviour the
 * cache-tests.fyi suite asks for).
 */
export function receivedAge(headers: CachedResponse['headers']): number {
  const lines = headerValues(headers, 'age')
  if (lines.length === 0) return 0
  return (lines.length === 1 ? parseDeltaSeconds(lines[0]!) : undefined) ?? DELTA_SECONDS_MAX
}

/**
 * corrected_initial_age per response, computed once: it depends only on what arrived (Age, Date and
 * the request and response times), and responses are replaced, never changed, once stored. Every
 * cache hit asks for the age; parsing Date on each would be most of a hit's work.
 */
const initialAges = new WeakMap<CachedResponse, number>()

function correctedInitialAge(stored: CachedResponse): number {
  let age = initialAges.get(stored)
  if (age === undefined) {
    const ageValue = receivedAge(stored.headers)
    const dateMs = parseHttpDate(firstHeader(stored.headers, 'date')) ?? stored.responseTime
    const apparentAge = Math.max(0, stored.responseTime - dateMs) / 1000
    const responseDelay = Math.max(0, stored.responseTime - stored.requestTime) / 1000
    age = Math.max(apparentAge, ageValue + responseDelay)
    initialAges.set(stored, age)
  }
  return age
}

/** RFC 9111 §4.2.3 current_age in seconds (fractional; floor it for an Age header). */
export function currentAge(stored: CachedResponse, nowMs: number): number {
  const residentTime = Math.max(0, nowMs - stored.responseTime) / 1000
  return correctedInitialAge(stored) + residentTime
}

/** §4.2: fresh while current_age < freshness_lifetime. */
export function isFresh(stored: StoredResponse, nowMs: number): boolean {
  return currentAge(stored, nowMs) < stored.lifetimeSec
}

export interface StaleOptions {
  /** CloudFront ignores viewer Cache-Control; set to honour request max-stale / stale-if-error. */
  honorRequestDirectives?: boolean
}

/**
 * Whether a stale stored response may be served (RFC 9111 §4.2.4, RFC 5861):
 * `revalidating` — within the response's stale-while-revalidate window;
 * `error` — within stale-if-error, or, without that directive, always (CloudFront serves an
 * expired object when the origin fails; `stale-if-error=0` turns that off).
 * must-revalidate / proxy-revalidate forbid both.
 */
export function canServeStale(
  stored: StoredResponse,
  request: CachedRequest,
  nowMs: number,
  reason: 'revalidating' | 'error',
  options: StaleOptions = {}
): boolean {
  const staleness = currentAge(stored, nowMs) - stored.lifetimeSec
  if (staleness < 0) return true
  const cc = parseCacheControl(headerValues(stored.headers, 'cache-control'))
  // §5.2.2.2 / §5.2.2.8 / §5.2.2.4: never served stale, not even when the origin fails.
  if (cc.mustRevalidate || cc.proxyRevalidate || cc.noCache) return false
  if (options.honorRequestDirectives) {
    const req = parseCacheControl(headerValues(request.headers, 'cache-control'))
    if (req.maxStale !== undefined && staleness <= req.maxStale) return true
    if (reason === 'error' && req.staleIfError !== undefined && staleness <= req.staleIfError)
      return true
  }
  if (reason === 'revalidating') {
    return cc.staleWhileRevalidate !== undefined && staleness <= cc.staleWhileRevalidate
  }
  return cc.staleIfError === undefined || staleness <= cc.staleIfError
}

function dateValue(response: CachedResponse, nowMs: number): number {
  const date = parseHttpDate(firstHeader(response.headers, 'date'))
  if (date !== undefined) return date
  return Number.isFinite(response.responseTime) ? response.responseTime : nowMs
}
