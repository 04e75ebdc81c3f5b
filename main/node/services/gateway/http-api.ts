import type { HttpApiConfig } from '../../../common/services/gateway/gateway-config'
import { LabError } from '../../../common/errors/lab-error'
import { ApiAuthorizers, authorizerRequest } from './api-authorizers'
import { describeThrottle, stageKey, type ApiDeps, type ApiRuntime } from './api-runtime'
import { compileHttpRoutes, HTTP_API_NOT_FOUND_BODY, matchHttpRoute, type CompiledHttpRoutes } from './core/http-api-routes'
import { splitStage } from './core/rest-api-resources'
import { THROTTLED_BODY } from './core/token-bucket'
import { jsonReply, type GatewayReply, type GatewayRequest } from './gateway-exchange'
import { IntegrationError, traceIntegration, type RoutedRequest } from './integrations'
import { HttpCors } from './http-cors'
import { applyResponseMapping, httpMappingProblems } from './parameter-mapping'
import type { RequestTrace } from './request-trace'

/** AWS's hard limit for HTTP API integrations. */
const defaultTimeoutMs = 30_000

/**
 * An HTTP API (API Gateway v2): stages (all auto-deployed, `$default` at the root), route keys in
 * AWS's priority, HTTP proxy and function integrations, and stage/route throttling.
 */
export class HttpApi implements ApiRuntime {
  readonly type = 'http'
  private readonly routes: CompiledHttpRoutes
  private readonly authorizers: ApiAuthorizers
  private readonly cors: HttpCors | undefined

  constructor(
    private readonly config: HttpApiConfig,
    private readonly deps: ApiDeps
  ) {
    try {
      this.routes = compileHttpRoutes(config.routes.map((route) => route.key))
    } catch (error) {
      throw new LabError('LAB_ERR_CONFIG_INVALID', `API ${config.id}: ${LabError.from(error).message}`)
    }
    const mappingProblems = config.integrations.flatMap((integration) => (integration.type === 'http' ? httpMappingProblems(integration.parameterMapping).map((p) => `integration ${integration.id}: ${p}`) : []))
    if (mappingProblems.length) throw new LabError('LAB_ERR_CONFIG_INVALID', `API ${config.id}: ${mappingProblems.join('; ')}`)
    this.cors = config.cors && new HttpCors(config.cors)
    this.authorizers = new ApiAuthorizers(config.authorizers, 'http', { clock: deps.clock, labDir: deps.labDir, invoke: deps.invokeAuthorizer })
  }

  get id(): string {
    return this.config.id
  }

  get stages(): string[] {
    return this.config.stages.map((stage) => stage.name)
  }

  async handle(request: GatewayRequest, trace: RequestTrace): Promise<GatewayReply> {
    const reply = await this.route(request, trace)
    this.cors?.decorate(request, reply)
    return reply
  }

  private async route(request: GatewayRequest, trace: RequestTrace): Promise<GatewayReply> {
    const split = splitStage(request.rawPath, this.stages)
    if (!split) {
      trace.fail('not-found', 'RESOURCE_NOT_FOUND', 'Not Found', `no stage matches ${request.rawPath} and there is no $default stage`)
      return jsonReply(404, HTTP_API_NOT_FOUND_BODY)
    }
    const stage = this.config.stages.find((candidate) => candidate.name === split.stage)!
    trace.stage = stage.name
    if (this.cors && HttpCors.isPreflight(request)) {
      const preflight = this.cors.preflight(request)
      trace.outcome = 'cors-preflight'
      trace.note(preflight.reason)
      return preflight.reply
    }
    const session = this.authorizers.sessionEndpoint(request, split.path)
    if (session) {
      trace.outcome = 'session'
      trace.note(session.reason)
      return session.reply
    }
    const match = matchHttpRoute(this.routes, request.method, split.path)
    if (!match) {
      trace.fail('not-found', 'RESOURCE_NOT_FOUND', 'Not Found', `stage ${stage.name}: no route matches ${request.method} ${split.path}`)
      return jsonReply(404, HTTP_API_NOT_FOUND_BODY)
    }
    const route = this.config.routes.find((candidate) => candidate.key === match.routeKey)!
    trace.routeKey = route.key
    trace.resourcePath = route.key === '$default' ? '$default' : route.key.slice(route.key.indexOf(' ') + 1)
    trace.note(`stage ${stage.name}, route ${route.key}`)

    let authorizer: Record<string, unknown> | undefined
    if (route.authorizer !== undefined) {
      const target = authorizerRequest(request, { apiId: this.id, stage: stage.name, path: split.path, resource: trace.resourcePath, routeKey: route.key, pathParameters: match.pathParameters, stageVariables: stage.variables })
      const auth = await this.authorizers.authorize(route.authorizer, request, target, route.scopes)
      if (!auth.ok) {
        trace.fail(auth.status === 403 ? 'forbidden' : auth.status === 401 ? 'unauthorized' : 'authorizer-error', auth.status === 403 ? 'ACCESS_DENIED' : auth.status === 401 ? 'UNAUTHORIZED' : 'AUTHORIZER_FAILURE', JSON.stringify(auth.body), auth.reason)
        return jsonReply(auth.status, auth.body, auth.headers)
      }
      trace.principalId = auth.principalId
      trace.note(auth.reason)
      authorizer = auth.context
    }

    const throttle = this.deps.throttle.take({ stage: stageKey(this.id, stage.name), route: route.key })
    if (!throttle.allowed) {
      trace.fail('throttled', 'THROTTLED', 'Too Many Requests', describeThrottle(throttle))
      return jsonReply(429, THROTTLED_BODY)
    }
    if (throttle.levels.length) trace.note(describeThrottle(throttle))

    const integration = this.config.integrations.find((candidate) => candidate.id === route.integration)!
    const routed: RoutedRequest = {
      request,
      apiId: this.id,
      apiType: this.type,
      path: split.path,
      stage: stage.name,
      stageVariables: stage.variables,
      pathParameters: match.pathParameters,
      routeKey: route.key,
      resourcePath: trace.resourcePath,
      authorizer
    }
    const answer = await traceIntegration(integration, routed, defaultTimeoutMs, this.deps, trace)
    if (answer instanceof IntegrationError) return this.integrationFailure(answer, integration.id, trace)
    if (integration.type === 'http') {
      const applied = applyResponseMapping(integration.responseParameters, answer)
      if (applied.length) trace.note(`response mapping: ${applied.join(', ')}`)
    }
    return answer
  }

  /** HTTP APIs answer integration problems with fixed bodies (no gateway responses to customise). */
  private integrationFailure(failure: IntegrationError, integrationId: string, trace: RequestTrace): GatewayReply {
    const step = `integration ${integrationId}: ${failure.message}`
    if (failure.kind === 'timeout') {
      trace.fail('integration-timeout', 'INTEGRATION_TIMEOUT', 'Gateway Timeout', step)
      return jsonReply(504, { message: 'Gateway Timeout' })
    }
    if (failure.kind === 'malformed') {
      trace.fail('integration-error', 'INTEGRATION_FAILURE', 'Internal Server Error', step)
      return jsonReply(500, { message: 'Internal Server Error' })
    }
    trace.fail('integration-error', failure.kind === 'configuration' ? 'API_CONFIGURATION_ERROR' : 'INTEGRATION_FAILURE', 'Internal Server Error', step)
    return jsonReply(failure.kind === 'configuration' ? 500 : 503, failure.kind === 'configuration' ? { message: 'Internal Server Error' } : { message: 'Service Unavailable' })
  }
}
