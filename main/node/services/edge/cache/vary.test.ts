import { describe, expect, it } from 'vitest'
import { MANAGED_CACHE_POLICIES } from './cache-policies'
import type { CachedRequest, HeaderMap } from './cache-types'
import {
  cloudFrontVary,
  normaliseFieldValue,
  secondaryKey,
  varyHeaderNames,
  varyMatches
} from './vary'

const req = (headers: HeaderMap): CachedRequest => ({ method: 'GET', url: '/', headers })

describe('vary', () => {
  it('RFC 9110 §12.5.5: names are case-insensitive, listed over several lines', () => {
    expect(varyHeaderNames({ Vary: ['Accept-Language, X-A', 'x-a'] })).toEqual([
      'accept-language',
      'x-a'
    ])
    expect(varyHeaderNames({})).toEqual([])
  })

  it('RFC 9111 §4.1: Vary: * never matches', () => {
    expect(varyHeaderNames({ vary: 'accept, *' })).toBe('*')
    expect(varyMatches('*', '[]', req({}))).toBe(false)
  })

  it('§4.1: matching values, combined lines and trimmed whitespace are the same variant', () => {
    const names = ['accept-language']
    const stored = secondaryKey(req({ 'accept-language': 'en, fr' }), names)
    expect(varyMatches(names, stored, req({ 'Accept-Language': ['en', ' fr '] }))).toBe(true)
    expect(varyMatches(names, stored, req({ 'accept-language': 'en,fr' }))).toBe(true)
    expect(varyMatches(names, stored, req({ 'accept-language': 'fr, en' }))).toBe(false)
  })

  it('§4.1: a field absent in both requests matches; absent in one does not', () => {
    const names = ['x-a']
    expect(varyMatches(names, secondaryKey(req({}), names), req({}))).toBe(true)
    expect(varyMatches(names, secondaryKey(req({}), names), req({ 'x-a': '' }))).toBe(false)
  })

  it('normaliseFieldValue combines lines with commas and trims', () => {
    expect(normaliseFieldValue([' a ,b', 'c '])).toBe('a,b,c')
    expect(normaliseFieldValue([])).toBeUndefined()
  })

  it('with Accept-Encoding normalisation, variants follow the normalised value', () => {
    const policy = MANAGED_CACHE_POLICIES.CachingOptimized.key
    const names = ['accept-encoding']
    const stored = secondaryKey(req({ 'accept-encoding': 'gzip, deflate, br' }), names, policy)
    expect(varyMatches(names, stored, req({ 'accept-encoding': 'br, gzip' }), policy)).toBe(true)
    expect(varyMatches(names, stored, req({ 'accept-encoding': 'gzip' }), policy)).toBe(false)
  })

  it('CloudFront §1.4: keeps only Accept-Encoding, Cookie, forwarded headers, User-Agent with device headers', () => {
    const names = ['accept-encoding', 'cookie', 'origin', 'user-agent', 'x-other']
    expect(cloudFrontVary(names, ['Origin'])).toEqual(['accept-encoding', 'cookie', 'origin'])
    expect(cloudFrontVary(names, ['CloudFront-Is-Mobile-Viewer'])).toEqual([
      'accept-encoding',
      'cookie',
      'user-agent'
    ])
  })

  it('under an all-viewer origin request policy every name is forwarded, so every name is kept', () => {
    const names = ['accept-language', 'x-other']
    expect(cloudFrontVary(names, { allExcept: [] })).toEqual(names)
    expect(cloudFrontVary(names, { allExcept: ['X-Other'] })).toEqual(['accept-language'])
  })
})
