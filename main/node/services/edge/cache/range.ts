import { firstHeader, parseHttpDate, type CachedRequest, type HeaderMap } from './cache-types'

/**
 * How a GET with Range is answered from a complete stored (or just fetched) 200 response
 * (RFC 9110 §14): `full` — no usable Range, a failed If-Range, or several ranges (Netloom answers
 * those with the whole object, which §14.2 allows); `partial` — one satisfiable range, bounds
 * inclusive; `unsatisfiable` — 416 with `Content-Range: bytes *\/size`.
 */
export type RangeAnswer =
  | { kind: 'full'; why: string }
  | { kind: 'partial'; start: number; end: number; size: number }
  | { kind: 'unsatisfiable'; size: number }

interface Spec {
  first?: number
  last?: number
  suffix?: number
}

/** The range a viewer gets from a complete response of `size` bytes with these headers. */
export function rangeAnswer(
  request: CachedRequest,
  response: { status: number; headers: HeaderMap; size: number }
): RangeAnswer {
  const header = firstHeader(request.headers, 'range')
  if (header === undefined) return { kind: 'full', why: 'no Range' }
  if (request.method.toUpperCase() !== 'GET')
    return { kind: 'full', why: 'Range applies to GET only' }
  if (response.status !== 200) return { kind: 'full', why: `status ${response.status}` }
  const ifRange = firstHeader(request.headers, 'if-range')
  if (ifRange !== undefined && !ifRangeMatches(ifRange, response.headers))
    return { kind: 'full', why: 'If-Range does not match: the whole representation' }
  const specs = parseRange(header)
  if (specs === undefined) return { kind: 'full', why: 'Range is not a valid bytes range: ignored' }
  if (specs.length > 1)
    return { kind: 'full', why: 'several ranges: answered with the whole object' }
  const { size } = response
  const spec = specs[0]!
  if (spec.suffix !== undefined) {
    if (spec.suffix === 0 || size === 0) return { kind: 'unsatisfiable', size }
    return { kind: 'partial', start: Math.max(0, size - spec.suffix), end: size - 1, size }
  }
  const first = spec.first!
  if (first >= size) return { kind: 'unsatisfiable', size }
  const end = spec.last === undefined ? size - 1 : Math.min(spec.last, size - 1)
  return { kind: 'partial', start: first, end, size }
}

/** `bytes=a-b, c-, -n` (§14.1.2), or undefined when the unit or any spec is invalid. */
export function parseRange(header: string): Spec[] | undefined {
  const match = /^\s*bytes\s*=\s*(.+)$/i.exec(header)
  if (!match) return undefined
  const specs: Spec[] = []
  for (const part of match[1]!.split(',')) {
    const text = part.trim()
    if (text === '') continue
    const m = /^(\d*)\s*-\s*(\d*)$/.exec(text)
    if (!m || (m[1] === '' && m[2] === '')) return undefined
    if (m[1] === '') {
      specs.push({ suffix: Number(m[2]) })
      continue
    }
    const first = Number(m[1])
    const last = m[2] === '' ? undefined : Number(m[2])
    if (last !== undefined && last < first) return undefined
    specs.push(last === undefined ? { first } : { first, last })
  }
  return specs.length ? specs : undefined
}

/**
 * §13.1.5: If-Range holds a strong entity-tag (strong comparison) or an HTTP-date that must equal
 * Last-Modified exactly. A weak tag never matches.
 */
export function ifRangeMatches(value: string, headers: HeaderMap): boolean {
  const text = value.trim()
  if (text.startsWith('"') || text.startsWith('W/')) {
    const etag = firstHeader(headers, 'etag')?.trim()
    return !text.startsWith('W/') && etag !== undefined && !etag.startsWith('W/') && etag === text
  }
  const date = parseHttpDate(text)
  const lastModified = parseHttpDate(firstHeader(headers, 'last-modified'))
  return date !== undefined && lastModified !== undefined && date === lastModified
}

/** `Content-Range` for an answer: `bytes 0-99/1000`, or `bytes *\/1000` for a 416. */
export function contentRange(answer: Exclude<RangeAnswer, { kind: 'full' }>): string {
  return answer.kind === 'partial'
    ? `bytes ${answer.start}-${answer.end}/${answer.size}`
    : `bytes */${answer.size}`
}
