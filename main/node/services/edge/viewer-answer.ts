import type { CachedRequest } from './cache/cache-types'
import { evaluateConditional, notModifiedHeaders } from './cache/conditional'
import { contentRange, rangeAnswer } from './cache/range'
import type { Delivery } from './edge-viewer'

/**
 * What this viewer asked of a complete 200 (stored or just fetched): a 304 when its If-None-Match /
 * If-Modified-Since matches (RFC 9110 §13.2.2: before Range), else one byte range as 206, a 416
 * for a range past the end, or the whole response. The note is a clause for the request log.
 */
export function answerViewer(request: CachedRequest, full: Delivery, nowMs: number): { delivery: Delivery; note: string } {
  if (full.status !== 200) return { delivery: full, note: '' }
  const stored = { status: full.status, headers: full.headers, body: full.body, requestTime: nowMs, responseTime: nowMs }
  const conditional = hasAny(request, ['if-none-match', 'if-modified-since'])
  if (conditional && evaluateConditional(request, stored) === 'not-modified') {
    const delivery: Delivery = { status: 304, headers: notModifiedHeaders(stored), body: Buffer.alloc(0) }
    if (full.age !== undefined) delivery.age = full.age
    return { delivery, note: "the viewer's validator matches: 304 Not Modified" }
  }
  const range = rangeAnswer(request, { status: 200, headers: full.headers, size: full.body.length })
  if (range.kind === 'full') return { delivery: full, note: hasAny(request, ['range']) ? `Range: ${range.why}` : '' }
  const headers = { ...full.headers, 'content-range': contentRange(range) }
  if (range.kind === 'unsatisfiable') return { delivery: { ...full, status: 416, headers, body: Buffer.alloc(0) }, note: `Range past the end of ${range.size} bytes: 416` }
  const body = full.body.subarray(range.start, range.end + 1)
  return { delivery: { ...full, status: 206, headers, body }, note: `Range: bytes ${range.start}-${range.end} of ${range.size} from the complete object: 206` }
}

function hasAny(request: CachedRequest, names: string[]): boolean {
  return Object.keys(request.headers).some((name) => names.includes(name.toLowerCase()))
}
