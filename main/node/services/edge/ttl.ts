import type { CachePolicy } from '../../../common/services/edge/edge-config'
import { parseCacheControl } from './cache-control'

/** How long the edge keeps a response, and why (for the Traffic view). */
export interface TtlDecision {
  ttl: number
  /** False when the response is not stored at all. */
  store: boolean
  why: string
}

/**
 * CloudFront's TTL rules ("Managing how long content stays in the cache"): with MinTTL 0, no-cache,
 * no-store and private are respected (not cached); s-maxage, then max-age, then Expires − Date are
 * clamped to MaxTTL; no header gives DefaultTTL. With MinTTL > 0, header values are clamped to
 * [MinTTL, MaxTTL] and even no-cache/no-store/private responses are kept for MinTTL.
 */
export function decideTtl(headers: Record<string, string | string[] | undefined>, policy: CachePolicy, now: number): TtlDecision {
  const { minTtl, maxTtl } = policy
  const defaultTtl = Math.min(Math.max(policy.defaultTtl, minTtl), Math.max(maxTtl, minTtl))
  const cc = parseCacheControl(headers['cache-control'])
  const refusing = cc.noStore ? 'no-store' : cc.noCache ? 'no-cache' : cc.private ? 'private' : undefined
  if (refusing) {
    if (minTtl === 0) return { ttl: 0, store: false, why: `origin sent ${refusing}, and MinTTL is 0: not cached` }
    return { ttl: minTtl, store: true, why: `origin sent ${refusing}, but MinTTL ${minTtl} > 0 keeps it ${minTtl} s (CloudFront's rule)` }
  }
  let fromOrigin: number | undefined
  let source = ''
  if (cc.sMaxAge !== undefined) [fromOrigin, source] = [cc.sMaxAge, `s-maxage=${cc.sMaxAge}`]
  else if (cc.maxAge !== undefined) [fromOrigin, source] = [cc.maxAge, `max-age=${cc.maxAge}`]
  else if (headers['expires'] !== undefined) {
    const expires = Date.parse(String(headers['expires']))
    const date = headers['date'] !== undefined ? Date.parse(String(headers['date'])) : now
    // An invalid Expires (e.g. "0") means already expired (RFC 9111 §5.3).
    fromOrigin = Number.isNaN(expires) ? 0 : Math.max(0, Math.round((expires - (Number.isNaN(date) ? now : date)) / 1000))
    source = `Expires in ${fromOrigin} s`
  }
  if (fromOrigin === undefined) {
    const ttl = defaultTtl
    return { ttl, store: ttl > 0, why: ttl > 0 ? `no Cache-Control or Expires: DefaultTTL ${ttl} s` : 'no Cache-Control or Expires, and DefaultTTL is 0: not cached' }
  }
  const ttl = Math.min(Math.max(fromOrigin, minTtl), maxTtl)
  const clamp = ttl !== fromOrigin ? ` (clamped to [${minTtl}, ${maxTtl}])` : ''
  return { ttl, store: ttl > 0, why: ttl > 0 ? `${source}: ${ttl} s${clamp}` : `${source}: not cached` }
}
