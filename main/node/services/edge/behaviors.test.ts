import { describe, expect, it } from 'vitest'
import { edgeConfigSchema, managedCachePolicies, managedCachePolicyIds } from '../../../common/services/edge/edge-config'
import { corePolicy } from './behaviors'
import { MANAGED_CACHE_POLICIES } from './cache/cache-policies'

describe('cache policies', () => {
  it.each([
    // IDs as AWS publishes them ("Use managed cache policies", CloudFront Developer Guide).
    { name: 'CachingOptimized', id: '658327ea-f89d-4fab-a63d-7e88639e58f6', ttls: [1, 86400, 31536000] },
    { name: 'CachingOptimizedForUncompressedObjects', id: 'b2884449-e4de-46a7-ac36-70bc7f1ddd6d', ttls: [1, 86400, 31536000] },
    { name: 'CachingDisabled', id: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', ttls: [0, 0, 0] },
    { name: 'UseOriginCacheControlHeaders', id: '83da9c7e-98b4-4e11-a168-04f0df8e2c65', ttls: [0, 0, 31536000] },
    { name: 'UseOriginCacheControlHeaders-QueryStrings', id: '4cc15a8a-d715-48a4-82b8-cc0b614638fe', ttls: [0, 0, 31536000] }
  ] as const)('$name is $id with TTLs $ttls, and the config and the core agree on it', ({ name, id, ttls }) => {
    const policy = corePolicy(name)
    expect(policy.id).toBe(id)
    expect([policy.minTtl, policy.defaultTtl, policy.maxTtl]).toEqual(ttls)
    const config = managedCachePolicies[name]
    expect([config.minTtl, config.defaultTtl, config.maxTtl]).toEqual(ttls)
    expect([config.gzip, config.brotli]).toEqual([policy.key.enableAcceptEncodingGzip, policy.key.enableAcceptEncodingBrotli])
    expect([...config.headers].sort()).toEqual([...policy.key.headers].sort())
    expect(config.cookies.behavior).toBe(policy.key.cookies.behavior)
    expect(config.queryStrings.behavior).toBe(policy.key.queryStrings.behavior)
  })

  it('a lab may name a managed policy by its AWS ID', () => {
    for (const [id, name] of Object.entries(managedCachePolicyIds)) {
      const config = edgeConfigSchema.parse({ origins: [{ id: 'o', url: 'http://127.0.0.1:1' }], defaultBehavior: { origin: 'o', cachePolicy: id } })
      expect(config.defaultBehavior.cachePolicy).toBe(name)
      expect(corePolicy(config.defaultBehavior.cachePolicy).id).toBe(id)
    }
  })

  it('every managed policy the config accepts exists in the core', () => {
    for (const name of Object.keys(managedCachePolicies)) expect(MANAGED_CACHE_POLICIES).toHaveProperty([name])
  })

  it('maps a lab\'s own policy, whitelists with their names and the Netloom heuristic', () => {
    const policy = corePolicy({ minTtl: 5, defaultTtl: 60, maxTtl: 600, headers: ['Accept-Language'], cookies: { behavior: 'whitelist', names: ['s'] }, queryStrings: { behavior: 'all', names: [] }, gzip: true, brotli: false, heuristicFreshness: 300 })
    expect(policy).toMatchObject({ minTtl: 5, defaultTtl: 60, maxTtl: 600, heuristicMaxSec: 300 })
    expect(policy.key).toEqual({ headers: ['Accept-Language'], cookies: { behavior: 'whitelist', names: ['s'] }, queryStrings: { behavior: 'all' }, enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: false })
  })
})
