import type { CachedRequest, HeaderMap } from './cache/cache-types'
import { evaluateConditional, evaluatePreconditions, notModifiedHeaders } from './cache/conditional'
import { contentRange, rangeAnswer } from './cache/range'
import type { Delivery } from './edge-viewer'
import { multipartByteranges } from './multipart-byteranges'

/**
 * What this viewer asked of a complete 200 (stored or just fetched), in RFC 9110 §13.2.2's order:
 * a 412 when its If-Match / If-Unmodified-Since fails, a 304 when its If-None-Match /
 * If-Modified-Since matches, else one byte range as 206, several
 * as a multipart/byteranges 206, a 416 when no range is satisfiable, or the whole response. The
 * note is a clause for the request log.
 */
export function answerViewer(request: CachedRequest, full: Delivery, nowMs: number): { delivery: Delivery; note: string } {
  // One look at the header names: a plain request (every ordinary hit) goes no further.
  if (full.status !== 200 || !asksSomething(request.headers)) return { delivery: full, note: '' }
  const stored = { status: full.status, headers: full.headers, body: full.body, requestTime: nowMs, responseTime: nowMs }
  // §13.2.1: a cache evaluates the preconditions of a request it answers itself; the origin never
  // sees the viewer's If-* fields (origin-request.ts), so the edge is the only place they are kept.
  if (evaluatePreconditions(request, stored) === 'failed') {
    const delivery: Delivery = { status: 412, headers: preconditionFailedHeaders(full.headers), body: Buffer.alloc(0) }
    const which = request.headers['if-match'] !== undefined ? 'If-Match' : 'If-Unmodified-Since'
    return { delivery, note: `the viewer's ${which} does not hold: 412 Precondition Failed (RFC 9110 §13.1)` }
  }
  if (evaluateConditional(request, stored) === 'not-modified') {
    const delivery: Delivery = { status: 304, headers: notModifiedHeaders(stored), body: Buffer.alloc(0) }
    if (full.age !== undefined) delivery.age = full.age
    return { delivery, note: "the viewer's validator matches: 304 Not Modified" }
  }
  const range = rangeAnswer(request, { status: 200, headers: full.headers, size: full.body.length })
  switch (range.kind) {
    case 'full':
      return { delivery: full, note: range.why === 'no Range' ? '' : `Range: ${range.why}` }
    case 'unsatisfiable':
      return { delivery: { ...full, status: 416, headers: { ...full.headers, 'content-range': contentRange(range) }, body: Buffer.alloc(0) }, note: `Range past the end of ${range.size} bytes: 416` }
    case 'partial': {
      const headers = { ...full.headers, 'content-range': contentRange(range) }
      const body = full.body.subarray(range.start, range.end + 1)
      return { delivery: { ...full, status: 206, headers, body }, note: `Range: bytes ${range.start}-${range.end} of ${range.size} from the complete object: 206` }
    }
    case 'multipart': {
      const type = full.headers['content-type']
      const multipart = multipartByteranges(full.body, range.parts, type === undefined ? undefined : String(type))
      // §14.6: the parts carry Content-Range; the response itself does not.
      const headers: HeaderMap = { ...full.headers, 'content-type': multipart.contentType }
      delete headers['content-range']
      const which = range.parts.map((part) => `${part.start}-${part.end}`).join(',')
      return { delivery: { ...full, status: 206, headers, body: multipart.body }, note: `Range: bytes ${which} of ${range.size} from the complete object: 206 multipart/byteranges` }
    }
  }
}

/**
 * A 412 carries no content and none of the representation's fields but its validators and Date,
 * so the viewer can see why its precondition failed.
 */
function preconditionFailedHeaders(headers: HeaderMap): HeaderMap {
  const out: HeaderMap = {}
  for (const name of ['etag', 'last-modified', 'date'])
    if (headers[name] !== undefined) out[name] = headers[name]!
  return out
}

/** Whether the request has any If-* field or Range (names as node:http gives them, lower case). */
function asksSomething(headers: HeaderMap): boolean {
  for (const name in headers) {
    const c = name.charCodeAt(0) | 0x20
    if (c !== 0x69 && c !== 0x72) continue
    const lower = name.toLowerCase()
    if (lower === 'range' || lower.startsWith('if-')) return true
  }
  return false
}
