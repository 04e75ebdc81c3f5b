import { z } from 'zod'
import { originSettingsFields } from './origin-settings'
import { managedResponseHeadersPolicies, responseHeadersPolicySchema } from './response-headers-policy'
import { defaultSecurityPolicy, securityPolicyNames } from './security-policy-names'

const useOriginCacheControlHeaders = {
  minTtl: 0,
  defaultTtl: 0,
  maxTtl: 31536000,
  queryStrings: { behavior: 'none' },
  headers: ['host', 'origin', 'x-http-method', 'x-http-method-override', 'x-method-override'],
  cookies: { behavior: 'all' },
  gzip: true,
  brotli: true
} as const

/** CloudFront's managed cache policies (by name), with their exact TTLs and cache-key settings. */
export const managedCachePolicies = {
  CachingOptimized: { minTtl: 1, defaultTtl: 86400, maxTtl: 31536000, queryStrings: { behavior: 'none' }, headers: [], cookies: { behavior: 'none' }, gzip: true, brotli: true },
  CachingOptimizedForUncompressedObjects: { minTtl: 1, defaultTtl: 86400, maxTtl: 31536000, queryStrings: { behavior: 'none' }, headers: [], cookies: { behavior: 'none' }, gzip: false, brotli: false },
  CachingDisabled: { minTtl: 0, defaultTtl: 0, maxTtl: 0, queryStrings: { behavior: 'none' }, headers: [], cookies: { behavior: 'none' }, gzip: false, brotli: false },
  UseOriginCacheControlHeaders: useOriginCacheControlHeaders,
  'UseOriginCacheControlHeaders-QueryStrings': { ...useOriginCacheControlHeaders, queryStrings: { behavior: 'all' } }
} as const

/**
 * The IDs AWS publishes for its managed cache policies (used by the API, CLI and CloudFormation), so
 * a lab may name a policy either way.
 */
export const managedCachePolicyIds: Record<string, keyof typeof managedCachePolicies> = {
  '658327ea-f89d-4fab-a63d-7e88639e58f6': 'CachingOptimized',
  'b2884449-e4de-46a7-ac36-70bc7f1ddd6d': 'CachingOptimizedForUncompressedObjects',
  '4135ea2d-6df8-44a3-9df3-4b5a84be39ad': 'CachingDisabled',
  '83da9c7e-98b4-4e11-a168-04f0df8e2c65': 'UseOriginCacheControlHeaders',
  '4cc15a8a-d715-48a4-82b8-cc0b614638fe': 'UseOriginCacheControlHeaders-QueryStrings'
}

const keyList = z
  .object({
    behavior: z.enum(['none', 'whitelist', 'allExcept', 'all']).default('none'),
    names: z.array(z.string().min(1)).max(10).default([])
  })
  .strict()

const forwardList = z
  .object({
    behavior: z.enum(['none', 'whitelist', 'allExcept', 'all']).default('none'),
    names: z.array(z.string().min(1)).max(10).default([])
  })
  .strict()

/** What reaches the origin besides the cache key (CloudFront origin request policies). */
export const originRequestPolicySchema = z
  .object({
    headers: z
      .object({
        behavior: z.enum(['none', 'whitelist', 'allViewer', 'allViewerAndWhitelistCloudFront', 'allExcept']).default('none'),
        names: z.array(z.string().min(1)).max(10).default([])
      })
      .strict()
      .prefault({}),
    cookies: forwardList.prefault({}),
    queryStrings: forwardList.prefault({})
  })
  .strict()

export type OriginRequestPolicy = z.output<typeof originRequestPolicySchema>

