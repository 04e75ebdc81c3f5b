import { request as httpRequest, type Agent, type OutgoingHttpHeaders } from 'node:http'
import type { IntegrationConfig } from '../../../common/services/gateway/gateway-integrations'
import { LabError } from '../../../common/errors/lab-error'
import type { ServiceContext } from '../service-module'
import { resolveIntegrationUri } from './core/stage-variables'
import { hopByHopOfPairs, queryPairs, type GatewayReply, type GatewayRequest } from './gateway-exchange'
import type { RequestTrace } from './request-trace'
import { applyHttpMapping, applyRestMapping, type MappedRequest, type MappingSource } from './parameter-mapping'

/** What went wrong between the gateway and its backend; the API turns it into its own error answer. */
export class IntegrationError extends Error {
  constructor(
    readonly kind: 'timeout' | 'failure' | 'malformed' | 'configuration',
    message: string
  ) {
    super(message)
  }
}

/** The request after routing: what an integration needs to know about it. */
export interface RoutedRequest {
  readonly request: GatewayRequest
  readonly apiId: string
  readonly apiType: 'http' | 'rest' | 'websocket'
  /** Path after the stage prefix (REST and named HTTP stages), still percent-encoded. */
  readonly path: string
  readonly stage: string
  readonly stageVariables: Record<string, string>
  readonly pathParameters: Record<string, string>
  readonly routeKey: string
  /** REST: the resource path template (`/pets/{id}`); HTTP APIs: the route key's path. */
  readonly resourcePath: string
  readonly authorizer?: Record<string, unknown>
}

/** Runs a Lambda-style handler and gives back the proxy response (implemented by the function runner). */
export interface FunctionIntegrations {
  invoke(integration: Extract<IntegrationConfig, { type: 'function' }>, routed: RoutedRequest, timeoutMs: number): Promise<GatewayReply>
  /** Runs a handler with an event of the caller's making (WebSocket events); throws an IntegrationError. */
  invokeEvent(integration: Extract<IntegrationConfig, { type: 'function' }>, event: unknown, timeoutMs: number, requestId: string): Promise<unknown>
}

export interface IntegrationDeps {
  readonly peers: ServiceContext['peers']
  /** Keeps backend connections open between requests (what a VPC link or AWS's own pool does). */
  readonly agent: Agent
  readonly functions: FunctionIntegrations | undefined
}

/**
 * Calls a route's integration, writing what happened on the trace (mappings applied, latency, status).
 * Returns the backend's answer, or the IntegrationError for the API to answer in its own way.
 */
export async function traceIntegration(integration: IntegrationConfig, routed: RoutedRequest, defaultTimeoutMs: number, deps: IntegrationDeps, trace: RequestTrace): Promise<GatewayReply | IntegrationError> {
  const started = performance.now()
  const notes: string[] = []
  const timeoutMs = integration.type === 'mock' ? 0 : (integration.timeoutMs ?? defaultTimeoutMs)
  try {
    const reply = await callIntegration(integration, routed, timeoutMs, deps, notes)
    for (const note of notes) trace.note(note)
    trace.integrationLatencyMs = performance.now() - started
    trace.integrationStatus = reply.status
    trace.note(`integration ${integration.id} (${integration.type}) answered ${reply.status} in ${trace.integrationLatencyMs.toFixed(1)} ms`)
    return reply
  } catch (error) {
    trace.integrationLatencyMs = performance.now() - started
    return error instanceof IntegrationError ? error : new IntegrationError('failure', LabError.from(error).message)
  }
}

/** Calls a route's integration and returns the backend's answer, or throws an IntegrationError. */
export async function callIntegration(integration: IntegrationConfig, routed: RoutedRequest, timeoutMs: number, deps: IntegrationDeps, notes: string[] = []): Promise<GatewayReply> {
  switch (integration.type) {
    case 'mock':
      return mockReply(integration, routed)
    case 'function':
      if (!deps.functions) throw new IntegrationError('configuration', 'function integrations are not available')
      return deps.functions.invoke(integration, routed, timeoutMs)
    case 'http':
      return proxy(integration, routed, timeoutMs, deps, notes)
  }
}

function mockReply(integration: Extract<IntegrationConfig, { type: 'mock' }>, routed: RoutedRequest): GatewayReply {
  const params = new URLSearchParams(routed.request.rawQuery)
  const body = integration.body
    .replace(/\$context\.requestId/g, routed.request.requestId)
    .replace(/\$stageVariables\.([A-Za-z0-9_]+)/g, (_whole, name: string) => routed.stageVariables[name] ?? '')
    .replace(/\$input\.params\('([^']+)'\)/g, (_whole, name: string) => routed.pathParameters[name] ?? params.get(name) ?? '')
  return { status: integration.statusCode, headers: Object.entries(integration.headers), body: Buffer.from(body) }
}

