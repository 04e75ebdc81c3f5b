import type { RestApiConfig, RestMethodConfig } from '../../../common/services/gateway/gateway-config'
import { LabError } from '../../../common/errors/lab-error'
import { ApiAuthorizers, authorizerRequest } from './api-authorizers'
import { describeThrottle, stageKey, type ApiDeps, type ApiRuntime } from './api-runtime'
import { DEFAULT_GATEWAY_RESPONSES, renderGatewayResponse, type GatewayResponseOverride, type GatewayResponseType } from './core/gateway-responses'
import { compileRestResources, matchRestResource, splitStage, type RestResourceTree } from './core/rest-api-resources'
import { headerOf, type GatewayReply, type GatewayRequest } from './gateway-exchange'
import { IntegrationError, traceIntegration, type RoutedRequest } from './integrations'
import type { RequestTrace } from './request-trace'
import { ResourcePolicy } from './resource-policy'
import { RestValidator } from './rest-validation'
import { StageCache } from './rest-stage-cache'

/** AWS's default REST integration timeout. */
const defaultTimeoutMs = 29_000
const region = 'lab-1'
const account = '000000000000'

/** `x-amzn-ErrorType` values AWS sends with its own error answers. */
const errorTypes: Partial<Record<GatewayResponseType, string>> = {
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationTokenException',
  ACCESS_DENIED: 'AccessDeniedException',
  INVALID_API_KEY: 'ForbiddenException',
  THROTTLED: 'TooManyRequestsException',
  QUOTA_EXCEEDED: 'LimitExceededException',
  UNAUTHORIZED: 'UnauthorizedException',
  BAD_REQUEST_BODY: 'BadRequestException',
  BAD_REQUEST_PARAMETERS: 'BadRequestException',
  INTEGRATION_TIMEOUT: 'InternalServerErrorException',
  INTEGRATION_FAILURE: 'InternalServerErrorException'
}

interface Deployment {
  id: string
  tree: RestResourceTree
  methods: Map<string, RestMethodConfig>
}

/**
 * A REST API (API Gateway v1): deployments are frozen resource trees, stages serve one deployment (and
 * optionally a canary share of another) under `/{stage}`, methods may require API keys, and errors
 * come as gateway responses the lab can customise.
 */
export class RestApi implements ApiRuntime {
  readonly type = 'rest'
  private readonly deployments = new Map<string, Deployment>()
  private readonly policy: ResourcePolicy | undefined
  private readonly authorizers: ApiAuthorizers
  private readonly validator: RestValidator
  private readonly caches = new Map<string, StageCache>()
  private readonly cacheCounters

