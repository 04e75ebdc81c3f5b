import { firstHeader, parseHttpDate, type CachedRequest, type HeaderMap } from './cache-types'

/** One satisfiable byte range of a representation, bounds inclusive. */
export interface ByteRange {
  start: number
  end: number
}

/**
 * How a GET with Range is answered from a complete stored (or just fetched) 200 response
 * (RFC 9110 §14): `full` — no usable Range, a failed If-Range, or a request §14.2 lets a server
 * ignore (too many ranges, more than two overlapping, many out of order); `partial` — one range
 * (after coalescing); `multipart` — several, sent as multipart/byteranges (§14.6) in the order
 * asked; `unsatisfiable` — no range is satisfiable: 416 with `Content-Range: bytes *\/size`.
 */
export type RangeAnswer =
  | { kind: 'full'; why: string }
  | { kind: 'partial'; start: number; end: number; size: number }
  | { kind: 'multipart'; parts: ByteRange[]; size: number }
  | { kind: 'unsatisfiable'; size: number }

interface Spec {
  first?: number
  last?: number
  suffix?: number
}

/**
 * RFC 9110 §14.2 lets a server ignore a Range that asks for many ranges; past this many the whole
 * object costs the edge less than the parts (Apache's MaxRanges default is 200, CloudFront's is
 * not published).
 */
export const MAX_RANGES = 50

/** §14.2: "many small ranges that are not listed in ascending order" are ignored past this many. */
export const MAX_UNORDERED_RANGES = 8

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
  if (specs.length > MAX_RANGES)
    return { kind: 'full', why: `${specs.length} ranges, more than ${MAX_RANGES}: answered with the whole object (RFC 9110 §14.2)` }
  const { size } = response
  // §14.1.1: the set is satisfiable when any range is; the unsatisfiable ones are left out (§14.6).
  const ranges = specs.map((spec) => resolve(spec, size)).filter((r): r is ByteRange => r !== undefined)
  if (ranges.length === 0) return { kind: 'unsatisfiable', size }
  if (ranges.length > 1) {
    if (overlapDepth(ranges) > 2)
      return { kind: 'full', why: 'more than two overlapping ranges: answered with the whole object (RFC 9110 §14.2)' }
    if (ranges.length > MAX_UNORDERED_RANGES && !ascending(ranges))
      return { kind: 'full', why: `${ranges.length} ranges out of order: answered with the whole object (RFC 9110 §14.2)` }
  }
  const parts = coalesce(ranges)
  if (parts.length === 1) return { kind: 'partial', start: parts[0]!.start, end: parts[0]!.end, size }
  return { kind: 'multipart', parts, size }
}

/** One range spec against a representation of `size` bytes; undefined when it is unsatisfiable. */
function resolve(spec: Spec, size: number): ByteRange | undefined {
  if (spec.suffix !== undefined) {
    if (spec.suffix === 0 || size === 0) return undefined
    return { start: Math.max(0, size - spec.suffix), end: size - 1 }
  }
  const first = spec.first!
  if (first >= size) return undefined
  return { start: first, end: spec.last === undefined ? size - 1 : Math.min(spec.last, size - 1) }
}

/** How many of the ranges cover the most-covered byte (a depth is always reached at some range's start). */
function overlapDepth(ranges: readonly ByteRange[]): number {
  let depth = 0
  for (const at of ranges) {
    let covering = 0
    for (const r of ranges) if (r.start <= at.start && at.start <= r.end) covering++
    depth = Math.max(depth, covering)
  }
  return depth
}

function ascending(ranges: readonly ByteRange[]): boolean {
  return ranges.every((r, i) => i === 0 || r.start > ranges[i - 1]!.end)
}

/**
 * §14.6: a server MAY coalesce ranges that overlap (here: or touch), whatever their order, and
 * SHOULD send the parts in the order asked, less those coalesced into others: each merged part
 * takes the place of the first range in it.
 */
export function coalesce(ranges: readonly ByteRange[]): ByteRange[] {
  const byStart = ranges.map((r, order) => ({ ...r, order })).sort((a, b) => a.start - b.start)
  const merged: { start: number; end: number; order: number }[] = []
  for (const r of byStart) {
    const last = merged[merged.length - 1]
    if (last && r.start <= last.end + 1) {
      last.end = Math.max(last.end, r.end)
      last.order = Math.min(last.order, r.order)
    } else merged.push({ ...r })
  }
  return merged.sort((a, b) => a.order - b.order).map(({ start, end }) => ({ start, end }))
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
export function contentRange(answer: Extract<RangeAnswer, { kind: 'partial' | 'unsatisfiable' }>): string {
  return answer.kind === 'partial'
    ? `bytes ${answer.start}-${answer.end}/${answer.size}`
    : `bytes */${answer.size}`
}
