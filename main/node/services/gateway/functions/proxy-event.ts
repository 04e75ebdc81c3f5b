import { formatRequestTime } from '../auth/lambda-events'
import type { RoutedRequest } from '../integrations'

const accountId = '000000000000'

/** Bodies a Lambda receives as text; anything else arrives base64-encoded (`isBase64Encoded: true`). */
export function isTextual(contentType: string | undefined): boolean {
  if (contentType === undefined) return true
  const type = contentType.split(';')[0]!.trim().toLowerCase()
  return type.startsWith('text/') || /^application\/(json|xml|javascript|x-www-form-urlencoded|graphql)$/.test(type) || type.endsWith('+json') || type.endsWith('+xml')
}

function body(routed: RoutedRequest): { body: string | null; isBase64Encoded: boolean } {
  const { request } = routed
  if (request.body.length === 0) return { body: null, isBase64Encoded: false }
  const type = request.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1]
  return isTextual(type) ? { body: request.body.toString('utf8'), isBase64Encoded: false } : { body: request.body.toString('base64'), isBase64Encoded: true }
}

function queryMaps(rawQuery: string): { single: Record<string, string> | null; multi: Record<string, string[]> | null } {
  const multi: Record<string, string[]> = {}
  for (const [name, value] of new URLSearchParams(rawQuery)) (multi[name] ??= []).push(value)
  const names = Object.keys(multi)
  if (!names.length) return { single: null, multi: null }
  return { single: Object.fromEntries(names.map((name) => [name, multi[name]!.at(-1)!])), multi }
}

function userAgent(routed: RoutedRequest): string {
  return routed.request.headers.find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? ''
}

function domainName(routed: RoutedRequest): string {
  return routed.request.headers.find(([name]) => name.toLowerCase() === 'host')?.[1] ?? `${routed.apiId}.execute-api.localhost`
}

/** The Lambda proxy event, format 1.0 (REST APIs, and HTTP APIs that ask for it). */
export function proxyEventV1(routed: RoutedRequest): Record<string, unknown> {
  const { request } = routed
  const headers: Record<string, string> = {}
  const multiValueHeaders: Record<string, string[]> = {}
  for (const [name, value] of request.headers) {
    headers[name] = value
    ;(multiValueHeaders[name] ??= []).push(value)
  }
  const query = queryMaps(request.rawQuery)
  const stagePath = routed.stage === '$default' ? routed.path : `/${routed.stage}${routed.path}`
  return {
    version: '1.0',
    resource: routed.resourcePath,
    path: routed.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    requestContext: {
      accountId,
      apiId: routed.apiId,
      domainName: domainName(routed),
      domainPrefix: routed.apiId,
      extendedRequestId: request.requestId,
      httpMethod: request.method,
      identity: { sourceIp: request.sourceIp, userAgent: userAgent(routed), accessKey: null, accountId: null, caller: null, user: null, userArn: null },
      path: stagePath,
      protocol: request.protocol,
      requestId: request.requestId,
      requestTime: formatRequestTime(request.receivedAt),
      requestTimeEpoch: request.receivedAt,
      resourceId: routed.resourcePath,
      resourcePath: routed.resourcePath,
      stage: routed.stage,
      ...(routed.authorizer ? { authorizer: routed.authorizer } : {})
    },
    pathParameters: Object.keys(routed.pathParameters).length ? routed.pathParameters : null,
    stageVariables: Object.keys(routed.stageVariables).length ? routed.stageVariables : null,
    ...body(routed)
  }
}

/** The Lambda proxy event, format 2.0 (HTTP APIs). */
export function proxyEventV2(routed: RoutedRequest): Record<string, unknown> {
  const { request } = routed
  const headers: Record<string, string> = {}
  const cookies: string[] = []
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase()
    if (lower === 'cookie') {
      cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean))
      continue
    }
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]},${value}`
  }
  const query = queryMaps(request.rawQuery)
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: routed.routeKey,
    rawPath: routed.stage === '$default' ? routed.path : `/${routed.stage}${routed.path}`,
    rawQueryString: request.rawQuery,
    headers,
    requestContext: {
      accountId,
      apiId: routed.apiId,
      domainName: domainName(routed),
      domainPrefix: routed.apiId,
      http: { method: request.method, path: routed.path, protocol: request.protocol, sourceIp: request.sourceIp, userAgent: userAgent(routed) },
      requestId: request.requestId,
      routeKey: routed.routeKey,
      stage: routed.stage,
      time: formatRequestTime(request.receivedAt),
      timeEpoch: request.receivedAt,
      ...(routed.authorizer ? { authorizer: routed.authorizer } : {})
    },
    isBase64Encoded: false
  }
  if (cookies.length) event['cookies'] = cookies
  if (query.multi) event['queryStringParameters'] = Object.fromEntries(Object.entries(query.multi).map(([name, values]) => [name, values.join(',')]))
  if (Object.keys(routed.pathParameters).length) event['pathParameters'] = routed.pathParameters
  if (Object.keys(routed.stageVariables).length) event['stageVariables'] = routed.stageVariables
  const payload = body(routed)
  if (payload.body !== null) event['body'] = payload.body
  event['isBase64Encoded'] = payload.isBase64Encoded
  return event
}