  constructor(
    private readonly config: RestApiConfig,
    private readonly deps: ApiDeps
  ) {
    for (const deployment of config.deployments) {
      const methods = new Map<string, RestMethodConfig>()
      for (const resource of deployment.resources)
        for (const [method, spec] of Object.entries(resource.methods)) methods.set(`${normalise(resource.path)} ${method}`, spec)
      try {
        const tree = compileRestResources(deployment.resources.map((resource) => ({ path: resource.path, methods: Object.keys(resource.methods) })))
        this.deployments.set(deployment.id, { id: deployment.id, tree, methods })
      } catch (error) {
        throw new LabError('LAB_ERR_CONFIG_INVALID', `API ${config.id}, deployment ${deployment.id}: ${LabError.from(error).message}`)
      }
    }
    // `allowedSourceIps` is the short way to write the usual policy: allow these sources, nobody else.
    const document =
      config.resourcePolicy ??
      (config.allowedSourceIps && { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: { IpAddress: { 'aws:SourceIp': config.allowedSourceIps } } }] })
    try {
      this.policy = document ? ResourcePolicy.parse(document, `arn:aws:execute-api:${region}:${account}:${config.id}`) : undefined
    } catch (error) {
      throw new LabError('LAB_ERR_CONFIG_INVALID', `API ${config.id}, resource policy: ${(error as Error).message}`)
    }
    this.validator = new RestValidator(config.models, config.id)
    this.cacheCounters = {
      hits: deps.metrics.counter('lab_gateway_cache_hit_count_total', 'CacheHitCount: REST answers served from the stage cache, by API and stage.'),
      misses: deps.metrics.counter('lab_gateway_cache_miss_count_total', 'CacheMissCount: REST requests the stage cache could not answer, by API and stage.')
    }
    this.authorizers = new ApiAuthorizers(config.authorizers, 'rest', { clock: deps.clock, labDir: deps.labDir, invoke: deps.invokeAuthorizer })
  }

  get id(): string {
    return this.config.id
  }

  get stages(): string[] {
    return this.config.stages.map((stage) => stage.name)
  }

  async handle(request: GatewayRequest, trace: RequestTrace): Promise<GatewayReply> {
    const split = splitStage(request.rawPath, this.stages)
    if (!split) {
      return this.error('MISSING_AUTHENTICATION_TOKEN', trace, 'not-found', `no stage "${request.rawPath.split('/')[1] ?? ''}": REST APIs answer an unknown path with 403 Missing Authentication Token`)
    }
    const stage = this.config.stages.find((candidate) => candidate.name === split.stage)!
    trace.stage = stage.name
    const methodArn = `arn:aws:execute-api:${region}:${account}:${this.id}/${stage.name}/${request.method}${split.path.split('?')[0]}`
    const policy = this.policy?.evaluate(methodArn, request.sourceIp)
    if (policy && !policy.allowed) {
      const message = `User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${methodArn}${policy.explicit ? ' with an explicit deny' : ''}`
      return this.error('ACCESS_DENIED', trace, 'denied', policy.reason, message, { Message: message })
    }
    if (policy) trace.note(policy.reason)

    const session = this.authorizers.sessionEndpoint(request, split.path)
    if (session) {
      trace.outcome = 'session'
      trace.note(session.reason)
      return session.reply
    }

    // A canary share of the stage's traffic goes to the canary's deployment, with its variable overrides.
    const canary = stage.canary !== undefined && this.deps.random() * 100 < stage.canary.percent
    const deployment = this.deployments.get(canary ? stage.canary!.deployment : stage.deployment)!
    const stageVariables = canary ? { ...stage.variables, ...stage.canary!.variables } : stage.variables
    const match = matchRestResource(deployment.tree, request.method, split.path)
    if (!match) {
      return this.error('MISSING_AUTHENTICATION_TOKEN', trace, 'not-found', `stage ${stage.name} (deployment ${deployment.id}): no resource and method match ${request.method} ${split.path}`)
    }
    const method = deployment.methods.get(`${match.resourcePath} ${match.httpMethod}`)!
    trace.routeKey = `${match.httpMethod} ${match.resourcePath}`
    trace.resourcePath = match.resourcePath
    trace.note(`stage ${stage.name}${canary ? ` (canary ${stage.canary!.percent} % → deployment ${deployment.id})` : `, deployment ${deployment.id}`}, ${match.httpMethod} ${match.resourcePath}`)

    let authorizer: Record<string, unknown> | undefined
    if (method.authorizer !== undefined) {
      const target = authorizerRequest(request, { apiId: this.id, stage: stage.name, path: split.path, resource: match.resourcePath, pathParameters: match.pathParameters, stageVariables })
      const auth = await this.authorizers.authorize(method.authorizer, request, target, [])
      if (!auth.ok) {
        const type = auth.type ?? (auth.status === 401 ? 'UNAUTHORIZED' : auth.status === 403 ? 'ACCESS_DENIED' : 'AUTHORIZER_FAILURE')
        const outcome = auth.status === 401 ? 'unauthorized' : auth.status === 403 ? 'forbidden' : 'authorizer-error'
        return this.error(type, trace, outcome, auth.reason, undefined, auth.body, auth.status)
      }
      trace.principalId = auth.principalId
      trace.note(auth.reason)
      authorizer = { principalId: auth.principalId, ...auth.context }
    }

    const key = this.deps.usagePlans.identify({ stage: stageKey(this.id, stage.name), apiKeyRequired: method.apiKeyRequired, apiKey: headerOf(request, 'x-api-key') })
    if (!key.allowed) return this.error('INVALID_API_KEY', trace, 'forbidden', `API key required: ${key.reason}`)
    if (key.keyId !== undefined) trace.note(`API key ${key.keyId} (usage plan ${key.usagePlanId})`)

    const throttle = this.deps.throttle.take({ stage: stageKey(this.id, stage.name), route: `${match.resourcePath}/${match.httpMethod}`, usagePlanId: key.usagePlanId, apiKey: key.keyId })
    if (!throttle.allowed) return this.error('THROTTLED', trace, 'throttled', describeThrottle(throttle))
    if (throttle.levels.length) trace.note(describeThrottle(throttle))
    if (key.usagePlanId !== undefined && key.keyId !== undefined) {
      const quota = this.deps.usagePlans.consumeQuota(key.usagePlanId, key.keyId)
      if (!quota.allowed) return this.error('QUOTA_EXCEEDED', trace, 'quota-exceeded', `usage plan ${key.usagePlanId}: quota of ${quota.limit} used up until ${new Date(quota.periodEnd).toISOString()}`)
      if (quota.limit !== undefined) trace.note(`quota ${quota.used}/${quota.limit}`)
    }

    const validation = this.validator.validate(method, request, match.pathParameters)
    if (!validation.ok) return this.error(validation.type, trace, 'invalid-request', validation.reason, validation.message)
    if (validation.reason) trace.note(validation.reason)

    // The stage cache answers before the integration (canary requests bypass it).
    const cacheTtl = canary ? undefined : this.cacheTtl(stage, match.resourcePath, match.httpMethod, request.method)
    let cacheKey: string | undefined
    if (cacheTtl !== undefined) {
      const cache = this.stageCache(stage)
      cacheKey = StageCache.key(request.method, match.resourcePath, method.cacheKeyParameters ?? Object.keys(match.pathParameters).map((name) => `method.request.path.${name}`), request, match.pathParameters)
      const hit = cache.get(cacheKey, request)
      const labels = { api: this.id, stage: stage.name }
      if (hit) {
        this.cacheCounters.hits.inc(labels)
        trace.outcome = 'cache-hit'
        trace.note(`stage cache hit (${hit.ttlLeft} s of ${cacheTtl} s left)`)
        return hit.reply
      }
      this.cacheCounters.misses.inc(labels)
    }

    const integration = this.config.integrations.find((candidate) => candidate.id === method.integration)!
    const routed: RoutedRequest = {
      request,
      apiId: this.id,
      apiType: this.type,
      path: split.path,
      stage: stage.name,
      stageVariables,
      pathParameters: match.pathParameters,
      routeKey: trace.routeKey,
      resourcePath: match.resourcePath,
      authorizer
    }
    const answer = await traceIntegration(integration, routed, defaultTimeoutMs, this.deps, trace)
    if (!(answer instanceof IntegrationError)) {
      if (cacheKey !== undefined) trace.note(`stage cache miss: ${this.stageCache(stage).set(cacheKey, answer, cacheTtl!)}`)
      return answer
    }
    const step = `integration ${integration.id}: ${answer.message}`
    if (answer.kind === 'timeout') return this.error('INTEGRATION_TIMEOUT', trace, 'integration-timeout', step)
    if (answer.kind === 'malformed') return this.error('DEFAULT_5XX', trace, 'integration-error', `${step} (Malformed Lambda proxy response)`, 'Internal server error', undefined, 502)
    if (answer.kind === 'configuration') return this.error('API_CONFIGURATION_ERROR', trace, 'integration-error', step)
    return this.error('INTEGRATION_FAILURE', trace, 'integration-error', step)
  }

  /** The TTL a method's answers are cached for on this stage, or undefined when they are not. */
  private cacheTtl(stage: RestApiConfig['stages'][number], resourcePath: string, httpMethod: string, method: string): number | undefined {
    if (!stage.cache) return undefined
    const override = stage.cache.methods[`${resourcePath}/${httpMethod}`]
    if (override ? !override.enabled : method !== 'GET') return undefined
    const ttl = override?.ttlSeconds ?? stage.cache.ttlSeconds
    return ttl > 0 ? ttl : undefined
  }

  private stageCache(stage: RestApiConfig['stages'][number]): StageCache {
    let cache = this.caches.get(stage.name)
    if (!cache) {
      // The lab keeps at most 64 MB whatever size the stage names.
      cache = new StageCache(Math.min(Number(stage.cache!.sizeGb) * 1e9, 64 * 1024 * 1024), this.deps.clock)
      this.caches.set(stage.name, cache)
    }
    return cache
  }

  /** A gateway response, with the lab's overrides, recorded on the trace. */
  private error(type: GatewayResponseType, trace: RequestTrace, outcome: string, step: string, message?: string, body?: unknown, status?: number): GatewayReply {
    const overrides = this.config.gatewayResponses
    // AWS's own body for this case (e.g. an authorizer's deny) stands unless the lab customised the response.
    if (body !== undefined && (Object.hasOwn(overrides, type) || Object.hasOwn(overrides, (status ?? DEFAULT_GATEWAY_RESPONSES[type].status ?? 500) >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'))) body = undefined
    const rendered = renderGatewayResponse(type, {
      overrides: this.config.gatewayResponses as Partial<Record<GatewayResponseType, GatewayResponseOverride>>,
      message,
      status,
      context: { requestId: trace.requestId, stage: trace.stage, resourcePath: trace.resourcePath, httpMethod: trace.method }
    })
    trace.fail(outcome, type, message ?? DEFAULT_GATEWAY_RESPONSES[type].message, step)
    const headers: [string, string][] = [['content-type', 'application/json'], ...Object.entries(rendered.headers)]
    const errorType = errorTypes[type]
    if (errorType) headers.push(['x-amzn-ErrorType', errorType])
    return { status: rendered.status, headers, body: Buffer.from(body === undefined ? rendered.body : JSON.stringify(body)) }
  }
}

function normalise(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}
