import { parseCacheControl, type CacheControl } from './cache-control'
import { headerValues, type CachedRequest, type StoredResponse } from './cache-types'
import { currentAge } from './freshness'

/**
 * Whether a stored response may answer a request under the request's own Cache-Control
 * (RFC 9111 §5.2.1). CloudFront ignores these (reference §1.2), so the edge asks only when the
 * distribution opts in with `viewerCacheControl: honor`.
 * `use` — serve it (fresh, or stale within max-stale); `validate` — ask the origin first.
 */
export type RequestVerdict = { use: true; stale: boolean } | { use: false; why: string }

export function requestCacheControl(request: CachedRequest): CacheControl {
  return parseCacheControl(headerValues(request.headers, 'cache-control'))
}

export function satisfiesRequest(
  stored: StoredResponse,
  request: CachedRequest,
  nowMs: number
): RequestVerdict {
  const cc = requestCacheControl(request)
  if (cc.noCache) return { use: false, why: 'the viewer sent no-cache' }
  const age = currentAge(stored, nowMs)
  if (cc.maxAge !== undefined && age > cc.maxAge)
    return { use: false, why: `age ${Math.floor(age)} s is over the viewer's max-age=${cc.maxAge}` }
  const left = stored.lifetimeSec - age
  if (left > 0) {
    if (cc.minFresh !== undefined && left < cc.minFresh)
      return {
        use: false,
        why: `fresh for ${Math.floor(left)} s, under the viewer's min-fresh=${cc.minFresh}`
      }
    return { use: true, stale: false }
  }
  const response = parseCacheControl(headerValues(stored.headers, 'cache-control'))
  const strict = response.mustRevalidate || response.proxyRevalidate || response.noCache
  if (!strict && cc.maxStale !== undefined && -left <= cc.maxStale)
    return { use: true, stale: true }
  return { use: false, why: 'stale' }
}
