import { describe, expect, it } from 'vitest'
import type { CachedResponse, HeaderMap } from './cache-types'
import { evaluatePreconditions, strongEtagMatch } from './conditional'

const lastModified = 'Tue, 01 Sep 2026 10:00:00 GMT'
const before = 'Tue, 01 Sep 2026 09:59:59 GMT'
const after = 'Tue, 01 Sep 2026 10:00:01 GMT'
const response = (headers: HeaderMap): CachedResponse => ({ status: 200, headers, body: new Uint8Array(), requestTime: 0, responseTime: 0 })
const strong = response({ etag: '"v1"', 'last-modified': lastModified })
const weak = response({ etag: 'W/"v1"', 'last-modified': lastModified })
const bare = response({})

describe('RFC 9110 §13.1.1 If-Match and §13.1.4 If-Unmodified-Since at the edge', () => {
  it.each<{ name: string; stored: CachedResponse; headers: HeaderMap; result: 'pass' | 'failed' }>([
    { name: 'If-Match: the same strong tag', stored: strong, headers: { 'if-match': '"v1"' }, result: 'pass' },
    { name: 'If-Match: one of a list', stored: strong, headers: { 'if-match': '"v0", "v1"' }, result: 'pass' },
    { name: 'If-Match: another tag', stored: strong, headers: { 'if-match': '"v2"' }, result: 'failed' },
    { name: 'If-Match: a weak tag never matches (strong comparison)', stored: strong, headers: { 'if-match': 'W/"v1"' }, result: 'failed' },
    { name: 'If-Match: a weak stored tag never matches', stored: weak, headers: { 'if-match': '"v1"' }, result: 'failed' },
    { name: 'If-Match: * with a current representation', stored: bare, headers: { 'if-match': '*' }, result: 'pass' },
    { name: 'If-Match: a tag, and the response has none', stored: bare, headers: { 'if-match': '"v1"' }, result: 'failed' },
    { name: 'If-Unmodified-Since at Last-Modified', stored: strong, headers: { 'if-unmodified-since': lastModified }, result: 'pass' },
    { name: 'If-Unmodified-Since after Last-Modified', stored: strong, headers: { 'if-unmodified-since': after }, result: 'pass' },
    { name: 'If-Unmodified-Since before Last-Modified', stored: strong, headers: { 'if-unmodified-since': before }, result: 'failed' },
    { name: 'If-Unmodified-Since that is no date: ignored', stored: strong, headers: { 'if-unmodified-since': 'yesterday' }, result: 'pass' },
    { name: 'If-Unmodified-Since without Last-Modified: ignored', stored: response({ date: after }), headers: { 'if-unmodified-since': before }, result: 'pass' },
    { name: 'If-Match holds: If-Unmodified-Since is ignored (§13.2.2)', stored: strong, headers: { 'if-match': '"v1"', 'if-unmodified-since': before }, result: 'pass' },
    { name: 'If-Match fails: If-Unmodified-Since cannot save it', stored: strong, headers: { 'if-match': '"v2"', 'if-unmodified-since': after }, result: 'failed' },
    { name: 'no preconditions', stored: strong, headers: { 'if-none-match': '"v2"' }, result: 'pass' }
  ])('$name → $result', ({ stored, headers, result }) => {
    expect(evaluatePreconditions({ method: 'GET', url: '/f', headers }, stored)).toBe(result)
  })

  it.each([
    { a: '"1"', b: '"1"', match: true },
    { a: 'W/"1"', b: 'W/"1"', match: false },
    { a: 'W/"1"', b: '"1"', match: false },
    { a: '"1"', b: '"2"', match: false },
    { a: undefined, b: '"1"', match: false }
  ])('§8.8.3.2 strong comparison $a $b → $match', ({ a, b, match }) => {
    expect(strongEtagMatch(a, b)).toBe(match)
  })
})