/** CloudFront's managed origin request policies, by name. */
export const managedOriginRequestPolicies: Record<string, OriginRequestPolicy> = {
  AllViewer: { headers: { behavior: 'allViewer', names: [] }, cookies: { behavior: 'all', names: [] }, queryStrings: { behavior: 'all', names: [] } },
  AllViewerExceptHostHeader: { headers: { behavior: 'allExcept', names: ['host'] }, cookies: { behavior: 'all', names: [] }, queryStrings: { behavior: 'all', names: [] } },
  'CORS-CustomOrigin': { headers: { behavior: 'whitelist', names: ['origin'] }, cookies: { behavior: 'none', names: [] }, queryStrings: { behavior: 'none', names: [] } },
  'CORS-S3Origin': { headers: { behavior: 'whitelist', names: ['origin', 'access-control-request-headers', 'access-control-request-method'] }, cookies: { behavior: 'none', names: [] }, queryStrings: { behavior: 'none', names: [] } },
  UserAgentRefererHeaders: { headers: { behavior: 'whitelist', names: ['user-agent', 'referer'] }, cookies: { behavior: 'none', names: [] }, queryStrings: { behavior: 'none', names: [] } }
}

export const cachePolicySchema = z
  .object({
    minTtl: z.number().int().min(0).default(0).describe('Seconds: never cache for less (even no-cache/no-store/private responses when > 0).'),
    defaultTtl: z.number().int().min(0).default(86400).describe('Seconds, when the origin sends no Cache-Control max-age/s-maxage or Expires.'),
    maxTtl: z.number().int().min(0).default(31536000).describe('Seconds: never cache for longer.'),
    queryStrings: keyList.prefault({}).describe('Query strings in the cache key.'),
    headers: z.array(z.string().min(1)).max(10).default([]).describe('Request headers in the cache key (their values).'),
    cookies: keyList.prefault({}).describe('Cookies in the cache key.'),
    gzip: z.boolean().default(true).describe('EnableAcceptEncodingGzip: normalise Accept-Encoding into the key; allows gzip at the edge.'),
    brotli: z.boolean().default(true).describe('EnableAcceptEncodingBrotli: the same for br (preferred when both are accepted).'),
    heuristicFreshness: z
      .number()
      .int()
      .min(0)
      .max(31536000)
      .optional()
      .describe('Netloom, not CloudFront: when the origin gives no lifetime but a Last-Modified, keep it for 10% of its age (RFC 9111 §4.2.2), at most this many seconds, instead of DefaultTTL.')
  })
  .strict()

export type CachePolicy = z.output<typeof cachePolicySchema>

const pathPattern = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_\-.*$/~"'@:+&?]+$/, 'may contain A-Z a-z 0-9 _ - . * ? $ / ~ " \' @ : + &')

const behaviorFields = {
  origin: z.string().min(1).describe('Id of the origin (in `origins`) this behavior sends requests to.'),
  cachePolicy: z
    .union([
      z.enum(Object.keys(managedCachePolicies) as [keyof typeof managedCachePolicies]),
      z.enum(Object.keys(managedCachePolicyIds) as [string, ...string[]]).transform((id) => managedCachePolicyIds[id]!),
      cachePolicySchema
    ])
    .default('CachingOptimized')
    .describe('A managed policy by name or by its AWS ID, or TTLs and cache key of your own.'),
  allowedMethods: z
    .enum(['GET_HEAD', 'GET_HEAD_OPTIONS', 'ALL'])
    .default('GET_HEAD')
    .describe('GET_HEAD, GET_HEAD_OPTIONS, or ALL seven methods; others get 403.'),
  cachedMethods: z
    .enum(['GET_HEAD', 'GET_HEAD_OPTIONS'])
    .default('GET_HEAD')
    .describe('CloudFront\'s CachedMethods: GET and HEAD responses are always cached; GET_HEAD_OPTIONS caches OPTIONS responses too, under their own key (by Origin and the Access-Control-Request-* headers). Needs OPTIONS in allowedMethods.'),
  compress: z.boolean().default(true).describe('Compress objects at the edge (gzip/br) when the cache policy allows (the console\'s default).'),
  originRequestPolicy: z
    .union([z.enum(Object.keys(managedOriginRequestPolicies) as [string, ...string[]]), originRequestPolicySchema])
    .optional()
    .describe('What the origin gets besides the cache key: a managed policy (AllViewer, AllViewerExceptHostHeader, CORS-CustomOrigin, ...) or headers, cookies and query strings of your own. Without one, only the cache key reaches the origin.'),
  viewerProtocolPolicy: z
    .enum(['allow-all', 'redirect-to-https', 'https-only'])
    .default('allow-all')
    .describe('Plain HTTP viewers: served, redirected to HTTPS (301 for GET/HEAD, 307 otherwise), or refused with 403. Needs `https`.'),
  functionAssociations: z
    .object({
      viewerRequest: z.string().optional().describe('Id of a function (in `functions`) run on each viewer request, before the cache.'),
      viewerResponse: z.string().optional().describe('Id of a function run on each response, before it goes to the viewer.')
    })
    .strict()
    .optional()
    .describe('CloudFront Functions for this behavior.'),
  responseHeadersPolicy: z
    .union([z.enum(Object.keys(managedResponseHeadersPolicies) as [string, ...string[]]), responseHeadersPolicySchema])
    .optional()
    .describe('A managed response headers policy by name (SimpleCORS, SecurityHeadersPolicy, ...) or CORS, security, custom and removed headers of your own.')
}

