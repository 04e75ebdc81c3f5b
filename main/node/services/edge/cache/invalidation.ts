import { firstHeader, type CachedRequest, type CachedResponse } from './cache-types'

/** RFC 9110 §9.2.1: the safe methods. Every other method, known or not, is treated as unsafe. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase())
}

/**
 * RFC 9111 §4.4: the request targets (path plus query) a cache invalidates after a response to an
 * unsafe method. Only non-error statuses (below 400) invalidate. The target URI always goes;
 * Location and Content-Location go too when they resolve to the same origin — a response must not
 * be able to evict another site's objects.
 */
export function unsafeInvalidationTargets(
  request: CachedRequest,
  response: CachedResponse,
  host: string
): string[] {
  if (!isUnsafeMethod(request.method) || response.status >= 400) return []
  const base = new URL(request.url, `http://${host || 'edge.invalid'}`)
  const targets = new Set([`${base.pathname}${base.search}`])
  for (const field of ['location', 'content-location']) {
    const value = firstHeader(response.headers, field)
    if (value === undefined) continue
    let resolved: URL
    try {
      resolved = new URL(value.trim(), base)
    } catch {
      continue
    }
    if (resolved.origin === base.origin) targets.add(`${resolved.pathname}${resolved.search}`)
  }
  return [...targets]
}
