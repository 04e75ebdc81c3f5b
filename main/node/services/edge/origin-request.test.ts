import { describe, expect, it } from 'vitest'
import { managedOriginRequestPolicies, resolveCachePolicy } from '../../../common/services/edge/edge-config'
import { originRequest } from './origin-request'

const viewer = { host: 'cdn.lab', 'user-agent': 'curl/8', origin: 'https://app.lab', 'x-custom': '1', cookie: 'session=a; theme=dark', 'if-none-match': '"x"', connection: 'keep-alive' }
const url = new URL('http://cdn.lab/items?page=2&utm=x')

describe('origin requests', () => {
  it('without an origin request policy the origin gets only the cache key', () => {
    const result = originRequest(url, viewer, resolveCachePolicy('CachingOptimized'), undefined)
    expect(result).toEqual({ path: '/items', headers: { 'user-agent': 'Amazon CloudFront' }, note: '2 query string(s) and 2 cookie(s) not in the cache key (no origin request policy): not sent to the origin' })
  })

  it('AllViewer forwards every viewer header (Host too), cookie and query string', () => {
    const result = originRequest(url, viewer, resolveCachePolicy('CachingOptimized'), managedOriginRequestPolicies['AllViewer'])
    expect(result.path).toBe('/items?page=2&utm=x')
    expect(result.headers).toEqual({ host: 'cdn.lab', 'user-agent': 'curl/8', origin: 'https://app.lab', 'x-custom': '1', cookie: 'session=a; theme=dark' })
    expect(result.note).toBe('')
  })

  it('AllViewerExceptHostHeader keeps the origin\'s Host; CORS-CustomOrigin adds only Origin; the cache key is always sent', () => {
    expect(originRequest(url, viewer, resolveCachePolicy('CachingOptimized'), managedOriginRequestPolicies['AllViewerExceptHostHeader']).headers['host']).toBeUndefined()
    const cors = originRequest(url, viewer, resolveCachePolicy('UseOriginCacheControlHeaders'), managedOriginRequestPolicies['CORS-CustomOrigin'])
    expect(cors.headers).toEqual({ host: 'cdn.lab', origin: 'https://app.lab', cookie: 'session=a; theme=dark', 'user-agent': 'Amazon CloudFront' })
  })
})
