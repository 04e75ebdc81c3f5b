import { hopByHopOf } from '../../../net/http-headers'
import { parseCacheControl, parseDeltaSeconds } from './cache-control'
import {
  firstHeader,
  headerValue,
  headerValues,
  type CachedRequest,
  type CachedResponse,
  type CacheKeyPolicy,
  type Freshness,
  type HeaderMap,
  type TtlPolicy
} from './cache-types'
import { freshnessLifetime } from './freshness'
import { varyHeaderNames } from './vary'

export type NotStorableReason =
  | 'method'
  | 'status'
  | 'partial-content'
  | 'no-store'
  | 'private'
  | 'authorization'
  | 'not-cacheable'
  | 'zero-ttl-without-validator'
  | 'truncated'
  | 'vary-star'

export type StorableDecision =
  { storable: true; freshness: Freshness } | { storable: false; reason: NotStorableReason }

export interface StorableOptions {
  /** The behaviour caches OPTIONS (CloudFront's "cached methods: GET, HEAD, OPTIONS"). */
  cacheOptions?: boolean
  /** Defaults to the response's receipt time. */
  nowMs?: number
}

/**
 * RFC 9111 §3 storage decision for a shared cache, with CloudFront's TTL rules deciding what
 * "explicitly cacheable" means (see `freshnessLifetime`) and its refusal to keep truncated bodies.
 * HEAD responses are not stored (they carry no body to serve a later GET); 206 is left to range
 * support, which this core does not have.
 */
export function checkStorable(
  request: CachedRequest,
  response: CachedResponse,
  policy: TtlPolicy & { key?: CacheKeyPolicy },
  options: StorableOptions = {}
): StorableDecision {
  const method = request.method.toUpperCase()
  if (method !== 'GET' && !(method === 'OPTIONS' && options.cacheOptions)) {
    return { storable: false, reason: 'method' }
  }
  if (response.status < 200 || response.status === 304) return { storable: false, reason: 'status' }
  if (response.status === 206) return { storable: false, reason: 'partial-content' }

  const cc = parseCacheControl(headerValues(response.headers, 'cache-control'))
  const freshness = freshnessLifetime(response, policy, options.nowMs ?? response.responseTime)
  if (!freshness.cacheable) {
    if (cc.noStore) return { storable: false, reason: 'no-store' }
    if (cc.private) return { storable: false, reason: 'private' }
    return { storable: false, reason: 'not-cacheable' }
  }

  // §3.5: a shared cache keeps authenticated responses only when the origin allows it. A policy
  // that keys on Authorization (e.g. Amplify) separates users itself, as CloudFront relies on.
  const keyedOnAuth = policy.key?.headers.some((h) => h.toLowerCase() === 'authorization') ?? false
  if (headerValue(request.headers, 'authorization') !== undefined && !keyedOnAuth) {
    if (!cc.mustRevalidate && !cc.public && cc.sMaxAge === undefined) {
      return { storable: false, reason: 'authorization' }
    }
  }

  if (varyHeaderNames(response.headers) === '*') return { storable: false, reason: 'vary-star' }

  // CloudFront §1.4: a body shorter or longer than Content-Length is not cached.
  const declared = parseDeltaSeconds(firstHeader(response.headers, 'content-length') ?? '')
  if (declared !== undefined && response.status !== 204 && declared !== response.body.byteLength) {
    return { storable: false, reason: 'truncated' }
  }

  if (freshness.lifetimeSec === 0 && !hasValidator(response.headers) && !allowsStale(cc)) {
    return { storable: false, reason: 'zero-ttl-without-validator' }
  }
  return { storable: true, freshness }
}

/** Boolean form of `checkStorable`. */
export function isStorable(
  request: CachedRequest,
  response: CachedResponse,
  policy: TtlPolicy & { key?: CacheKeyPolicy },
  options: StorableOptions = {}
): boolean {
  return checkStorable(request, response, policy, options).storable
}

/** Credentials for the proxy itself, never stored (RFC 9111 §3.1). */
const proxyAuthHeaders = ['proxy-authenticate', 'proxy-authentication-info', 'proxy-authorization']

/** RFC 9111 §3.1: fields a cache must not keep, plus §5.2.2.4/§5.2.2.7 qualified no-cache/private. */
export function headersForStorage(headers: HeaderMap): HeaderMap {
  const drop = new Set([...hopByHopOf(headerValues(headers, 'connection')), ...proxyAuthHeaders])
  const cc = parseCacheControl(headerValues(headers, 'cache-control'))
  for (const name of [...(cc.noCacheFields ?? []), ...(cc.privateFields ?? [])]) drop.add(name)
  const out: HeaderMap = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!drop.has(name.toLowerCase())) out[name] = value
  }
  return out
}

export function hasValidator(headers: HeaderMap): boolean {
  return (
    firstHeader(headers, 'etag') !== undefined ||
    firstHeader(headers, 'last-modified') !== undefined
  )
}

function allowsStale(cc: ReturnType<typeof parseCacheControl>): boolean {
  if (cc.noCache || cc.mustRevalidate || cc.proxyRevalidate) return false
  return (cc.staleWhileRevalidate ?? 0) > 0 || (cc.staleIfError ?? 0) > 0
}
