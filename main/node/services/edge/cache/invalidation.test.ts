import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { makeCachePolicy } from './cache-policies'
import { CacheStore } from './cache-store'
import type { CachedRequest, CachedResponse, HeaderMap } from './cache-types'
import { isUnsafeMethod, unsafeInvalidationTargets } from './invalidation'

const host = 'd1.cloudfront.net'
const request = (method: string, url = '/items/1'): CachedRequest => ({
  method,
  url,
  headers: { host }
})
const response = (status: number, headers: HeaderMap = {}, at = 0): CachedResponse => ({
  status,
  headers,
  body: new TextEncoder().encode('x'),
  requestTime: at,
  responseTime: at
})

describe('RFC 9111 §4.4 invalidation targets', () => {
  it.each<{ method: string; status: number; headers: HeaderMap; targets: string[] }>([
    { method: 'POST', status: 201, headers: {}, targets: ['/items/1'] },
    { method: 'PUT', status: 204, headers: {}, targets: ['/items/1'] },
    { method: 'DELETE', status: 200, headers: {}, targets: ['/items/1'] },
    { method: 'PATCH', status: 302, headers: {}, targets: ['/items/1'] },
    { method: 'PURGE', status: 200, headers: {}, targets: ['/items/1'] },
    { method: 'POST', status: 400, headers: {}, targets: [] },
    { method: 'POST', status: 500, headers: {}, targets: [] },
    { method: 'GET', status: 200, headers: {}, targets: [] },
    { method: 'OPTIONS', status: 200, headers: {}, targets: [] },
    {
      method: 'POST',
      status: 201,
      headers: { location: '/items/2' },
      targets: ['/items/1', '/items/2']
    },
    {
      method: 'POST',
      status: 201,
      headers: { Location: 'other?x=1' },
      targets: ['/items/1', '/items/other?x=1']
    },
    {
      method: 'PUT',
      status: 200,
      headers: { 'content-location': `http://${host}/c` },
      targets: ['/items/1', '/c']
    },
    {
      method: 'POST',
      status: 201,
      headers: { location: 'http://elsewhere.test/items/9' },
      targets: ['/items/1']
    },
    {
      method: 'POST',
      status: 201,
      headers: { location: `https://${host}/s` },
      targets: ['/items/1']
    },
    { method: 'POST', status: 201, headers: { location: 'http://[bad' }, targets: ['/items/1'] }
  ])('$method → $status $headers invalidates $targets', ({ method, status, headers, targets }) => {
    expect(unsafeInvalidationTargets(request(method), response(status, headers), host)).toEqual(
      targets
    )
  })

  it('knows the safe methods (RFC 9110 §9.2.1); unknown methods are unsafe', () => {
    expect(['GET', 'head', 'OPTIONS', 'TRACE'].map(isUnsafeMethod)).toEqual([
      false,
      false,
      false,
      false
    ])
    expect(['POST', 'PUT', 'DELETE', 'PATCH', 'BREW'].map(isUnsafeMethod)).toEqual([
      true,
      true,
      true,
      true,
      true
    ])
  })
})

describe('CacheStore.invalidateAfterUnsafe', () => {
  const policy = makeCachePolicy({
    name: 'qs',
    minTtl: 0,
    key: { queryStrings: { behavior: 'whitelist', names: ['v'] }, headers: ['accept-language'] }
  })
  const setup = () => {
    const clock = new FakeClock()
    const store = new CacheStore({ maxBytes: 100_000, policy, host })
    const put = (url: string, headers: HeaderMap = {}) =>
      store.store(
        { method: 'GET', url, headers: { host, ...headers } },
        response(200, { 'cache-control': 'max-age=600' }, clock.now())
      )
    const fresh = (url: string, headers: HeaderMap = {}) =>
      store.lookup({ method: 'GET', url, headers: { host, ...headers } }, clock.now()).status
    return { clock, store, put, fresh }
  }

  it.each<{
    name: string
    method: string
    status: number
    headers: HeaderMap
    gone: string[]
    kept: string[]
  }>([
    {
      name: 'a successful POST removes every variant of the target',
      method: 'POST',
      status: 200,
      headers: {},
      gone: ['/items/1', '/items/1 de'],
      kept: ['/items/2', '/items/1?v=2']
    },
    {
      name: 'a failed POST removes nothing',
      method: 'POST',
      status: 503,
      headers: {},
      gone: [],
      kept: ['/items/1', '/items/1 de', '/items/2']
    },
    {
      name: 'Location on the same host goes too',
      method: 'PUT',
      status: 201,
      headers: { location: '/items/2' },
      gone: ['/items/1', '/items/2'],
      kept: ['/items/1?v=2']
    },
    {
      name: 'Content-Location on the same host goes too',
      method: 'DELETE',
      status: 200,
      headers: { 'content-location': '/items/1?v=2' },
      gone: ['/items/1', '/items/1?v=2'],
      kept: ['/items/2']
    },
    {
      name: 'a query outside the key is ignored, as lookups ignore it',
      method: 'POST',
      status: 200,
      headers: { location: '/items/2?utm=x' },
      gone: ['/items/2'],
      kept: []
    }
  ])('$name', ({ method, status, headers, gone, kept }) => {
    const { store, put, fresh } = setup()
    const parse = (spec: string) => {
      const [url, lang] = spec.split(' ')
      return [url!, (lang ? { 'accept-language': lang } : {}) as HeaderMap] as const
    }
    for (const spec of ['/items/1', '/items/1 de', '/items/2', '/items/1?v=2']) put(...parse(spec))
    store.invalidateAfterUnsafe(
      { method, url: '/items/1', headers: { host } },
      response(status, headers)
    )
    for (const spec of gone) expect(fresh(...parse(spec)), spec).toBe('miss')
    for (const spec of kept) expect(fresh(...parse(spec)), spec).toBe('fresh')
  })
})
