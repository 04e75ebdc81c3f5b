import type { CacheKeyPolicy, CachePolicy, NameSetting } from './cache-types'

/** CloudFront's defaults for a policy that leaves DefaultTTL / MaxTTL unset (seconds). */
export const CLOUDFRONT_DEFAULT_TTL = 86_400
export const CLOUDFRONT_MAX_TTL = 31_536_000
/** Error caching minimum TTL of a behaviour when no custom error response says otherwise. */
export const CLOUDFRONT_ERROR_CACHING_MIN_TTL = 10

export interface CachePolicyInput {
  name: string
  id?: string
  minTtl: number
  defaultTtl?: number
  maxTtl?: number
  errorCachingMinTtl?: number
  heuristicMaxSec?: number
  key?: Partial<CacheKeyPolicy>
}

/**
 * A cache policy with CloudFront's defaulting rules: DefaultTTL defaults to 86400 but never below
 * MinTTL; MaxTTL defaults to 31536000 but never below DefaultTTL (reference §1.2).
 */
export function makeCachePolicy(input: CachePolicyInput): CachePolicy {
  const defaultTtl = input.defaultTtl ?? Math.max(CLOUDFRONT_DEFAULT_TTL, input.minTtl)
  const maxTtl = input.maxTtl ?? Math.max(CLOUDFRONT_MAX_TTL, defaultTtl)
  const policy: CachePolicy = {
    name: input.name,
    minTtl: input.minTtl,
    defaultTtl,
    maxTtl,
    errorCachingMinTtl: input.errorCachingMinTtl ?? CLOUDFRONT_ERROR_CACHING_MIN_TTL,
    key: {
      headers: input.key?.headers ?? [],
      cookies: input.key?.cookies ?? NONE,
      queryStrings: input.key?.queryStrings ?? NONE,
      enableAcceptEncodingGzip: input.key?.enableAcceptEncodingGzip ?? false,
      enableAcceptEncodingBrotli: input.key?.enableAcceptEncodingBrotli ?? false
    }
  }
  if (input.id !== undefined) policy.id = input.id
  if (input.heuristicMaxSec !== undefined) policy.heuristicMaxSec = input.heuristicMaxSec
  return policy
}

const NONE: NameSetting = { behavior: 'none' }
const ALL: NameSetting = { behavior: 'all' }
const COMPRESSED = { enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: true }
const ORIGIN_HEADERS = [
  'host',
  'origin',
  'x-http-method',
  'x-http-method-override',
  'x-method-override'
]

/** AWS's managed cache policies, with their published IDs, TTLs and key settings. */
export const MANAGED_CACHE_POLICIES = {
  CachingOptimized: makeCachePolicy({
    name: 'CachingOptimized',
    id: '658327ea-f89d-4fab-a63d-7e88639e58f6',
    minTtl: 1,
    defaultTtl: 86_400,
    maxTtl: 31_536_000,
    key: COMPRESSED
  }),
  CachingOptimizedForUncompressedObjects: makeCachePolicy({
    name: 'CachingOptimizedForUncompressedObjects',
    id: 'b2884449-e4de-46a7-ac36-70bc7f1ddd6d',
    minTtl: 1,
    defaultTtl: 86_400,
    maxTtl: 31_536_000
  }),
  CachingDisabled: makeCachePolicy({
    name: 'CachingDisabled',
    id: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
    minTtl: 0,
    defaultTtl: 0,
    maxTtl: 0
  }),
  UseOriginCacheControlHeaders: makeCachePolicy({
    name: 'UseOriginCacheControlHeaders',
    id: '83da9c7e-98b4-4e11-a168-04f0df8e2c65',
    minTtl: 0,
    defaultTtl: 0,
    maxTtl: 31_536_000,
    key: { ...COMPRESSED, headers: ORIGIN_HEADERS, cookies: ALL }
  }),
  'UseOriginCacheControlHeaders-QueryStrings': makeCachePolicy({
    name: 'UseOriginCacheControlHeaders-QueryStrings',
    id: '4cc15a8a-d715-48a4-82b8-cc0b614638fe',
    minTtl: 0,
    defaultTtl: 0,
    maxTtl: 31_536_000,
    key: { ...COMPRESSED, headers: ORIGIN_HEADERS, cookies: ALL, queryStrings: ALL }
  }),
  Amplify: makeCachePolicy({
    name: 'Amplify',
    id: '2e54312d-136d-493c-8eb9-b001f22f67d2',
    minTtl: 2,
    defaultTtl: 2,
    maxTtl: 600,
    key: {
      ...COMPRESSED,
      headers: ['authorization', 'cloudfront-viewer-country', 'host'],
      cookies: ALL,
      queryStrings: ALL
    }
  }),
  'Elemental-MediaPackage': makeCachePolicy({
    name: 'Elemental-MediaPackage',
    id: '08627262-05a9-4f76-9ded-b50ca2e3a84f',
    minTtl: 0,
    defaultTtl: 86_400,
    maxTtl: 31_536_000,
    key: {
      enableAcceptEncodingGzip: true,
      headers: ['origin'],
      queryStrings: { behavior: 'whitelist', names: ['aws.manifestfilter', 'start', 'end', 'm'] }
    }
  })
} as const satisfies Record<string, CachePolicy>

export type ManagedCachePolicyName = keyof typeof MANAGED_CACHE_POLICIES

/** A managed policy by name or ID; undefined when neither matches. */
export function managedCachePolicy(nameOrId: string): CachePolicy | undefined {
  for (const [name, policy] of Object.entries(MANAGED_CACHE_POLICIES)) {
    if (name === nameOrId || policy.id === nameOrId) return policy
  }
  return undefined
}