/** The backend URL of an HTTP integration: a loopback URL template, or a lab service's address. */
export function integrationUrl(integration: Extract<IntegrationConfig, { type: 'http' }>, routed: RoutedRequest, target: MappedRequest, peers: ServiceContext['peers']): URL {
  const search = new URLSearchParams(target.query).toString()
  const query = search ? `?${search}` : ''
  try {
    if (integration.url !== undefined) {
      const url = new URL(resolveIntegrationUri(integration.url, routed.stageVariables, target.pathParameters))
      // A URL without a path forwards the request's own path (what a `$default` or `{proxy+}` route wants).
      if (!/^http:\/\/[^/]+\//.test(integration.url)) url.pathname = target.path
      if (!url.search) url.search = query
      return url
    }
  } catch (error) {
    throw new IntegrationError('configuration', LabError.from(error).message)
  }
  const endpoint = peers?.endpoints(integration.service!)?.find((e) => e.protocol === 'http')
  if (!endpoint) throw new IntegrationError('failure', `service ${integration.service} has no HTTP endpoint (is it running?)`)
  const host = endpoint.host === '0.0.0.0' ? '127.0.0.1' : endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host
  const path = integration.path === undefined ? target.path : resolveIntegrationUri(integration.path, routed.stageVariables, target.pathParameters)
  return new URL(`http://${host}:${endpoint.port}${path}${query}`)
}

/** `$context` values a mapping can read. */
function mappingContext(routed: RoutedRequest): Record<string, string> {
  const context: Record<string, string> = {
    requestId: routed.request.requestId,
    apiId: routed.apiId,
    stage: routed.stage,
    routeKey: routed.routeKey,
    httpMethod: routed.request.method,
    'identity.sourceIp': routed.request.sourceIp
  }
  const flatten = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) for (const [key, inner] of Object.entries(value)) flatten(`${prefix}.${key}`, inner)
    else if (value !== undefined) context[prefix] = Array.isArray(value) ? value.join(' ') : String(value)
  }
  flatten('authorizer', routed.authorizer ?? {})
  return context
}

function proxy(integration: Extract<IntegrationConfig, { type: 'http' }>, routed: RoutedRequest, timeoutMs: number, deps: IntegrationDeps, notes: string[]): Promise<GatewayReply> {
  const { request } = routed
  // What the client's Connection header names stays on the client's hop.
  const hopByHop = hopByHopOfPairs(request.headers)
  const target: MappedRequest = {
    path: routed.path.split('?')[0]!,
    query: queryPairs(request.rawQuery),
    headers: request.headers.filter(([name]) => {
      const lower = name.toLowerCase()
      return !hopByHop.has(lower) && lower !== 'host' && lower !== 'content-length'
    }) as [string, string][],
    pathParameters: { ...routed.pathParameters }
  }
  if (Object.keys(integration.parameterMapping).length || Object.keys(integration.requestParameters).length) {
    const source: MappingSource = { headers: request.headers, rawQuery: request.rawQuery, path: target.path, pathParameters: routed.pathParameters, stageVariables: routed.stageVariables, context: mappingContext(routed) }
    const applied = [...applyHttpMapping(integration.parameterMapping, source, target), ...applyRestMapping(integration.requestParameters, source, target)]
    if (applied.length) notes.push(`mapped ${applied.join(', ')}`)
  }
  const url = integrationUrl(integration, routed, target, deps.peers)
  const headers: OutgoingHttpHeaders = {}
  for (const [name, value] of target.headers) {
    const lower = name.toLowerCase()
    const previous = headers[lower]
    headers[lower] = previous === undefined ? value : `${String(previous)}, ${value}`
  }
  const forwardedFor = headers['x-forwarded-for']
  headers['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)}, ${request.sourceIp}` : request.sourceIp
  headers['x-forwarded-proto'] = 'http'
  headers['x-amzn-trace-id'] = `Root=1-${Math.floor(request.receivedAt / 1000).toString(16)}-${request.requestId.replace(/-/g, '').slice(0, 24)}`
  if (request.body.length) headers['content-length'] = request.body.length
  return new Promise<GatewayReply>((resolve, reject) => {
    const target = { agent: deps.agent, host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80), path: `${url.pathname}${url.search}`, method: request.method, headers }
    const outgoing = httpRequest(target, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () => {
        clearTimeout(deadline)
        const replyHeaders: [string, string][] = []
        for (let i = 0; i < incoming.rawHeaders.length; i += 2) replyHeaders.push([incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!])
        resolve({ status: incoming.statusCode ?? 502, headers: replyHeaders, body: Buffer.concat(chunks) })
      })
      incoming.on('error', (error) => reject(new IntegrationError('failure', `${url.host} broke off its response: ${error.message}`)))
    })
    // The timeout covers the whole exchange, as AWS's integration timeout does, not only idle sockets.
    const deadline = setTimeout(() => outgoing.destroy(new IntegrationError('timeout', `${url.host} did not answer within ${timeoutMs} ms`)), timeoutMs)
    outgoing.on('error', (error) => {
      clearTimeout(deadline)
      reject(error instanceof IntegrationError ? error : new IntegrationError('failure', `${url.host}: ${error.message}`))
    })
    outgoing.end(request.body)
  })
}
