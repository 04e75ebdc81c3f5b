import { z } from 'zod'
import { authorizerSchema } from './gateway-authorizers'
import { gatewayId, integrationSchema } from './gateway-integrations'

const limits = z
  .object({
    rate: z.number().min(0).describe('Steady requests per second (the bucket refill rate).'),
    burst: z.number().int().min(0).describe('Bucket capacity: requests allowed at once.')
  })
  .strict()

const methods = ['ANY', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
const stageName = z.string().regex(/^(\$default|[A-Za-z0-9_-]{1,128})$/, 'letters, digits, - and _, or $default')
const variables = z.record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'letters, digits and _, up to 64'), z.string().max(512)).default({})

const accessLog = z
  .object({
    format: z
      .string()
      .max(3072)
      .optional()
      .describe('`$context.*` template; default: JSON with requestId, ip, requestTime, httpMethod, routeKey, status, protocol, responseLength.')
  })
  .strict()

const httpRoute = z
  .object({
    key: z.string().regex(/^(\$default|(ANY|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \/\S*)$/, 'write `METHOD /path` (e.g. `GET /pets/{id}`) or `$default`'),
    integration: z.string().min(1).describe('Id of one of the API\'s integrations.'),
    authorizer: z.string().optional().describe('Id of one of the API\'s authorizers.'),
    scopes: z.array(z.string().min(1)).max(10).default([]).describe('JWT authorizers: the token needs at least one of these scopes.')
  })
  .strict()

const httpStage = z
  .object({
    name: stageName,
    variables,
    throttle: limits.optional().describe('Default route throttling of the stage (each route has its own bucket).'),
    routeThrottle: z.record(z.string(), limits).default({}).describe('Per route key, replacing the stage default.'),
    accessLog: accessLog.optional()
  })
  .strict()

const cors = z
  .object({
    allowOrigins: z.array(z.string().min(1)).default([]),
    allowMethods: z.array(z.string().min(1)).default([]),
    allowHeaders: z.array(z.string().min(1)).default([]),
    exposeHeaders: z.array(z.string().min(1)).default([]),
    allowCredentials: z.boolean().default(false),
    maxAge: z.number().int().min(-1).max(86400).optional()
  })
  .strict()
  .describe('Built-in CORS: the gateway answers preflight requests and ignores the backend\'s CORS headers.')

const shared = {
  id: gatewayId.describe('The API id: also its host name `{id}.execute-api.localhost`.'),
  name: z.string().optional(),
  integrations: z.array(integrationSchema).default([]),
  authorizers: z.array(authorizerSchema).max(10).default([])
}

const httpApi = z
  .object({
    ...shared,
    type: z.literal('http'),
    routes: z.array(httpRoute).max(300).default([]),
    stages: z.array(httpStage).min(1).default([{ name: '$default', variables: {}, routeThrottle: {} }]).describe('Stages, all deployed (auto-deploy); `$default` is served at the root.'),
    cors: cors.optional()
  })
  .strict()

const restMethod = z
  .object({
    integration: z.string().min(1),
    authorizer: z.string().optional(),
    apiKeyRequired: z.boolean().default(false),
    requestParameters: z
      .record(z.string().regex(/^method\.request\.(header|querystring|path)\.[^\s]+$/), z.boolean())
      .default({})
      .describe('`method.request.querystring.page: true` means required.'),
    requestModels: z.record(z.string(), z.string()).default({}).describe('Content type → model name.'),
    cacheKeyParameters: z
      .array(z.string().regex(/^method\.request\.(header|querystring|path)\.[^\s]+$/))
      .optional()
      .describe('What the stage cache keys this method by, besides method and resource (default: its path parameters).'),
    validator: z.enum(['none', 'body', 'params', 'all']).default('none').describe('Which parts of the request are validated.')
  })
  .strict()

const restResource = z
  .object({
    path: z.string().regex(/^\/\S*$/, 'must start with "/"'),
    methods: z.partialRecord(z.enum(methods), restMethod).default({})
  })
  .strict()

const restStage = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, - and _'),
    deployment: z.string().min(1).describe('Id of the deployment (frozen snapshot) this stage serves.'),
    variables,
    throttle: limits.optional().describe('Default method throttling of the stage.'),
    methodThrottle: z.record(z.string(), limits).default({}).describe('Per `/resource/path/METHOD`, replacing the stage default.'),
    cache: z
      .object({
        sizeGb: z.enum(['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237']).default('0.5').describe('Cache cluster size, as AWS offers them (the lab keeps at most 64 MB).'),
        ttlSeconds: z.number().int().min(0).max(3600).default(300),
        methods: z
          .record(z.string(), z.object({ enabled: z.boolean().default(true), ttlSeconds: z.number().int().min(0).max(3600).optional() }).strict())
          .default({})
          .describe('Per `/resource/path/METHOD` (only GET is cached unless named here).')
      })
      .strict()
      .optional()
      .describe('The stage cache: answers kept per method, resource and cache key parameters.'),
    canary: z
      .object({
        percent: z.number().min(0).max(100),
        deployment: z.string().min(1),
        variables: z.record(z.string(), z.string()).default({}).describe('Stage variable overrides for canary requests.')
      })
      .strict()
      .optional()
      .describe('Send this share of the stage\'s requests to a second deployment.'),
    accessLog: accessLog.optional()
  })
  .strict()

