import { isAbsolute, resolve } from 'node:path'
import type { AuthorizerConfig } from '../../../common/services/gateway/gateway-authorizers'
import type { Clock } from '../../base/clock'
import { JwtAuthorizer } from './auth/jwt-authorizer'
import { LambdaAuthorizer, type InvokeResult } from './auth/lambda-authorizer'
import type { AuthorizerRequest } from './auth/lambda-events'
import { SessionAuth } from './auth/session-auth'
import type { GatewayResponseType } from './core/gateway-responses'
import { headerOf, jsonReply, type GatewayReply, type GatewayRequest } from './gateway-exchange'

/** Runs an authorizer function (the same worker-based runner as function integrations). */
export type AuthorizerInvoker = (handler: string, event: unknown) => Promise<InvokeResult>

export type AuthOutcome =
  | { ok: true; reason: string; principalId?: string; context: Record<string, unknown>; usageIdentifierKey?: string }
  | { ok: false; reason: string; status: number; body: unknown; type?: GatewayResponseType; headers: [string, string][] }

interface Authorizer {
  authorize(request: GatewayRequest, target: AuthorizerRequest, scopes: readonly string[]): Promise<AuthOutcome>
}

/**
 * The authorizers of one API, built once per configuration so that their caches (results, JWKS) live
 * as long as the deployment. Also answers the session authorizer's login and logout paths.
 */
export class ApiAuthorizers {
  private readonly authorizers = new Map<string, Authorizer>()
  private readonly sessions: { config: Extract<AuthorizerConfig, { type: 'session' }>; auth: SessionAuth }[] = []

  constructor(
    configs: readonly AuthorizerConfig[],
    apiType: 'http' | 'rest',
    deps: { clock: Clock; labDir: string; invoke: AuthorizerInvoker | undefined }
  ) {
    for (const config of configs) this.authorizers.set(config.id, this.build(config, apiType, deps))
  }

  private build(config: AuthorizerConfig, apiType: 'http' | 'rest', deps: { clock: Clock; labDir: string; invoke: AuthorizerInvoker | undefined }): Authorizer {
    if (config.type === 'jwt') {
      const jwks = 'file' in config.jwks ? { file: isAbsolute(config.jwks.file) ? config.jwks.file : resolve(deps.labDir, config.jwks.file) } : config.jwks
      const jwt = new JwtAuthorizer({ issuer: config.issuer, audiences: config.audiences, jwks, identitySource: config.identitySource }, { clock: deps.clock })
      return {
        authorize: async (_request, target, scopes) => {
          const result = await jwt.authorize(target, scopes)
          if (result.ok) return { ok: true, reason: `JWT authorizer ${config.id}: ${result.reason}`, principalId: String(result.claims.sub ?? ''), context: { jwt: { claims: result.claims, scopes: result.scopes } } }
          const headers: [string, string][] = result.wwwAuthenticate ? [['www-authenticate', result.wwwAuthenticate]] : []
          return { ok: false, reason: `JWT authorizer ${config.id}: ${result.reason}`, status: result.status, body: result.body, headers }
        }
      }
    }
    if (config.type === 'session') {
      const auth = new SessionAuth({ users: config.users, cookieName: config.cookieName, ttlSeconds: config.ttlSeconds, secure: config.secure }, { clock: deps.clock })
      this.sessions.push({ config, auth })
      return {
        authorize: (request) => {
          const result = auth.verify(headerOf(request, 'cookie') ?? '')
          if (result.ok) return Promise.resolve({ ok: true, reason: `session of ${result.session.sub} (until ${new Date(result.session.exp * 1000).toISOString()})`, principalId: result.session.sub, context: { principalId: result.session.sub, ...result.session.claims } })
          return Promise.resolve({ ok: false, reason: `session authorizer ${config.id}: ${result.reason}`, status: 401, body: { message: 'Unauthorized' }, type: 'UNAUTHORIZED', headers: [] })
        }
      }
    }
    const invoke = deps.invoke
    const lambda = new LambdaAuthorizer(
      apiType === 'rest'
        ? config.type === 'token'
          ? { kind: 'rest-token', identitySource: config.identitySources[0], identityValidationExpression: config.identityValidationExpression, resultTtlSeconds: config.resultTtlSeconds }
          : { kind: 'rest-request', identitySources: config.identitySources, resultTtlSeconds: config.resultTtlSeconds }
        : { kind: 'http', payloadFormatVersion: config.payloadFormatVersion, identitySources: config.identitySources, enableSimpleResponses: config.simpleResponses, resultTtlSeconds: config.resultTtlSeconds },
      (event) => (invoke ? invoke(config.handler, event) : Promise.resolve({ ok: false, message: 'function authorizers are not available' })),
      { clock: deps.clock }
    )
    return {
      authorize: async (_request, target) => {
        const result = await lambda.authorize(target)
        const reason = `authorizer ${config.id}: ${result.reason}${result.fromCache ? ' (authorizer result from cache)' : ''}`
        if (result.ok) return { ok: true, reason, principalId: result.principalId, context: result.context, usageIdentifierKey: result.usageIdentifierKey }
        return { ok: false, reason, status: result.status, body: result.body, type: result.type, headers: [] }
      }
    }
  }

