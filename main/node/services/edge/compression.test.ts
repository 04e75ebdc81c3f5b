import { describe, expect, it } from 'vitest'
import { compressionFor, weakenEtag } from './compression'
import { compilePathPattern } from './path-pattern'

describe('path patterns', () => {
  it('match * across directories, ? once, case-sensitively, with an optional leading slash', () => {
    const jpg = compilePathPattern('images/*.jpg')
    expect(jpg.test('/images/a/b.jpg')).toBe(true)
    expect(jpg.test('/images/LOGO.JPG')).toBe(false)
    expect(compilePathPattern('/a?c').test('/abc')).toBe(true)
    expect(compilePathPattern('/a?c').test('/abbc')).toBe(false)
    expect(compilePathPattern('/api/v1.0/*').test('/api/v1x0/x')).toBe(false)
  })
})

describe('compression rules', () => {
  const response = (status: number, type: string, size: number, extra: Record<string, string> = {}) => ({ status, headers: { 'content-type': type, 'content-length': String(size), ...extra }, body: Buffer.alloc(size) })

  it.each([
    { ae: 'br,gzip', res: response(200, 'text/html; charset=utf-8', 5000), want: { encoding: 'br' } },
    { ae: 'gzip', res: response(404, 'application/json', 5000), want: { encoding: 'gzip' } },
    { ae: undefined, res: response(200, 'text/html', 5000), want: { skip: expect.stringContaining('no enabled encoding') } },
    { ae: 'gzip', res: response(500, 'text/html', 5000), want: { skip: expect.stringContaining('status 500') } },
    { ae: 'gzip', res: response(200, 'image/png', 5000), want: { skip: expect.stringContaining('image/png') } },
    { ae: 'gzip', res: response(200, 'text/html', 999), want: { skip: expect.stringContaining('999 bytes') } },
    { ae: 'gzip', res: response(200, 'text/html', 5000, { 'content-encoding': 'gzip' }), want: { skip: expect.stringContaining('already') } }
  ])('$ae, $res.status $res.headers → $want', ({ ae, res, want }) => {
    expect(compressionFor(ae, res)).toEqual(want)
  })

  it('weakens strong ETags and drops invalid ones', () => {
    expect([weakenEtag('"a"'), weakenEtag('W/"a"'), weakenEtag('a')]).toEqual(['W/"a"', 'W/"a"', undefined])
  })
})
