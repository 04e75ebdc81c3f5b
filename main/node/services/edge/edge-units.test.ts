import { describe, expect, it } from 'vitest'
import { cachePolicySchema, resolveCachePolicy } from '../../../common/services/edge/edge-config'
import { cacheKey } from './cache-key'
import { parseCacheControl } from './cache-control'
import { EdgeCache, invalidationProblem } from './edge-cache'
import { compilePathPattern } from './path-pattern'
import { decideTtl } from './ttl'

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

describe('Cache-Control', () => {
  it('reads the directives leniently', () => {
    expect(parseCacheControl('Max-Age=60, s-maxage="120", no-transform, stale-if-error=5')).toMatchObject({ maxAge: 60, sMaxAge: 120, staleIfError: 5, noStore: false })
    const odd = parseCacheControl(['private', 'max-age=x'])
    expect(odd.private).toBe(true)
    expect(odd.maxAge).toBeUndefined()
    expect(parseCacheControl('max-age=10, max-age=99').maxAge).toBe(10)
  })
})

describe('CloudFront TTL rules', () => {
  const policy = (min: number, def: number, max: number) => cachePolicySchema.parse({ minTtl: min, defaultTtl: def, maxTtl: max })
  const now = Date.UTC(2026, 0, 1)

  it('MinTTL 0: max-age and s-maxage clamped to MaxTTL, DefaultTTL without headers, no-store respected', () => {
    expect(decideTtl({ 'cache-control': 'max-age=60' }, policy(0, 86400, 31536000), now).ttl).toBe(60)
    expect(decideTtl({ 'cache-control': 'max-age=60, s-maxage=600' }, policy(0, 86400, 300), now)).toMatchObject({ ttl: 300, why: expect.stringContaining('clamped') })
    expect(decideTtl({}, policy(0, 86400, 31536000), now)).toMatchObject({ ttl: 86400, store: true })
    expect(decideTtl({ 'cache-control': 'no-store' }, policy(0, 86400, 31536000), now)).toMatchObject({ store: false })
    expect(decideTtl({ 'cache-control': 'private, max-age=60' }, policy(0, 86400, 31536000), now)).toMatchObject({ store: false })
  })

  it('MinTTL > 0: clamps up, and keeps even no-cache responses for MinTTL', () => {
    expect(decideTtl({ 'cache-control': 'max-age=5' }, policy(30, 86400, 31536000), now).ttl).toBe(30)
    expect(decideTtl({ 'cache-control': 'no-cache' }, policy(30, 86400, 31536000), now)).toMatchObject({ ttl: 30, store: true })
  })

  it('Expires counts from Date; max-age wins over Expires; an invalid Expires is already expired', () => {
    const date = new Date(now).toUTCString()
    const expires = new Date(now + 120_000).toUTCString()
    expect(decideTtl({ date, expires }, policy(0, 86400, 31536000), now).ttl).toBe(120)
    expect(decideTtl({ date, expires, 'cache-control': 'max-age=7' }, policy(0, 86400, 31536000), now).ttl).toBe(7)
    expect(decideTtl({ expires: '0' }, policy(0, 86400, 31536000), now)).toMatchObject({ store: false })
  })

  it('CachingDisabled never stores', () => {
    expect(decideTtl({ 'cache-control': 'max-age=600' }, resolveCachePolicy('CachingDisabled'), now)).toMatchObject({ ttl: 0, store: false })
  })
})

describe('cache keys', () => {
  const url = new URL('http://x/p?b=2&a=1&utm=x')
  it('hold host and path, plus what the policy names, in a stable order', () => {
    const none = resolveCachePolicy('CachingOptimized')
    expect(cacheKey('GET', 'Shop.Test', url, {}, none)).toBe('GET shop.test /p')
    const some = cachePolicySchema.parse({ queryStrings: { behavior: 'allExcept', names: ['utm'] }, headers: ['Accept-Language'], cookies: { behavior: 'whitelist', names: ['session'] } })
    expect(cacheKey('HEAD', 'shop.test', url, { 'accept-language': 'de', cookie: 'x=1; session=abc' }, some)).toBe('GET shop.test /p ?a=1&b=2 h:accept-language=de c:session=abc')
  })
})

describe('edge cache store', () => {
  const object = (key: string, path: string, size: number) => ({ key, path, status: 200, headers: {}, body: Buffer.alloc(size), storedAt: 0, ttl: 60, ttlWhy: '' })

  it('evicts the least recently used object over its byte budget', () => {
    const cache = new EdgeCache(250)
    cache.set(object('a', '/a', 100))
    cache.set(object('b', '/b', 100))
    cache.get('a')
    cache.set(object('c', '/c', 100))
    expect([cache.get('a') !== undefined, cache.get('b') !== undefined, cache.get('c') !== undefined]).toEqual([true, false, true])
    expect(cache.bytes).toBe(200)
  })

  it('invalidates with CloudFront\'s path rules', () => {
    const cache = new EdgeCache(10_000)
    for (const path of ['/images/a.png', '/images/b.png', '/index.html', '/logo.png', '/logo.svg']) cache.set(object(path, path, 1))
    expect(cache.invalidate(['/images/*'])).toBe(2)
    expect(cache.invalidate(['/logo.*', '/index.html'])).toBe(3)
    expect(cache.size).toBe(0)
    expect(invalidationProblem('images/*')).toContain('must start with')
    expect(invalidationProblem('/a*/b')).toContain('last character')
    expect(invalidationProblem('/*')).toBeUndefined()
  })
})

describe('compression rules', () => {
  it('normalises Accept-Encoding to the enabled formats, br first', async () => {
    const { normaliseAcceptEncoding, compressionFor, weakenEtag } = await import('./compression')
    const both = resolveCachePolicy('CachingOptimized')
    expect(normaliseAcceptEncoding('gzip, deflate, br', both)).toBe('br,gzip')
    expect(normaliseAcceptEncoding('gzip;q=1, br;q=0', both)).toBe('gzip')
    expect(normaliseAcceptEncoding('deflate', both)).toBeUndefined()
    expect(normaliseAcceptEncoding('br', resolveCachePolicy('CachingOptimizedForUncompressedObjects'))).toBeUndefined()
    const response = (status: number, type: string, size: number, extra: Record<string, string> = {}) => ({ status, headers: { 'content-type': type, 'content-length': String(size), ...extra }, body: Buffer.alloc(size) })
    expect(compressionFor('br,gzip', response(200, 'text/html; charset=utf-8', 5000))).toEqual({ encoding: 'br' })
    expect(compressionFor('gzip', response(404, 'application/json', 5000))).toEqual({ encoding: 'gzip' })
    expect(compressionFor('gzip', response(500, 'text/html', 5000))).toMatchObject({ skip: expect.stringContaining('status 500') })
    expect(compressionFor('gzip', response(200, 'image/png', 5000))).toMatchObject({ skip: expect.stringContaining('image/png') })
    expect(compressionFor('gzip', response(200, 'text/html', 999))).toMatchObject({ skip: expect.stringContaining('999 bytes') })
    expect(compressionFor('gzip', response(200, 'text/html', 5000, { 'content-encoding': 'gzip' }))).toMatchObject({ skip: expect.stringContaining('already') })
    expect([weakenEtag('"a"'), weakenEtag('W/"a"'), weakenEtag('a')]).toEqual(['W/"a"', 'W/"a"', undefined])
  })
})
