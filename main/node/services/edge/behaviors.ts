import { managedOriginRequestPolicies, resolveCachePolicy, type EdgeBehavior, type EdgeConfig, type OriginRequestPolicy } from '../../../common/services/edge/edge-config'
import { managedResponseHeadersPolicies, type ResponseHeadersPolicy } from '../../../common/services/edge/response-headers-policy'
import { makeCachePolicy, managedCachePolicy } from './cache/cache-policies'
import type { CacheStore } from './cache/cache-store'
import type { CachePolicy, NameSetting } from './cache/cache-types'
import type { ForwardedHeaders } from './cache/vary'
import { compilePathPattern } from './path-pattern'

/** A cache behavior with everything it needs resolved once per configuration, not per request. */
export interface ResolvedBehavior {
  match: RegExp
  behavior: EdgeBehavior
  /** The config's policy: cache key fields as origin-request.ts reads them. */
  keyPolicy: ReturnType<typeof resolveCachePolicy>
  /** The same policy for the cache core, with the distribution's error caching TTLs. */
  policy: CachePolicy
  /** The distribution's cache under this behavior's policy. */
  cache: CacheStore
  headersPolicy: ResponseHeadersPolicy | undefined
  originRequestPolicy: OriginRequestPolicy | undefined
  /** Request headers that reach the origin: the key's and the origin request policy's. */
  forwardedHeaders: ForwardedHeaders
  /** `behavior /static/* → origin app`, the start of every log line. */
  which: string
  /** The metrics' `behavior` label: the path pattern, or `default` for the default behavior. */
  label: string
}

/** Behaviors in order, the default last: the first whose path pattern matches a path serves it. */
export function resolveBehaviors(config: EdgeConfig, store: CacheStore): ResolvedBehavior[] {
  const errorTtls = Object.fromEntries(config.customErrorResponses.map((custom) => [custom.errorCode, custom.errorCachingMinTtl]))
  const resolved = (match: RegExp, behavior: EdgeBehavior, label = behavior.pathPattern ?? 'default'): ResolvedBehavior => {
    const policy = { ...corePolicy(behavior.cachePolicy), errorCachingMinTtlByStatus: errorTtls }
    const originRequestPolicy = typeof behavior.originRequestPolicy === 'string' ? managedOriginRequestPolicies[behavior.originRequestPolicy] : behavior.originRequestPolicy
    const forwardedHeaders = forwardedHeaderNames(policy.key.headers, originRequestPolicy)
    return {
      match,
      behavior,
      keyPolicy: resolveCachePolicy(behavior.cachePolicy),
      policy,
      cache: store.withPolicy(policy, { forwardedHeaders, cacheOptions: behavior.cachedMethods === 'GET_HEAD_OPTIONS' }),
      headersPolicy: typeof behavior.responseHeadersPolicy === 'string' ? managedResponseHeadersPolicies[behavior.responseHeadersPolicy] : behavior.responseHeadersPolicy,
      originRequestPolicy,
      forwardedHeaders,
      which: `behavior ${behavior.pathPattern ?? '*'} → origin ${behavior.origin}`,
      label
    }
  }
  return [...config.behaviors.map((behavior) => resolved(compilePathPattern(behavior.pathPattern), behavior)), resolved(/^/, { ...config.defaultBehavior, pathPattern: '*' }, 'default')]
}

/** A managed policy by name (with its ID), or a lab's own policy, as the cache core's type. */
export function corePolicy(setting: EdgeBehavior['cachePolicy']): CachePolicy {
  if (typeof setting === 'string') {
    const managed = managedCachePolicy(setting)
    if (!managed) throw new Error(`unknown managed cache policy ${setting}`)
    return managed
  }
  return makeCachePolicy({
    name: 'custom',
    minTtl: setting.minTtl,
    defaultTtl: setting.defaultTtl,
    maxTtl: setting.maxTtl,
    ...(setting.heuristicFreshness === undefined ? {} : { heuristicMaxSec: setting.heuristicFreshness }),
    key: {
      headers: setting.headers,
      cookies: nameSetting(setting.cookies),
      queryStrings: nameSetting(setting.queryStrings),
      enableAcceptEncodingGzip: setting.gzip,
      enableAcceptEncodingBrotli: setting.brotli
    }
  })
}

function nameSetting(rule: { behavior: 'none' | 'whitelist' | 'allExcept' | 'all'; names: string[] }): NameSetting {
  return rule.behavior === 'whitelist' || rule.behavior === 'allExcept' ? { behavior: rule.behavior, names: rule.names } : { behavior: rule.behavior }
}

/** What reaches the origin of a viewer's headers: the cache key's, and what the origin request policy adds. */
function forwardedHeaderNames(keyHeaders: readonly string[], policy: OriginRequestPolicy | undefined): ForwardedHeaders {
  switch (policy?.headers.behavior) {
    case 'whitelist':
      return [...keyHeaders, ...policy.headers.names]
    case 'allViewer':
    case 'allViewerAndWhitelistCloudFront':
      return { allExcept: [] }
    case 'allExcept':
      return { allExcept: policy.headers.names.filter((name) => !keyHeaders.some((key) => key.toLowerCase() === name.toLowerCase())) }
    default:
      return keyHeaders
  }
}