const restApi = z
  .object({
    ...shared,
    type: z.literal('rest'),
    endpointType: z.enum(['REGIONAL', 'EDGE', 'PRIVATE']).default('REGIONAL'),
    allowedSourceIps: z
      .array(z.string().min(1))
      .optional()
      .describe('Resource policy, short form: only these source addresses or CIDRs may call.'),
    resourcePolicy: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Resource policy document: Allow/Deny statements on execute-api:Invoke, with IpAddress/NotIpAddress conditions on aws:SourceIp.'),
    models: z.record(z.string().regex(/^[A-Za-z0-9]+$/), z.record(z.string(), z.unknown())).default({}).describe('JSON Schema draft-04 models by name.'),
    deployments: z
      .array(z.object({ id: gatewayId, description: z.string().optional(), resources: z.array(restResource).max(300) }).strict())
      .min(1)
      .describe('Frozen snapshots of the resource tree; stages point at one.'),
    stages: z.array(restStage).min(1).max(10),
    gatewayResponses: z
      .record(
        z.string(),
        z
          .object({ statusCode: z.number().int().min(100).max(599).optional(), headers: z.record(z.string(), z.string()).default({}), bodyTemplate: z.string().optional() })
          .strict()
      )
      .default({})
      .describe('Overrides by gateway response type (THROTTLED, DEFAULT_4XX, ...).')
  })
  .strict()

const webSocketRoute = z
  .object({
    key: z.string().regex(/^(\$connect|\$disconnect|\$default|[^\s$][^\s]{0,127})$/, '$connect, $disconnect, $default or a route key such as sendMessage'),
    integration: z.string().min(1),
    authorizer: z.string().optional().describe('Only on $connect: the one request that has headers and a query string.'),
    twoWay: z.boolean().default(false).describe('Send the integration\'s answer back to the client (a route response).')
  })
  .strict()

const webSocketStage = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, - and _'),
    variables,
    throttle: limits.optional().describe('Default route throttling for messages of this stage.'),
    routeThrottle: z.record(z.string(), limits).default({}),
    idleTimeoutSeconds: z.number().int().min(1).max(600).default(600).describe('Close a connection idle this long (AWS: 10 minutes, fixed).'),
    maxConnectionSeconds: z.number().int().min(1).max(7200).default(7200).describe('Close every connection after this long (AWS: 2 hours, fixed).')
  })
  .strict()

const webSocketApi = z
  .object({
    ...shared,
    type: z.literal('websocket'),
    routeSelectionExpression: z.string().default('$request.body.action').describe('Where a message names its route: `$request.body.NAME` or text with `${request.body.NAME}`.'),
    routes: z.array(webSocketRoute).max(300).default([]),
    stages: z.array(webSocketStage).min(1).max(10)
  })
  .strict()

export const gatewayApiSchema = z.discriminatedUnion('type', [httpApi, restApi, webSocketApi])

