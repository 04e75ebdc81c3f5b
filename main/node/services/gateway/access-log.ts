import { formatRequestTime } from './auth/lambda-events'
import type { GatewayRequest } from './gateway-exchange'
import type { RequestTrace } from './request-trace'

/** The console's JSON preset for HTTP APIs, Netloom's default for every API type. */
export const defaultAccessLogFormat =
  '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "routeKey":"$context.routeKey", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }'

export interface Completed {
  status: number
  responseLength: number
  responseLatencyMs: number
}

/** The `$context` variables an access log line can use, by name without the prefix. */
export function contextVariables(request: GatewayRequest, trace: RequestTrace, done: Completed): Record<string, string> {
  return {
    requestId: request.requestId,
    extendedRequestId: request.requestId,
    apiId: trace.apiId,
    stage: trace.stage,
    routeKey: trace.routeKey,
    resourcePath: trace.resourcePath,
    httpMethod: request.method,
    path: request.rawPath,
    protocol: request.protocol,
    status: String(done.status),
    responseLength: String(done.responseLength),
    responseLatency: done.responseLatencyMs.toFixed(0),
    requestTime: formatRequestTime(request.receivedAt),
    requestTimeEpoch: String(request.receivedAt),
    'identity.sourceIp': request.sourceIp,
    'identity.userAgent': request.headers.find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? '-',
    integrationLatency: trace.integrationLatencyMs === undefined ? '-' : trace.integrationLatencyMs.toFixed(0),
    'integration.status': trace.integrationStatus === undefined ? '-' : String(trace.integrationStatus),
    integrationStatus: trace.integrationStatus === undefined ? '-' : String(trace.integrationStatus),
    'error.message': trace.errorMessage ?? '-',
    'error.responseType': trace.errorType ?? '-',
    'authorizer.principalId': trace.principalId ?? '-'
  }
}

/**
 * Renders an access log template: `$context.name` (and `${context.name}`) become their values; an
 * unknown variable becomes `-`, as AWS writes values it does not have. In a JSON template, values are
 * escaped so that the line stays valid JSON.
 */
export function renderAccessLog(format: string, variables: Record<string, string>): string {
  const json = format.trimStart().startsWith('{')
  return format.replace(/\$(?:\{context\.([A-Za-z0-9_.]+)\}|context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*))/g, (_whole, braced?: string, bare?: string) => {
    const value = variables[(braced ?? bare)!] ?? '-'
    return json ? JSON.stringify(value).slice(1, -1) : value
  })
}
