import { hopByHopOf } from '../../../net/http-headers'
import {
  firstHeader,
  headerValues,
  parseHttpDate,
  type CachedRequest,
  type CachedResponse,
  type HeaderMap,
  type StoredResponse,
  type TtlPolicy
} from './cache-types'
import { freshnessLifetime } from './freshness'

/**
 * Validators for revalidating a stored response (RFC 9111 §4.3.1): If-None-Match from ETag,
 * If-Modified-Since from Last-Modified — what CloudFront sends its origin (reference §1.3).
 */
export function conditionalHeaders(stored: CachedResponse): HeaderMap {
  const out: HeaderMap = {}
  const etag = firstHeader(stored.headers, 'etag')
  if (etag !== undefined) out['if-none-match'] = etag
  const lastModified = firstHeader(stored.headers, 'last-modified')
  if (lastModified !== undefined) out['if-modified-since'] = lastModified
  return out
}

/** The origin request for a revalidation: the viewer's request with our validators, not theirs. */
export function buildConditionalRequest(
  request: CachedRequest,
  stored: CachedResponse
): CachedRequest {
  const headers: HeaderMap = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (!CLIENT_CONDITIONALS.has(name.toLowerCase())) headers[name] = value
  }
  return { ...request, headers: { ...headers, ...conditionalHeaders(stored) } }
}

const CLIENT_CONDITIONALS = new Set([
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range'
])

/**
 * RFC 9111 §3.2: fields a 304 must not overwrite in the stored response: Content-Length, and the
 * fields the stored body depends on (its coding, its range, its digest, the entity tag that selected
 * it), besides the hop-by-hop fields and proxy credentials.
 */
const NOT_UPDATED = ['content-length', 'content-encoding', 'content-range', 'content-md5', 'etag', 'proxy-authenticate', 'proxy-authentication-info', 'proxy-authorization']

/**
 * §4.3.4 + §3.2: a stored response freshened by a 304. Header fields of the 304 replace the stored
 * ones (except those in NOT_UPDATED and hop-by-hop fields), the age clock restarts from the 304's times,
 * and the lifetime is recomputed. A result with `source: 'not-cacheable'` should be evicted.
 */
export function updateFromNotModified(
  stored: StoredResponse,
  response304: CachedResponse,
  policy: TtlPolicy,
  nowMs: number = response304.responseTime
): StoredResponse {
  const drop = new Set([...hopByHopOf(headerValues(response304.headers, 'connection')), ...NOT_UPDATED])
  const incoming = Object.entries(response304.headers).filter(
    ([name]) => !drop.has(name.toLowerCase())
  )
  const replaced = new Set(incoming.map(([name]) => name.toLowerCase()))
  const headers: HeaderMap = {}
  for (const [name, value] of Object.entries(stored.headers)) {
    if (!replaced.has(name.toLowerCase())) headers[name] = value
  }
  for (const [name, value] of incoming) headers[name] = value
  const updated: CachedResponse = {
    status: stored.status,
    headers,
    body: stored.body,
    requestTime: response304.requestTime,
    responseTime: response304.responseTime
  }
  const freshness = freshnessLifetime(updated, policy, nowMs)
  return { ...updated, lifetimeSec: freshness.lifetimeSec, source: freshness.source }
}

/**
 * §4.3.4: which stored responses a 304 updates. A strong ETag selects every stored response with
 * it; otherwise a weak ETag or Last-Modified selects the most recent match; a 304 without
 * validators updates the only stored response if that one has none either.
 */
export function selectForUpdate<T extends CachedResponse>(
  candidates: readonly T[],
  response304: CachedResponse
): T[] {
  const etag = firstHeader(response304.headers, 'etag')
  if (etag !== undefined && !isWeak(etag)) {
    return candidates.filter((c) => firstHeader(c.headers, 'etag') === etag.trim())
  }
  const lastModified = firstHeader(response304.headers, 'last-modified')
  if (etag !== undefined || lastModified !== undefined) {
    const matches = candidates.filter(
      (c) =>
        (etag !== undefined && weakEtagMatch(firstHeader(c.headers, 'etag'), etag)) ||
        (lastModified !== undefined && firstHeader(c.headers, 'last-modified') === lastModified)
    )
    const latest = matches.reduce<T | undefined>(
      (a, c) => (!a || c.responseTime > a.responseTime ? c : a),
      undefined
    )
    return latest ? [latest] : []
  }
  const only = candidates.length === 1 ? candidates[0] : undefined
  if (
    only &&
    firstHeader(only.headers, 'etag') === undefined &&
    firstHeader(only.headers, 'last-modified') === undefined
  ) {
    return [only]
  }
  return []
}