export const gatewayConfigSchema = z
  .object({
    account: limits.default({ rate: 10_000, burst: 5_000 }).describe('Account-level throttle shared by every API (AWS default 10,000 rps, burst 5,000).'),
    apis: z.array(gatewayApiSchema).min(1).describe('The APIs this gateway serves, each at `{id}.execute-api.localhost` (the first also without a host name).'),
    apiKeys: z
      .array(z.object({ id: gatewayId, value: z.string().regex(/^[A-Za-z0-9]{20,128}$/, '20–128 letters or digits'), enabled: z.boolean().default(true) }).strict())
      .default([]),
    usagePlans: z
      .array(
        z
          .object({
            id: gatewayId,
            stages: z.array(z.string().regex(/^[^/]+\/[^/]+$/, 'write `apiId/stage`')).min(1),
            keys: z.array(z.string()).default([]),
            throttle: limits.optional(),
            quota: z.object({ limit: z.number().int().min(0), period: z.enum(['DAY', 'WEEK', 'MONTH']), offset: z.number().int().min(0).default(0) }).strict().optional()
          })
          .strict()
      )
      .default([]),
    maxBodyBytes: z.number().int().min(1).max(10 * 1024 * 1024).default(10 * 1024 * 1024).describe('Request payload limit (AWS: 10 MB).')
  })
  .strict()
  .superRefine((config, ctx) => {
    const apiIds = new Set<string>()
    config.apis.forEach((api, a) => {
      if (apiIds.has(api.id)) ctx.addIssue({ code: 'custom', path: ['apis', a, 'id'], message: `API id "${api.id}" is used twice` })
      apiIds.add(api.id)
      const integrations = new Set(api.integrations.map((i) => i.id))
      const authorizers = new Map(api.authorizers.map((i) => [i.id, i]))
      const check = (path: (string | number)[], integration: string, authorizer: string | undefined) => {
        if (!integrations.has(integration)) ctx.addIssue({ code: 'custom', path: [...path, 'integration'], message: `unknown integration "${integration}"` })
        if (authorizer !== undefined && !authorizers.has(authorizer)) ctx.addIssue({ code: 'custom', path: [...path, 'authorizer'], message: `unknown authorizer "${authorizer}"` })
      }
      const stages = new Set<string>()
      api.stages.forEach((stage, s) => {
        if (stages.has(stage.name)) ctx.addIssue({ code: 'custom', path: ['apis', a, 'stages', s, 'name'], message: `stage "${stage.name}" is defined twice` })
        stages.add(stage.name)
      })
      if (api.type === 'websocket') {
        api.routes.forEach((route, r) => {
          check(['apis', a, 'routes', r], route.integration, route.authorizer)
          if (route.authorizer !== undefined && route.key !== '$connect')
            ctx.addIssue({ code: 'custom', path: ['apis', a, 'routes', r, 'authorizer'], message: 'WebSocket APIs authorize on $connect only' })
          if (route.authorizer !== undefined && authorizers.get(route.authorizer)?.type === 'jwt')
            ctx.addIssue({ code: 'custom', path: ['apis', a, 'routes', r, 'authorizer'], message: 'WebSocket APIs have no JWT authorizers: use a request authorizer' })
        })
        const expression = api.routeSelectionExpression
        if (!/^\$request\.body\.[^\s]+$/.test(expression) && expression !== '$default' && expression.replace(/\$\{request\.body\.[^}\s]+\}/g, '').includes('$'))
          ctx.addIssue({ code: 'custom', path: ['apis', a, 'routeSelectionExpression'], message: 'write $request.body.NAME, text with ${request.body.NAME} in it, or a static route key' })
      } else if (api.type === 'http') {
        api.routes.forEach((route, r) => {
          check(['apis', a, 'routes', r], route.integration, route.authorizer)
          const type = route.authorizer === undefined ? undefined : authorizers.get(route.authorizer)?.type
          if (type === 'token') ctx.addIssue({ code: 'custom', path: ['apis', a, 'routes', r, 'authorizer'], message: 'HTTP APIs have no TOKEN authorizers: use type request' })
        })
        if (api.cors?.allowCredentials && api.cors.allowOrigins.includes('*'))
          ctx.addIssue({ code: 'custom', path: ['apis', a, 'cors', 'allowCredentials'], message: 'allowCredentials cannot be used with allowOrigins "*": name the origins' })
        api.integrations.forEach((integration, i) => {
          if (integration.type === 'http' && Object.keys(integration.requestParameters).length)
            ctx.addIssue({ code: 'custom', path: ['apis', a, 'integrations', i, 'requestParameters'], message: 'HTTP APIs map parameters with parameterMapping' })
          if (integration.type === 'mock') ctx.addIssue({ code: 'custom', path: ['apis', a, 'integrations', i, 'type'], message: 'HTTP APIs have no mock integrations (REST APIs do)' })
        })
      } else {
        api.integrations.forEach((integration, i) => {
          if (integration.type === 'http' && Object.keys(integration.parameterMapping).length)
            ctx.addIssue({ code: 'custom', path: ['apis', a, 'integrations', i, 'parameterMapping'], message: 'REST APIs map parameters with requestParameters' })
          if (integration.type === 'http' && Object.keys(integration.responseParameters).length)
            ctx.addIssue({ code: 'custom', path: ['apis', a, 'integrations', i, 'responseParameters'], message: 'response parameter mapping is for HTTP APIs (REST APIs use gateway and method responses)' })
        })
        const deployments = new Set(api.deployments.map((d) => d.id))
        api.deployments.forEach((deployment, d) =>
          deployment.resources.forEach((resource, r) =>
            Object.entries(resource.methods).forEach(([method, spec]) => {
              check(['apis', a, 'deployments', d, 'resources', r, 'methods', method], spec.integration, spec.authorizer)
              for (const model of Object.values(spec.requestModels))
                if (!Object.hasOwn(api.models, model)) ctx.addIssue({ code: 'custom', path: ['apis', a, 'deployments', d, 'resources', r, 'methods', method, 'requestModels'], message: `unknown model "${model}"` })
              if (spec.authorizer !== undefined && authorizers.get(spec.authorizer)?.type === 'jwt')
                ctx.addIssue({ code: 'custom', path: ['apis', a, 'deployments', d, 'resources', r, 'methods', method, 'authorizer'], message: 'REST APIs have no JWT authorizers: use a function authorizer' })
            })
          )
        )
        api.stages.forEach((stage, s) => {
          if (!deployments.has(stage.deployment)) ctx.addIssue({ code: 'custom', path: ['apis', a, 'stages', s, 'deployment'], message: `unknown deployment "${stage.deployment}"` })
          if (stage.canary && !deployments.has(stage.canary.deployment)) ctx.addIssue({ code: 'custom', path: ['apis', a, 'stages', s, 'canary', 'deployment'], message: `unknown deployment "${stage.canary.deployment}"` })
        })
        if (api.endpointType === 'PRIVATE' && !api.allowedSourceIps?.length && !api.resourcePolicy)
          ctx.addIssue({ code: 'custom', path: ['apis', a, 'allowedSourceIps'], message: 'a PRIVATE API is unreachable until its resource policy (allowedSourceIps or resourcePolicy) allows some sources' })
        if (api.allowedSourceIps && api.resourcePolicy)
          ctx.addIssue({ code: 'custom', path: ['apis', a, 'resourcePolicy'], message: 'give either allowedSourceIps or resourcePolicy' })
      }
    })
    const keys = new Set(config.apiKeys.map((k) => k.id))
    config.usagePlans.forEach((plan, p) => {
      plan.keys.forEach((key, k) => {
        if (!keys.has(key)) ctx.addIssue({ code: 'custom', path: ['usagePlans', p, 'keys', k], message: `unknown API key "${key}"` })
      })
      plan.stages.forEach((ref, s) => {
        const [apiId, stage] = ref.split('/') as [string, string]
        const api = config.apis.find((candidate) => candidate.id === apiId)
        if (!api || api.type !== 'rest' || !api.stages.some((st) => st.name === stage))
          ctx.addIssue({ code: 'custom', path: ['usagePlans', p, 'stages', s], message: `no REST API stage "${ref}"` })
      })
    })
  })

export type GatewayConfig = z.output<typeof gatewayConfigSchema>
export type GatewayApiConfig = GatewayConfig['apis'][number]
export type HttpApiConfig = Extract<GatewayApiConfig, { type: 'http' }>
export type RestApiConfig = Extract<GatewayApiConfig, { type: 'rest' }>
export type WebSocketApiConfig = Extract<GatewayApiConfig, { type: 'websocket' }>
export type RestMethodConfig = NonNullable<RestApiConfig['deployments'][number]['resources'][number]['methods'][keyof RestApiConfig['deployments'][number]['resources'][number]['methods']]>
