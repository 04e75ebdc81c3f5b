/** Parsed `Cache-Control` (RFC 9111 §5.2), request and response directives in one shape. */
export interface CacheControl {
  maxAge?: number
  sMaxAge?: number
  /** Unqualified `no-cache`. */
  noCache: boolean
  /** `no-cache="a, b"`: only these fields need revalidation (§5.2.2.4). Unset when unqualified. */
  noCacheFields?: string[]
  noStore: boolean
  /** Unqualified `private`. */
  private: boolean
  /** `private="a, b"`: a shared cache must not store these fields (§5.2.2.7). */
  privateFields?: string[]
  public: boolean
  mustRevalidate: boolean
  proxyRevalidate: boolean
  noTransform: boolean
  immutable: boolean
  /** §5.2.2.3: store only if the cache understands the status code (and then no-store is ignored). */
  mustUnderstand: boolean
  onlyIfCached: boolean
  staleWhileRevalidate?: number
  staleIfError?: number
  minFresh?: number
  /** `max-stale` without a value means any staleness: Infinity. */
  maxStale?: number
  /** Names of delta-seconds directives whose value did not parse (RFC 9111 §4.2.1: treat as stale). */
  invalid: string[]
}

/** RFC 9111 §1.2.2: values past 2^31 are taken as 2^31. */
export const DELTA_SECONDS_MAX = 2147483648

const NUMERIC = {
  'max-age': 'maxAge',
  's-maxage': 'sMaxAge',
  'stale-while-revalidate': 'staleWhileRevalidate',
  'stale-if-error': 'staleIfError',
  'min-fresh': 'minFresh',
  'max-stale': 'maxStale'
} as const

const FLAGS = {
  'no-store': 'noStore',
  public: 'public',
  'must-revalidate': 'mustRevalidate',
  'proxy-revalidate': 'proxyRevalidate',
  'no-transform': 'noTransform',
  immutable: 'immutable',
  'must-understand': 'mustUnderstand',
  'only-if-cached': 'onlyIfCached'
} as const

interface Directive {
  name: string
  value: string | undefined
}

/**
 * Parses one or more Cache-Control field lines. Never throws: unknown directives are skipped,
 * duplicate value directives keep the first value (§4.2.1), and for `no-cache`/`private` the
 * stricter reading wins (unqualified beats a field list; field lists are merged).
 */
export function parseCacheControl(header: string | string[] | undefined): CacheControl {
  const cc: CacheControl = {
    noCache: false,
    noStore: false,
    private: false,
    public: false,
    mustRevalidate: false,
    proxyRevalidate: false,
    noTransform: false,
    immutable: false,
    mustUnderstand: false,
    onlyIfCached: false,
    invalid: []
  }
  if (header === undefined) return cc
  const text = Array.isArray(header) ? header.join(',') : header
  for (const { name, value } of tokenize(text)) {
    if (name in NUMERIC) {
      const key = NUMERIC[name as keyof typeof NUMERIC]
      if (cc[key] !== undefined) continue
      if (value === undefined) {
        if (name === 'max-stale') cc.maxStale = Infinity
        else cc.invalid.push(name)
        continue
      }
      const seconds = parseDeltaSeconds(value)
      if (seconds === undefined) cc.invalid.push(name)
      else cc[key] = seconds
    } else if (name in FLAGS) {
      cc[FLAGS[name as keyof typeof FLAGS]] = true
    } else if (name === 'no-cache') {
      if (value === undefined) cc.noCache = true
      else cc.noCacheFields = mergeFields(cc.noCacheFields, value)
    } else if (name === 'private') {
      if (value === undefined) cc.private = true
      else cc.privateFields = mergeFields(cc.privateFields, value)
    }
  }
  // An unqualified directive covers every field, so a list next to it adds nothing.
  if (cc.noCache) delete cc.noCacheFields
  if (cc.private) delete cc.privateFields
  return cc
}

/** delta-seconds (RFC 9111 §1.2.2): 1*DIGIT, clamped at 2^31. Anything else is invalid. */
export function parseDeltaSeconds(value: string): number | undefined {
  const trimmed = value.trim()
  if (!/^\d+$/.test(trimmed)) return undefined
  const n = Number(trimmed)
  return n > DELTA_SECONDS_MAX ? DELTA_SECONDS_MAX : n
}

function mergeFields(existing: string[] | undefined, list: string): string[] {
  const fields = new Set(existing ?? [])
  for (const part of list.split(',')) {
    const field = part.trim().toLowerCase()
    if (field !== '') fields.add(field)
  }
  return [...fields]
}

/** Splits on commas outside quoted strings; quoted values are unescaped (RFC 9110 §5.6.4). */
function tokenize(text: string): Directive[] {
  const out: Directive[] = []
  let i = 0
  while (i < text.length) {
    while (i < text.length && (text[i] === ',' || /\s/.test(text[i]!))) i++
    let name = ''
    while (i < text.length && text[i] !== '=' && text[i] !== ',') name += text[i++]
    let value: string | undefined
    if (text[i] === '=') {
      i++
      while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++
      if (text[i] === '"') {
        i++
        value = ''
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++
          value += text[i++]
        }
        i++
        while (i < text.length && text[i] !== ',') i++
      } else {
        value = ''
        while (i < text.length && text[i] !== ',') value += text[i++]
        value = value.trim()
      }
    }
    name = name.trim().toLowerCase()
    if (name !== '') out.push({ name, value })
  }
  return out
}
