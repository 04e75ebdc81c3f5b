import {
  headerValue,
  headerValues,
  type CachedRequest,
  type CacheKeyPolicy,
  type NameSetting
} from './cache-types'

export interface CacheKeyOptions {
  /** The distribution's domain; defaults to the request's Host header. */
  host?: string
}

/**
 * CloudFront's cache key (reference §1.2, §5.2): host + path (+ method for OPTIONS) + the
 * policy's query strings (sorted), header values (case-insensitive names), cookies (sorted) and the
 * normalised Accept-Encoding. Segments are URI-encoded so no value can forge another segment.
 */
/** A policy's key headers, lower-cased, de-duplicated and sorted: once per policy, not per request. */
const keyHeaders = new WeakMap<CacheKeyPolicy, readonly string[]>()
function keyHeaderNames(policy: CacheKeyPolicy): readonly string[] {
  let names = keyHeaders.get(policy)
  if (names === undefined) keyHeaders.set(policy, (names = [...new Set(policy.headers.map((h) => h.toLowerCase()))].sort()))
  return names
}

export function cacheKey(
  request: CachedRequest,
  policy: CacheKeyPolicy,
  options: CacheKeyOptions = {}
): string {
  const { path, query } = splitUrl(request.url)
  const host = (options.host ?? headerValue(request.headers, 'host') ?? '').toLowerCase()
  const method = request.method.toUpperCase()
  let key = `${method === 'OPTIONS' ? 'OPTIONS ' : ''}${host}${path}`
  if (method === 'OPTIONS') key += optionsKeySegment(request)
  const qs = keyQueryString(query, policy.queryStrings)
  if (qs !== '') key += `?${qs}`
  for (const name of keyHeaderNames(policy)) {
    const value = headerValue(request.headers, name)
    if (value !== undefined) key += `|h:${name}=${encodeURIComponent(value.trim())}`
  }
  // Cookies are parsed only when the policy keys on some (most do not).
  if (policy.cookies.behavior !== 'none') {
    for (const [name, value] of selectCookies(requestCookies(request), policy.cookies)) {
      key += `|c:${encodeURIComponent(name)}=${encodeURIComponent(value)}`
    }
  }
  const ae = keyAcceptEncoding(request, policy)
  if (ae !== undefined) key += `|ae:${ae}`
  return key
}

/**
 * The request headers a preflight answer depends on (Fetch standard, CORS protocol), which AWS's
 * CachedMethods reference says must reach the origin for OPTIONS responses "to be cached
 * correctly": a cached OPTIONS is keyed by them, so one origin's preflight never answers another's.
 */
export const OPTIONS_KEY_HEADERS = ['origin', 'access-control-request-method', 'access-control-request-headers'] as const

function optionsKeySegment(request: CachedRequest): string {
  let segment = ''
  for (const name of OPTIONS_KEY_HEADERS) {
    const value = headerValue(request.headers, name)
    if (value !== undefined) segment += `|o:${name}=${encodeURIComponent(value.trim())}`
  }
  return segment
}

/** Path and raw query of a request target (`/a?b` → `/a`, `b`). */
export function splitUrl(url: string): { path: string; query: string } {
  const hash = url.indexOf('#')
  const target = hash === -1 ? url : url.slice(0, hash)
  const q = target.indexOf('?')
  return q === -1
    ? { path: target, query: '' }
    : { path: target.slice(0, q), query: target.slice(q + 1) }
}

/**
 * The query-string part of the key: parameters the setting selects, sorted by name then value so
 * `?b=2&a=1` and `?a=1&b=2` share an entry. Names match case-sensitively, after percent-decoding.
 */
export function keyQueryString(query: string, setting: NameSetting): string {
  if (setting.behavior === 'none' || query === '') return ''
  const pairs = query
    .split('&')
    .filter((part) => part !== '')
    .map((raw) => {
      const eq = raw.indexOf('=')
      return { name: safeDecode(eq === -1 ? raw : raw.slice(0, eq)), raw }
    })
    .filter(({ name }) => selects(setting, name))
  pairs.sort((a, b) => compare(a.name, b.name) || compare(a.raw, b.raw))
  return pairs.map((p) => p.raw).join('&')
}

/**
 * CloudFront's Accept-Encoding normalisation: only gzip and br survive (and only the enabled
 * ones), as `br,gzip`, `gzip` or `br`; undefined means "send identity to the origin".
 * A token with q=0 is a refusal (RFC 9110 §12.5.3), not an acceptance.
 */
export function normaliseAcceptEncoding(
  header: string | undefined,
  enabled: { gzip: boolean; br: boolean }
): 'br,gzip' | 'gzip' | 'br' | undefined {
  if (header === undefined) return undefined
  let gzip = false
  let br = false
  for (const member of header.split(',')) {
    const [coding = '', ...params] = member.split(';').map((s) => s.trim().toLowerCase())
    const q = params.find((p) => p.startsWith('q='))
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue
    if (coding === 'gzip') gzip = true
    if (coding === 'br') br = true
  }
  gzip &&= enabled.gzip
  br &&= enabled.br
  if (gzip && br) return 'br,gzip'
  if (gzip) return 'gzip'
  if (br) return 'br'
  return undefined
}

/** Whether the policy normalises Accept-Encoding (listing it as a key header turns that off). */
export function normalisesAcceptEncoding(policy: CacheKeyPolicy): boolean {
  const listed = policy.headers.some((h) => h.toLowerCase() === 'accept-encoding')
  return !listed && (policy.enableAcceptEncodingGzip || policy.enableAcceptEncodingBrotli)
}

/** The normalised Accept-Encoding the key (and origin request) uses, if any. */
export function keyAcceptEncoding(
  request: CachedRequest,
  policy: CacheKeyPolicy
): string | undefined {
  if (!normalisesAcceptEncoding(policy)) return undefined
  return normaliseAcceptEncoding(headerValue(request.headers, 'accept-encoding'), {
    gzip: policy.enableAcceptEncodingGzip,
    br: policy.enableAcceptEncodingBrotli
  })
}

/** Cookies of a request: `request.cookies` if given, else parsed from Cookie (first name wins). */
export function requestCookies(request: CachedRequest): Map<string, string> {
  if (request.cookies) return new Map(Object.entries(request.cookies))
  const out = new Map<string, string>()
  // Several Cookie lines are joined with "; " (RFC 6265 §5.4), not ", ".
  const header = headerValues(request.headers, 'cookie').join('; ')
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    const name = part.slice(0, eq).trim()
    if (name !== '' && !out.has(name)) out.set(name, part.slice(eq + 1).trim())
  }
  return out
}

/** Cookie names are case-sensitive in CloudFront policies. Output is sorted by name. */
export function selectCookies(
  cookies: Map<string, string>,
  setting: NameSetting
): [string, string][] {
  if (setting.behavior === 'none') return []
  return [...cookies].filter(([name]) => selects(setting, name)).sort((a, b) => compare(a[0], b[0]))
}

function selects(setting: NameSetting, name: string): boolean {
  switch (setting.behavior) {
    case 'none':
      return false
    case 'all':
      return true
    case 'whitelist':
      return setting.names.includes(name)
    case 'allExcept':
      return !setting.names.includes(name)
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