/**
 * Evaluates a viewer's If-None-Match / If-Modified-Since against a stored response (RFC 9110
 * §13.1.1, §13.1.3, §13.2.2; RFC 9111 §4.3.2). If-None-Match uses weak comparison and, when
 * present, If-Modified-Since is ignored. Only GET and HEAD are answered with 304.
 */
export function evaluateConditional(
  request: CachedRequest,
  stored: CachedResponse
): 'not-modified' | 'full' {
  const method = request.method.toUpperCase()
  if (method !== 'GET' && method !== 'HEAD') return 'full'
  const inm = headerValues(request.headers, 'if-none-match')
  if (inm.length > 0) return entityTagsMatch(inm, stored, weakEtagMatch) ? 'not-modified' : 'full'
  const since = parseHttpDate(firstHeader(request.headers, 'if-modified-since'))
  if (since === undefined) return 'full'
  // §4.3.2: Last-Modified, else Date, else the time the response was received.
  const modified =
    parseHttpDate(firstHeader(stored.headers, 'last-modified')) ??
    parseHttpDate(firstHeader(stored.headers, 'date')) ??
    stored.responseTime
  return modified <= since ? 'not-modified' : 'full'
}

/**
 * The preconditions a viewer's GET or HEAD puts on a complete stored (or just fetched) response,
 * RFC 9110 §13.2.2 steps 1–2, evaluated before If-None-Match / If-Modified-Since and Range:
 * If-Match (§13.1.1) holds for `*` or a listed entity-tag equal by strong comparison (§8.8.3.2: a
 * weak tag on either side never matches); only without If-Match, If-Unmodified-Since (§13.1.4)
 * holds unless Last-Modified is later than its date, and is ignored when the date is invalid or
 * the response has no Last-Modified. `failed` is answered 412 Precondition Failed.
 */
export function evaluatePreconditions(request: CachedRequest, stored: CachedResponse): 'pass' | 'failed' {
  const ifMatch = headerValues(request.headers, 'if-match')
  if (ifMatch.length > 0) return entityTagsMatch(ifMatch, stored, strongEtagMatch) ? 'pass' : 'failed'
  const since = parseHttpDate(firstHeader(request.headers, 'if-unmodified-since'))
  if (since === undefined) return 'pass'
  const modified = parseHttpDate(firstHeader(stored.headers, 'last-modified'))
  if (modified === undefined) return 'pass'
  return modified <= since ? 'pass' : 'failed'
}

/** RFC 9110 §15.4.5: the fields a 304 carries over from the 200 it stands for. */
export function notModifiedHeaders(stored: CachedResponse): HeaderMap {
  const out: HeaderMap = {}
  const keep = new Set([
    'content-location',
    'date',
    'etag',
    'vary',
    'cache-control',
    'expires',
    'last-modified'
  ])
  for (const [name, value] of Object.entries(stored.headers))
    if (keep.has(name.toLowerCase())) out[name] = value
  return out
}

/**
 * Whether an If-None-Match or If-Match field (its lines) matches the stored response: `*` matches
 * any, else one listed entity-tag equal to the stored ETag under `compare` (weak for If-None-Match,
 * strong for If-Match, RFC 9110 §13.1.1–2).
 */
function entityTagsMatch(field: readonly string[], stored: CachedResponse, compare: (a: string | undefined, b: string) => boolean): boolean {
  const tags = parseEntityTags(field.join(','))
  if (tags === '*') return true
  const etag = firstHeader(stored.headers, 'etag')
  return tags.some((tag) => compare(etag, tag))
}

/** An If-None-Match / If-Match list: `*` or entity-tags (commas inside quotes kept). */
export function parseEntityTags(value: string): string[] | '*' {
  if (value.trim() === '*') return '*'
  return value.match(/(?:W\/)?"[^"]*"/g) ?? []
}

/** §8.8.3.2 weak comparison: opaque-tags equal, W/ ignored. */
export function weakEtagMatch(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false
  return opaque(a) === opaque(b)
}

/** §8.8.3.2 strong comparison: both tags strong and their opaque-tags equal. */
export function strongEtagMatch(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || isWeak(a) || isWeak(b)) return false
  return a.trim() === b.trim()
}

function isWeak(tag: string): boolean {
  return tag.trim().startsWith('W/')
}

function opaque(tag: string): string {
  const t = tag.trim()
  return t.startsWith('W/') ? t.slice(2) : t
}
