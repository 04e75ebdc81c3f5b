import { keyAcceptEncoding, normalisesAcceptEncoding } from './cache-key'
import {
  headerValues,
  type CachedRequest,
  type CacheKeyPolicy,
  type HeaderMap
} from './cache-types'

/** Lower-cased, de-duplicated field names of Vary (RFC 9110 §12.5.5), or `*`. */
export function varyHeaderNames(headers: HeaderMap): string[] | '*' {
  const names = new Set<string>()
  for (const value of headerValues(headers, 'vary')) {
    for (const part of value.split(',')) {
      const name = part.trim().toLowerCase()
      if (name === '*') return '*'
      if (name !== '') names.add(name)
    }
  }
  return [...names].sort()
}

/** Request headers that reach the origin: by name, or all of the viewer's except some (origin request policies). */
export type ForwardedHeaders = readonly string[] | { allExcept: readonly string[] }

/** Whether a header (lower-case) reaches the origin. */
export function forwardsHeader(forwarded: ForwardedHeaders, name: string): boolean {
  if (Array.isArray(forwarded)) return forwarded.some((h) => h.toLowerCase() === name)
  return !(forwarded as { allExcept: readonly string[] }).allExcept.some((h) => h.toLowerCase() === name)
}

/**
 * CloudFront keeps only Vary names it can honour (reference §1.4): Accept-Encoding, Cookie, headers
 * it forwards (all of them under an all-viewer origin request policy), and User-Agent when it
 * forwards User-Agent or device-type headers.
 */
export function cloudFrontVary(names: readonly string[], forwarded: ForwardedHeaders): string[] {
  const deviceHeaders = Array.isArray(forwarded) && forwarded.some((h) => /^cloudfront-is-.*-viewer$/i.test(h))
  return names.filter(
    (name) =>
      name === 'accept-encoding' ||
      name === 'cookie' ||
      forwardsHeader(forwarded, name) ||
      (name === 'user-agent' && deviceHeaders)
  )
}

/**
 * A field value normalised for §4.1 matching: field lines combined (RFC 9110 §5.3) and whitespace
 * around list commas and at the ends trimmed. Undefined when the field is absent.
 */
export function normaliseFieldValue(values: readonly string[]): string | undefined {
  if (values.length === 0) return undefined
  return values
    .join(',')
    .split(',')
    .map((v) => v.trim())
    .join(',')
}

/**
 * The secondary key of a request for a stored response's Vary names (RFC 9111 §4.1). With a key
 * policy that normalises Accept-Encoding, that value is used, so variants follow what the origin
 * was actually sent.
 */
export function secondaryKey(
  request: CachedRequest,
  names: readonly string[],
  policy?: CacheKeyPolicy
): string {
  // Most responses vary on nothing: every request matches them, with no key to build.
  if (names.length === 0) return '[]'
  const parts = names.map((name): [string, string | null] => {
    if (name === 'accept-encoding' && policy && normalisesAcceptEncoding(policy)) {
      return [name, keyAcceptEncoding(request, policy) ?? null]
    }
    return [name, normaliseFieldValue(headerValues(request.headers, name)) ?? null]
  })
  return JSON.stringify(parts)
}

/** §4.1: whether a request matches a stored variant. `Vary: *` never matches. */
export function varyMatches(
  storedNames: readonly string[] | '*',
  storedSecondaryKey: string,
  request: CachedRequest,
  policy?: CacheKeyPolicy
): boolean {
  if (storedNames === '*') return false
  return secondaryKey(request, storedNames, policy) === storedSecondaryKey
}
