import { parseCacheControl } from './cache/cache-control'
import { headerValues, type HeaderMap, type StoredResponse } from './cache/cache-types'
import type { NotStorableReason } from './cache/storable'

/** Why a stored response lives as long as it does, for the request log. */
const lifetimeWhys = new WeakMap<object, string>()

/** Which rule gave a stored response its lifetime, in words; computed once per stored response, which never changes. */
export function lifetimeWhy(stored: Pick<StoredResponse, 'lifetimeSec' | 'source' | 'headers' | 'status'>): string {
  let why = lifetimeWhys.get(stored)
  if (why === undefined) lifetimeWhys.set(stored, (why = describeLifetime(stored)))
  return why
}

function describeLifetime(stored: Pick<StoredResponse, 'lifetimeSec' | 'source' | 'headers' | 'status'>): string {
  const n = stored.lifetimeSec
  const cc = parseCacheControl(headerValues(stored.headers, 'cache-control'))
  const clamped = (given: number | undefined) => (given !== undefined && given !== n ? ` (clamped to the policy's TTLs)` : '')
  switch (stored.source) {
    case 's-maxage':
      return `s-maxage=${cc.sMaxAge ?? 'invalid'}: ${n} s${clamped(cc.sMaxAge)}`
    case 'max-age':
      return `max-age=${cc.maxAge ?? 'invalid'}: ${n} s${clamped(cc.maxAge)}`
    case 'expires':
      return `Expires: ${n} s`
    case 'heuristic':
      return `no lifetime from the origin: 10% of the time since Last-Modified, ${n} s (RFC 9111 §4.2.2)`
    case 'default-ttl':
      return `no Cache-Control or Expires: DefaultTTL ${n} s`
    case 'min-ttl-override':
      return `origin sent no-cache, no-store or private, but MinTTL keeps it ${n} s (CloudFront's rule)`
    case 'error-caching':
      return `error ${stored.status}: the error caching minimum TTL, ${n} s`
    case 'no-cache':
      return 'origin sent no-cache: kept only to be revalidated before every use'
    case 'not-cacheable':
      return 'not cacheable'
  }
}

const refusals: Record<NotStorableReason | 'too-large', string> = {
  method: 'the method is not cached',
  status: 'the status is not stored',
  'partial-content': 'a 206 from the origin is not stored',
  'no-store': 'origin sent no-store: not cached',
  private: 'origin sent private: not cached',
  authorization: 'the request carried Authorization and the response does not allow sharing it (RFC 9111 §3.5)',
  'not-cacheable': 'not cacheable under this policy',
  'zero-ttl-without-validator': 'TTL 0 and no validator to revalidate with: not cached',
  truncated: 'the body does not match Content-Length: not cached',
  'vary-star': 'Vary: * : not cached',
  'too-large': 'larger than the whole cache: not cached'
}

export function refusalWhy(reason: NotStorableReason | 'too-large'): string {
  return refusals[reason]
}

/** Headers as the cache core takes them: no undefined values. */
export function headerMap(headers: Record<string, string | string[] | undefined>): HeaderMap {
  const out: HeaderMap = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value
  return out
}