export const edgeConfigSchema = z
  .object({
    origins: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
            service: z.string().optional().describe('A lab service id: its HTTP address.'),
            url: z.string().regex(/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/, 'must be http:// on a loopback address').optional(),
            ...originSettingsFields
          })
          .strict()
          .refine((o) => (o.service === undefined) !== (o.url === undefined), { message: 'give either service or url' })
      )
      .min(1)
      .describe('Where the edge fetches from.'),
    originGroups: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
            primary: z.string().min(1),
            secondary: z.string().min(1),
            failoverStatusCodes: z
              .array(z.union([z.literal(400), z.literal(403), z.literal(404), z.literal(416), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]))
              .min(1)
              .default([500, 502, 503, 504])
              .describe('Statuses from the primary that send the request to the secondary (CloudFront allows 400 403 404 416 500 502 503 504).')
          })
          .strict()
      )
      .max(10)
      .default([])
      .describe('Pairs of origins: GET, HEAD and OPTIONS go to the secondary when the primary fails or answers a failover status.'),
    behaviors: z
      .array(z.object({ pathPattern: pathPattern.describe('`*` any characters, `?` one; case-sensitive; first match wins.'), ...behaviorFields }).strict())
      .max(75)
      .default([])
      .describe('Cache behaviors, in order; the default behavior comes last.'),
    defaultBehavior: z.object(behaviorFields).strict().describe('The `*` behavior.'),
    cacheBytes: z.number().int().min(0).default(64 * 1024 * 1024).describe('Cache size; least recently used objects go first.'),
    diskCache: z
      .object({
        dir: z.string().min(1).optional().describe('Folder of the on-disk store, relative to the lab file. Default: a folder for this lab and service under the user\'s Netloom data folder, outside the lab and any repository.'),
        maxBytes: z.number().int().min(1).describe('Size of the on-disk store (files of bodies and stored metadata); least recently used objects go first.')
      })
      .strict()
      .optional()
      .describe('Netloom: an on-disk second tier. What the in-memory cache evicts is written here instead of dropped, read back on a later request, and kept across restarts. Off by default.'),
    https: z
      .object({
        port: z.number().int().min(0).max(65535).default(0).describe('Port of the HTTPS listener (0: any free port), on the service\'s listen host.'),
        names: z.array(z.string().min(1)).min(1).default(['localhost', '127.0.0.1']).describe('Names and addresses the certificates cover (SNI picks per name); issued by the lab CA.'),
        securityPolicy: z.enum(securityPolicyNames).default(defaultSecurityPolicy).describe('CloudFront security policy: the lowest TLS version and the ciphers offered.')
      })
      .strict()
      .optional()
      .describe('TLS at the edge: HTTP/2 and HTTP/1.1 over TLS with certificates from the lab CA (`netloom ca export` to trust it).'),
    accessLog: z
      .object({
        file: z.string().min(1).describe('File to append to, relative to the lab file, e.g. logs/cdn.log (its folder must exist).'),
        includeCookies: z.boolean().default(false).describe('Write the viewer\'s Cookie header in cs(Cookie), as CloudFront\'s IncludeCookies; otherwise -.')
      })
      .strict()
      .optional()
      .describe('Standard access logs: one line per viewer request in CloudFront\'s standard log (legacy) format, tab-separated, with #Version and #Fields headers. Off by default.'),
    viewerCacheControl: z
      .enum(['ignore', 'honor'])
      .default('ignore')
      .describe('ignore: as CloudFront, a viewer\'s Cache-Control cannot force a refetch. honor (Netloom): no-cache, max-age, min-fresh, max-stale, no-store and only-if-cached in requests work as RFC 9111 §5.2.1 says.'),
    functions: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _, up to 64'),
            runtime: z.enum(['cloudfront-js-1.0', 'cloudfront-js-2.0']).default('cloudfront-js-2.0'),
            code: z.string().max(10_240).optional().describe('The function\'s source (at most 10 KB), with a `handler(event)` function.'),
            file: z.string().min(1).optional().describe('Or a file with the source, relative to the lab file.'),
            keyValueStore: z.string().optional().describe('Id of a key value store (in `keyValueStores`) the function reads (runtime 2.0).')
          })
          .strict()
          .refine((f) => (f.code === undefined) !== (f.file === undefined), { message: 'give either code or file' })
      )
      .default([])
      .describe('CloudFront Functions, run sandboxed in QuickJS.'),
    keyValueStores: z
      .array(z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), entries: z.record(z.string().max(512), z.string().max(1024)).default({}) }).strict())
      .default([])
      .describe('Lab-managed CloudFront KeyValueStores: keys and values functions read with `cf.kvs()`.'),
    customErrorResponses: z
      .array(
        z
          .object({
            errorCode: z
              .union([z.literal(400), z.literal(403), z.literal(404), z.literal(405), z.literal(414), z.literal(416), z.literal(500), z.literal(501), z.literal(502), z.literal(503), z.literal(504)])
              .describe('One of the codes CloudFront lets you customise: 400 403 404 405 414 416 500 501 502 503 504.'),
            responsePagePath: z.string().regex(/^\//, 'must start with "/"').optional().describe('Serve this path (through the behaviors and the cache) instead of the error.'),
            responseCode: z.number().int().min(100).max(599).optional().describe('The status the viewer gets with the page (default: the error code).'),
            errorCachingMinTtl: z.number().int().min(0).max(31536000).default(10).describe('How long CloudFront keeps the error before asking the origin again.')
          })
          .strict()
      )
      .default([])
      .describe('Custom error responses: per error code, a page to serve instead, its status, and how long the error is cached.')
  })
  .strict()
  .superRefine((config, ctx) => {
    const origins = new Set(config.origins.map((o) => o.id))
    config.originGroups.forEach((group, index) => {
      if (origins.has(group.id)) ctx.addIssue({ code: 'custom', path: ['originGroups', index, 'id'], message: `"${group.id}" is already an origin id` })
      for (const field of ['primary', 'secondary'] as const)
        if (!origins.has(group[field])) ctx.addIssue({ code: 'custom', path: ['originGroups', index, field], message: `unknown origin "${group[field]}"` })
    })
    const targets = new Set([...origins, ...config.originGroups.map((g) => g.id)])
    config.behaviors.forEach((behavior, index) => {
      if (!targets.has(behavior.origin)) ctx.addIssue({ code: 'custom', path: ['behaviors', index, 'origin'], message: `unknown origin or origin group "${behavior.origin}"` })
    })
    const functions = new Map(config.functions.map((f) => [f.id, f]))
    const stores = new Set(config.keyValueStores.map((k) => k.id))
    config.functions.forEach((fn, index) => {
      if (fn.keyValueStore !== undefined && !stores.has(fn.keyValueStore)) ctx.addIssue({ code: 'custom', path: ['functions', index, 'keyValueStore'], message: `unknown key value store "${fn.keyValueStore}"` })
      if (fn.keyValueStore !== undefined && fn.runtime === 'cloudfront-js-1.0') ctx.addIssue({ code: 'custom', path: ['functions', index, 'keyValueStore'], message: 'key value stores need runtime cloudfront-js-2.0' })
    })
    const checkAssociations = (path: (string | number)[], associations: EdgeBehaviorInput['functionAssociations']) => {
      for (const event of ['viewerRequest', 'viewerResponse'] as const) {
        const id = associations?.[event]
        if (id !== undefined && !functions.has(id)) ctx.addIssue({ code: 'custom', path: [...path, 'functionAssociations', event], message: `unknown function "${id}"` })
      }
    }
    config.behaviors.forEach((behavior, index) => checkAssociations(['behaviors', index], behavior.functionAssociations))
    checkAssociations(['defaultBehavior'], config.defaultBehavior.functionAssociations)
    // CloudFront's CachedMethods is a subset of AllowedMethods: OPTIONS is cached only when it is allowed.
    const everyBehavior = [...config.behaviors, config.defaultBehavior]
    everyBehavior.forEach((behavior, index) => {
      if (behavior.cachedMethods === 'GET_HEAD_OPTIONS' && behavior.allowedMethods === 'GET_HEAD')
        ctx.addIssue({ code: 'custom', path: index < config.behaviors.length ? ['behaviors', index, 'cachedMethods'] : ['defaultBehavior', 'cachedMethods'], message: 'cachedMethods GET_HEAD_OPTIONS caches OPTIONS responses, but allowedMethods GET_HEAD refuses OPTIONS: allow GET_HEAD_OPTIONS or ALL, or cache GET_HEAD only' })
    })
    if (!config.https)
      [...config.behaviors, config.defaultBehavior].forEach((behavior, index) => {
        if (behavior.viewerProtocolPolicy !== 'allow-all')
          ctx.addIssue({ code: 'custom', path: index < config.behaviors.length ? ['behaviors', index, 'viewerProtocolPolicy'] : ['defaultBehavior', 'viewerProtocolPolicy'], message: `${behavior.viewerProtocolPolicy} needs an HTTPS listener: add https: {} to the distribution` })
      })
    const codes = new Set<number>()
    config.customErrorResponses.forEach((custom, index) => {
      if (codes.has(custom.errorCode)) ctx.addIssue({ code: 'custom', path: ['customErrorResponses', index, 'errorCode'], message: `error code ${custom.errorCode} is configured twice` })
      codes.add(custom.errorCode)
      if (custom.responseCode !== undefined && custom.responsePagePath === undefined)
        ctx.addIssue({ code: 'custom', path: ['customErrorResponses', index, 'responseCode'], message: 'a response code needs a responsePagePath' })
    })
    if (!targets.has(config.defaultBehavior.origin))
      ctx.addIssue({ code: 'custom', path: ['defaultBehavior', 'origin'], message: `unknown origin or origin group "${config.defaultBehavior.origin}"` })
  })

export type EdgeConfig = z.output<typeof edgeConfigSchema>
type EdgeBehaviorInput = { functionAssociations?: { viewerRequest?: string; viewerResponse?: string } }
export type EdgeBehavior = EdgeConfig['defaultBehavior'] & { pathPattern?: string }

export function resolveCachePolicy(policy: EdgeBehavior['cachePolicy']): CachePolicy {
  if (typeof policy !== 'string') return policy
  const managed = managedCachePolicies[policy]
  return { ...managed, headers: [...managed.headers], queryStrings: { ...managed.queryStrings, names: [] }, cookies: { ...managed.cookies, names: [] } }
}
