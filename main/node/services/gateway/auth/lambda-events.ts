/**
 * Events sent to Lambda authorizers (reference §1.3, §1.5; DG apigateway-use-lambda-authorizer and
 * http-api-lambda-authorizer): REST TOKEN and REQUEST, HTTP API REQUEST in payload formats 1.0 and 2.0.
 * Field names and shapes follow AWS's published examples. Where the examples are silent, Netloom
 * follows the Lambda proxy payloads of the same version: absent query strings, path parameters and
 * stage variables are `null` in 1.0 and left out in 2.0; 2.0 headers are lower-cased and
 * comma-joined, and the `cookie` header moves to `cookies[]`.
 */
import { headerValue, type IdentityRequest } from './identity-sources'
import { methodArn } from './iam-policy'
import { queryValues, singleAndMulti } from '../query-maps'

/** Everything about a request an authorizer event may carry. */
export interface AuthorizerRequest extends IdentityRequest {
  region: string
  accountId: string
  apiId: string
  stage: string
  httpMethod: string
  /** The path after the stage, as sent (still percent-encoded), e.g. `/pets/42`. */
  path: string
  /** REST: the resource template (`/pets/{id}`); HTTP API: the route's path. */
  resource: string
  /** HTTP API route key (`GET /pets/{id}` or `$default`). */
  routeKey?: string
  pathParameters?: Record<string, string>
  requestId: string
  sourceIp: string
  /** Epoch milliseconds when the gateway received the request. */
  requestTimeEpoch: number
  protocol?: string
  domainName?: string
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** AWS's `requestTime` format: `12/Mar/2020:19:03:58 +0000` (UTC). */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

/** The ARN the policy is evaluated against (REST `methodArn`, HTTP API `routeArn`). */
export function requestArn(request: AuthorizerRequest): string {
  return methodArn({ ...request, method: request.httpMethod })
}

/** `$context` variables available to identity sources, merged under the request's own `context`. */
export function contextVariables(
  request: AuthorizerRequest
): Record<string, string | number | boolean | undefined> {
  return {
    accountId: request.accountId,
    apiId: request.apiId,
    stage: request.stage,
    requestId: request.requestId,
    httpMethod: request.httpMethod,
    path: request.path,
    resourcePath: request.resource,
    routeKey: request.routeKey,
    domainName: request.domainName,
    protocol: request.protocol,
    requestTimeEpoch: request.requestTimeEpoch,
    'identity.sourceIp': request.sourceIp,
    'identity.userAgent': headerValue(request.headers, 'user-agent'),
    ...request.context
  }
}

function singleValueHeaders(request: AuthorizerRequest): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue
    // REST 1.0 keeps the last value of a repeated header in `headers`, all of them in `multiValueHeaders`.
    out[name] = Array.isArray(value) ? value[value.length - 1]! : value
  }
  return out
}

function multiValueHeaders(request: AuthorizerRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? [...value] : [value]
  }
  return out
}

const orNull = <T extends object>(map: T | undefined): T | null =>
  map && Object.keys(map).length > 0 ? map : null

/** REST TOKEN: `{ type: 'TOKEN', authorizationToken, methodArn }`. */
export function restTokenEvent(request: AuthorizerRequest, token: string) {
  return { type: 'TOKEN' as const, authorizationToken: token, methodArn: requestArn(request) }
}

function v1RequestContext(request: AuthorizerRequest) {
  const userAgent = headerValue(request.headers, 'user-agent') ?? null
  return {
    accountId: request.accountId,
    apiId: request.apiId,
    domainName: request.domainName ?? null,
    domainPrefix: request.domainName?.split('.')[0] ?? null,
    httpMethod: request.httpMethod,
    identity: { sourceIp: request.sourceIp, userAgent },
    path: `/${request.stage}${request.path}`,
    protocol: request.protocol ?? 'HTTP/1.1',
    requestId: request.requestId,
    requestTime: formatRequestTime(request.requestTimeEpoch),
    requestTimeEpoch: request.requestTimeEpoch,
    resourcePath: request.resource,
    stage: request.stage
  }
}

/** REST REQUEST authorizer event. */
export function restRequestEvent(request: AuthorizerRequest) {
  const query = singleAndMulti(queryValues(request.rawQueryString))
  return {
    type: 'REQUEST' as const,
    methodArn: requestArn(request),
    resource: request.resource,
    path: request.path,
    httpMethod: request.httpMethod,
    headers: singleValueHeaders(request),
    multiValueHeaders: multiValueHeaders(request),
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: orNull(request.pathParameters),
    stageVariables: orNull(request.stageVariables),
    requestContext: v1RequestContext(request)
  }
}

/** HTTP API REQUEST event, payload format 1.0: the REST REQUEST shape plus `version` and the identity. */
export function httpV1Event(request: AuthorizerRequest, identityValues: readonly string[]) {
  const joined = identityValues.join(',')
  return {
    version: '1.0' as const,
    ...restRequestEvent(request),
    identitySource: joined,
    authorizationToken: joined
  }
}

/** HTTP API REQUEST event, payload format 2.0. */
export function httpV2Event(request: AuthorizerRequest, identityValues: readonly string[]) {
  const headers: Record<string, string> = {}
  for (const name of Object.keys(request.headers)) {
    const lower = name.toLowerCase()
    if (lower === 'cookie' || lower in headers) continue
    const value = headerValue(request.headers, name)
    if (value !== undefined) headers[lower] = value
  }
  const cookieHeader = headerValue(request.headers, 'cookie')
  const cookies = cookieHeader
    ?.split(';')
    .map((c) => c.trim())
    .filter((c) => c !== '')
  const queryStringParameters: Record<string, string> = {}
  for (const [name, values] of queryValues(request.rawQueryString))
    queryStringParameters[name] = values.join(',')
  const rawPath = request.stage === '$default' ? request.path : `/${request.stage}${request.path}`
  return {
    version: '2.0' as const,
    type: 'REQUEST' as const,
    routeArn: requestArn(request),
    identitySource: [...identityValues],
    routeKey: request.routeKey ?? '$default',
    rawPath,
    rawQueryString: request.rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
    requestContext: {
      accountId: request.accountId,
      apiId: request.apiId,
      domainName: request.domainName,
      domainPrefix: request.domainName?.split('.')[0],
      http: {
        method: request.httpMethod,
        path: rawPath,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headerValue(request.headers, 'user-agent') ?? ''
      },
      requestId: request.requestId,
      routeKey: request.routeKey ?? '$default',
      stage: request.stage,
      time: formatRequestTime(request.requestTimeEpoch),
      timeEpoch: request.requestTimeEpoch
    },
    ...(request.pathParameters && Object.keys(request.pathParameters).length > 0
      ? { pathParameters: request.pathParameters }
      : {}),
    ...(request.stageVariables && Object.keys(request.stageVariables).length > 0
      ? { stageVariables: request.stageVariables }
      : {})
  }
}