  authorize(id: string, request: GatewayRequest, target: AuthorizerRequest, scopes: readonly string[]): Promise<AuthOutcome> {
    return this.authorizers.get(id)!.authorize(request, target, scopes)
  }

  /**
   * The session authorizer's own paths (relative to the stage): `POST /login` with
   * `{"username","password"}` as JSON or a form sets the cookie, `/logout` clears it.
   */
  sessionEndpoint(request: GatewayRequest, path: string): { reply: GatewayReply; reason: string } | undefined {
    for (const { config, auth } of this.sessions) {
      if (path === config.logoutPath) return { reply: jsonReply(200, { message: 'Logged out' }, [['set-cookie', auth.logout()]]), reason: `session authorizer ${config.id}: logged out` }
      if (path !== config.loginPath) continue
      if (request.method !== 'POST') return { reply: jsonReply(405, { message: 'Use POST with username and password' }, [['allow', 'POST']]), reason: `session authorizer ${config.id}: login needs POST` }
      const { username, password } = credentials(request)
      const result = auth.login(username, password)
      if (!result.ok) return { reply: jsonReply(401, { message: 'Unauthorized' }), reason: `session authorizer ${config.id}: login refused (${result.reason})` }
      return { reply: jsonReply(200, { message: 'Logged in', username: result.session.sub, expires: new Date(result.session.exp * 1000).toISOString() }, [['set-cookie', result.setCookie]]), reason: `session authorizer ${config.id}: ${result.session.sub} logged in` }
    }
    return undefined
  }
}

function credentials(request: GatewayRequest): { username: string; password: string } {
  const text = request.body.toString('utf8')
  const type = headerOf(request, 'content-type') ?? ''
  if (type.includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text)
    return { username: form.get('username') ?? '', password: form.get('password') ?? '' }
  }
  try {
    const parsed = JSON.parse(text) as { username?: unknown; password?: unknown }
    return { username: typeof parsed.username === 'string' ? parsed.username : '', password: typeof parsed.password === 'string' ? parsed.password : '' }
  } catch {
    return { username: '', password: '' }
  }
}

/** The view of a request the authorizer modules read. */
export function authorizerRequest(request: GatewayRequest, routed: { apiId: string; stage: string; path: string; resource: string; routeKey?: string; pathParameters: Record<string, string>; stageVariables: Record<string, string> }): AuthorizerRequest {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase()
    const previous = headers[lower]
    headers[lower] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value]
  }
  return {
    headers,
    rawQueryString: request.rawQuery,
    stageVariables: routed.stageVariables,
    context: { requestId: request.requestId, routeKey: routed.routeKey, stage: routed.stage, apiId: routed.apiId, 'identity.sourceIp': request.sourceIp, httpMethod: request.method },
    region: 'lab-1',
    accountId: '000000000000',
    apiId: routed.apiId,
    stage: routed.stage,
    httpMethod: request.method,
    path: routed.path,
    resource: routed.resource,
    routeKey: routed.routeKey,
    pathParameters: routed.pathParameters,
    requestId: request.requestId,
    sourceIp: request.sourceIp,
    requestTimeEpoch: request.receivedAt,
    protocol: request.protocol
  }
}
