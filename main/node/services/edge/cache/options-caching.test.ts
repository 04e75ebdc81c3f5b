import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { cacheKey } from './cache-key'
import { makeCachePolicy } from './cache-policies'
import { CacheStore } from './cache-store'
import type { CachedRequest, HeaderMap } from './cache-types'

const policy = makeCachePolicy({ name: 'test', minTtl: 0 })
const request = (method: string, headers: HeaderMap = {}): CachedRequest => ({ method, url: '/api/items', headers: { host: 'd1.cloudfront.net', ...headers } })
const preflight = { origin: 'https://a.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' }

describe('cached OPTIONS (CloudFront CachedMethods GET_HEAD_OPTIONS)', () => {
  it.each([
    { name: 'same preflight headers: one key', a: preflight, b: { ...preflight }, same: true },
    { name: 'another Origin: another key', a: preflight, b: { ...preflight, origin: 'https://b.example' }, same: false },
    { name: 'another Access-Control-Request-Method: another key', a: preflight, b: { ...preflight, 'access-control-request-method': 'DELETE' }, same: false },
    { name: 'another Access-Control-Request-Headers: another key', a: preflight, b: { ...preflight, 'access-control-request-headers': 'x-token' }, same: false },
    { name: 'a preflight and a plain OPTIONS: two keys', a: preflight, b: {}, same: false },
    { name: 'headers the preflight does not depend on: one key', a: preflight, b: { ...preflight, 'user-agent': 'other' }, same: true }
  ])('$name', ({ a, b, same }) => {
    expect(cacheKey(request('OPTIONS', a), policy.key) === cacheKey(request('OPTIONS', b), policy.key)).toBe(same)
  })

  it('keys GET without the preflight headers, so GET and HEAD keep sharing one object', () => {
    expect(cacheKey(request('GET', preflight), policy.key)).toBe('d1.cloudfront.net/api/items')
    expect(cacheKey(request('OPTIONS', preflight), policy.key)).toMatch(/^OPTIONS d1\.cloudfront\.net\/api\/items\|o:origin=/)
  })

  it.each([
    { cacheOptions: undefined, stored: false },
    { cacheOptions: false, stored: false },
    { cacheOptions: true, stored: true }
  ])('cacheOptions $cacheOptions: an OPTIONS answer stored $stored, apart from GET', ({ cacheOptions, stored }) => {
    const clock = new FakeClock()
    const store = new CacheStore({ maxBytes: 100_000, policy, ...(cacheOptions === undefined ? {} : { cacheOptions }) })
    const response = { status: 204, headers: { 'cache-control': 'max-age=600', 'access-control-allow-origin': 'https://a.example' }, body: new Uint8Array(), requestTime: clock.now(), responseTime: clock.now() }
    expect(store.store(request('OPTIONS', preflight), response).stored).toBe(stored)
    expect(store.lookup(request('OPTIONS', preflight), clock.now()).status).toBe(stored ? 'fresh' : 'miss')
    expect(store.lookup(request('OPTIONS', { ...preflight, origin: 'https://b.example' }), clock.now()).status).toBe('miss')
    expect(store.lookup(request('GET'), clock.now()).status).toBe('miss')
  })
})
