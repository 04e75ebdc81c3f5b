import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { makeCachePolicy } from './cache-policies'
import { CacheStore } from './cache-store'
import type { HeaderMap } from './cache-types'
import { coalesce, contentRange, parseRange, rangeAnswer, type RangeAnswer } from './range'

const lastModified = 'Tue, 01 Sep 2026 10:00:00 GMT'
const stored = { status: 200, headers: { etag: '"v1"', 'last-modified': lastModified }, size: 1000 }
const get = (headers: HeaderMap, method = 'GET') => ({ method, url: '/f', headers })
/** An answer as text: `full`, a Content-Range, or the multipart's parts. */
const describeAnswer = (a: RangeAnswer) => (a.kind === 'full' ? 'full' : a.kind === 'multipart' ? `multipart ${a.parts.map((p) => `${p.start}-${p.end}`).join(',')}` : contentRange(a))

describe('RFC 9110 §14 ranges from a complete response', () => {
  it.each([
    { range: 'bytes=0-99', answer: 'bytes 0-99/1000' },
    { range: 'bytes=900-', answer: 'bytes 900-999/1000' },
    { range: 'bytes=-100', answer: 'bytes 900-999/1000' },
    { range: 'bytes=-5000', answer: 'bytes 0-999/1000' },
    { range: 'bytes=990-2000', answer: 'bytes 990-999/1000' },
    { range: 'Bytes = 10-19', answer: 'bytes 10-19/1000' },
    { range: 'bytes=1000-', answer: 'bytes */1000' },
    { range: 'bytes=-0', answer: 'bytes */1000' },
    { range: 'bytes=0-9,20-29', answer: 'multipart 0-9,20-29' },
    { range: 'bytes=0-9, 20-29, -10', answer: 'multipart 0-9,20-29,990-999' },
    { range: 'bytes=0-9,5000-6000', answer: 'bytes 0-9/1000' },
    { range: 'bytes=5000-,6000-', answer: 'bytes */1000' },
    { range: 'bytes=0-9,5-19', answer: 'bytes 0-19/1000' },
    { range: 'bytes=0-9,10-19', answer: 'bytes 0-19/1000' },
    { range: 'bytes=500-599,0-9', answer: 'multipart 500-599,0-9' },
    { range: 'bytes=500-599,0-9,550-649', answer: 'multipart 500-649,0-9' },
    { range: 'bytes=0-99,10-19,20-29', answer: 'bytes 0-99/1000' },
    { range: 'bytes=0-99,10-19,15-29', answer: 'full' },
    { range: 'bytes=0-,0-,0-', answer: 'full' },
    { range: `bytes=${Array.from({ length: 51 }, (_, i) => `${i * 10}-${i * 10 + 1}`).join(',')}`, answer: 'full' },
    { range: `bytes=${Array.from({ length: 50 }, (_, i) => `${i * 10}-${i * 10 + 1}`).join(',')}`, answer: `multipart ${Array.from({ length: 50 }, (_, i) => `${i * 10}-${i * 10 + 1}`).join(',')}` },
    { range: `bytes=${Array.from({ length: 9 }, (_, i) => `${(9 - i) * 10}-${(9 - i) * 10 + 1}`).join(',')}`, answer: 'full' },
    { range: `bytes=${Array.from({ length: 8 }, (_, i) => `${(8 - i) * 10}-${(8 - i) * 10 + 1}`).join(',')}`, answer: `multipart ${Array.from({ length: 8 }, (_, i) => `${(8 - i) * 10}-${(8 - i) * 10 + 1}`).join(',')}` },
    { range: 'bytes=9-0', answer: 'full' },
    { range: 'bytes=abc', answer: 'full' },
    { range: 'items=0-9', answer: 'full' },
    { range: 'bytes=', answer: 'full' }
  ])('Range: $range → $answer', ({ range, answer }) => {
    expect(describeAnswer(rangeAnswer(get({ range }), stored))).toBe(answer)
  })

  it.each([
    { name: 'apart and in order: kept', ranges: [[0, 9], [20, 29]], parts: [[0, 9], [20, 29]] },
    { name: 'apart, out of order: the order asked (§14.6)', ranges: [[20, 29], [0, 9]], parts: [[20, 29], [0, 9]] },
    { name: 'overlapping: one part', ranges: [[0, 9], [5, 14]], parts: [[0, 14]] },
    { name: 'touching: one part', ranges: [[0, 9], [10, 14]], parts: [[0, 14]] },
    { name: 'a merged part takes the first place of its ranges', ranges: [[50, 59], [0, 9], [55, 70]], parts: [[50, 70], [0, 9]] },
    { name: 'one inside another', ranges: [[0, 99], [10, 19]], parts: [[0, 99]] }
  ])('§14.6 coalescing: $name', ({ ranges, parts }) => {
    const asRanges = (list: number[][]) => list.map(([start, end]) => ({ start: start!, end: end! }))
    expect(coalesce(asRanges(ranges))).toEqual(asRanges(parts))
  })

  it.each([
    { ifRange: '"v1"', partial: true },
    { ifRange: '"v2"', partial: false },
    { ifRange: 'W/"v1"', partial: false },
    { ifRange: lastModified, partial: true },
    { ifRange: 'Tue, 01 Sep 2026 10:00:01 GMT', partial: false },
    { ifRange: 'garbage', partial: false }
  ])('§13.1.5 If-Range: $ifRange → partial $partial', ({ ifRange, partial }) => {
    expect(
      rangeAnswer(get({ range: 'bytes=0-9', 'if-range': ifRange }), stored).kind === 'partial'
    ).toBe(partial)
  })

  it('ignores Range on HEAD, on other statuses, and on an empty body answers 416', () => {
    expect(rangeAnswer(get({ range: 'bytes=0-9' }, 'HEAD'), stored).kind).toBe('full')
    expect(rangeAnswer(get({ range: 'bytes=0-9' }), { ...stored, status: 404 }).kind).toBe('full')
    expect(rangeAnswer(get({ range: 'bytes=0-9' }), { ...stored, size: 0 }).kind).toBe(
      'unsatisfiable'
    )
    expect(parseRange('bytes=1-2, ,3-')).toEqual([{ first: 1, last: 2 }, { first: 3 }])
  })

  it('serves a range from a cached full object without asking again (fake clock)', () => {
    const clock = new FakeClock()
    const store = new CacheStore({
      maxBytes: 10_000,
      policy: makeCachePolicy({ name: 'p', minTtl: 0 })
    })
    const body = new TextEncoder().encode('0123456789')
    store.store(get({ host: 'h' }), {
      status: 200,
      headers: { 'cache-control': 'max-age=60' },
      body,
      requestTime: clock.now(),
      responseTime: clock.now()
    })
    clock.advance(10_000)
    const hit = store.lookup(get({ host: 'h', range: 'bytes=2-4' }), clock.now())
    expect(hit.status).toBe('fresh')
    if (hit.status !== 'fresh') return
    const answer = rangeAnswer(get({ range: 'bytes=2-4' }), {
      status: 200,
      headers: hit.entry.headers,
      size: hit.entry.body.byteLength
    })
    expect(answer).toEqual({ kind: 'partial', start: 2, end: 4, size: 10 })
    if (answer.kind === 'partial')
      expect(new TextDecoder().decode(hit.entry.body.subarray(answer.start, answer.end + 1))).toBe(
        '234'
      )
  })
})
