import { describe, expect, it } from 'vitest'
import { resolveCachePolicy } from '../../../common/services/edge/edge-config'
import { forwardsCookies, setCookieRule } from './set-cookie'

const none = { behavior: 'none' as const, names: [] }
const behavior = (cachePolicy: Parameters<typeof resolveCachePolicy>[0], cookies?: 'none' | 'all') => ({
  keyPolicy: resolveCachePolicy(cachePolicy),
  originRequestPolicy: cookies === undefined ? undefined : { headers: none, queryStrings: none, cookies: { behavior: cookies, names: [] } }
})

describe('Set-Cookie (CloudFront passes it on only when cookies are forwarded)', () => {
  it('reads the cache policy and the origin request policy', () => {
    expect(forwardsCookies(behavior('CachingOptimized'))).toBe(false)
    expect(forwardsCookies(behavior('CachingOptimized', 'none'))).toBe(false)
    expect(forwardsCookies(behavior('CachingOptimized', 'all'))).toBe(true)
    expect(forwardsCookies(behavior('UseOriginCacheControlHeaders'))).toBe(true)
  })

  it('drops the header with a note, or leaves the headers alone', () => {
    const headers = { 'set-cookie': ['a=1', 'b=2'], etag: '"1"' }
    expect(setCookieRule(headers, behavior('CachingOptimized'))).toEqual({ headers: { etag: '"1"' }, note: "the origin's Set-Cookie (2) dropped: this behavior forwards no cookies" })
    expect(setCookieRule(headers, behavior('CachingOptimized', 'all')).headers).toBe(headers)
    expect(setCookieRule({ etag: '"1"' }, behavior('CachingOptimized')).note).toBe('')
  })
})
