import { randomUUID } from 'node:crypto'
import diagnosticsChannel from 'node:diagnostics_channel'
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { ServiceEndpoint } from '../../../common/contract/lab-types'
import type { GatewayConfig } from '../../../common/services/gateway/gateway-config'
import { createRandom } from '../../base/random'
import { trafficTopic, type TrafficSignal } from '../../lab-host/traffic-recorder'
import { createFastHttpServer, type FastHttpServer } from '../../net/http1/fast-server'
import type { FastRequest, FastResponse } from '../../net/http1/fast-response'
import { closeServer, formatAddress, listen, type ListenAddress } from '../../net/listen'
import { BaseService } from '../base-service'
import type { ServiceContext, ServiceSpecOf } from '../service-module'
import { contextVariables, defaultAccessLogFormat, renderAccessLog } from './access-log'
import type { ApiDeps, ApiRuntime } from './api-runtime'
import { ThrottleLayers, type ThrottleConfig } from './core/token-bucket'
import { UsagePlans } from './core/usage-plans'
import { BodyTooLargeError, headerOf, jsonReply, readRequestBody, toGatewayRequest, writeReply, type GatewayReply, type GatewayRequest } from './gateway-exchange'
import { GatewayFunctions } from './function-integrations'
import { HttpApi } from './http-api'
import { RestApi } from './rest-api'
import { WebSocketApi } from './websocket-api'
import { RequestTrace } from './request-trace'

const requestTopic = diagnosticsChannel.channel(trafficTopic('gateway'))
/** AWS's limit on the request line and headers together. */
const maxHeaderBytes = 10_240

/**
 * An API Gateway: one listener serving any number of HTTP and REST APIs. A request finds its API by
 * host name (`{apiId}.execute-api.localhost`, as AWS's `{apiId}.execute-api.{region}.amazonaws.com`),
 * by the `x-apigw-api-id` header AWS uses for private APIs, or else goes to the first API.
 */
export class GatewayService extends BaseService<'gateway'> {
  private server: FastHttpServer | undefined
  private bound: ListenAddress | undefined
  private apis = new Map<string, ApiRuntime>()
  private functions: GatewayFunctions | undefined
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' })
  private readonly metrics

  constructor(spec: ServiceSpecOf<'gateway'>, ctx: ServiceContext) {
    super(spec, ctx)
    this.metrics = {
      count: ctx.metrics.counter('lab_gateway_requests_total', 'Count: requests, by API, stage and route.'),
      clientErrors: ctx.metrics.counter('lab_gateway_4xx_error_total', '4XXError: requests answered 4xx, by API, stage and route.'),
      serverErrors: ctx.metrics.counter('lab_gateway_5xx_error_total', '5XXError: requests answered 5xx, by API, stage and route.'),
      throttled: ctx.metrics.counter('lab_gateway_throttled_total', 'Requests refused with 429, by API, stage and reason.'),
      latency: ctx.metrics.histogram('lab_gateway_latency_seconds', 'Latency: from the request arriving to the answer, by API and stage.'),
      integrationLatency: ctx.metrics.histogram('lab_gateway_integration_latency_seconds', 'IntegrationLatency: time the backend took, by API and stage.')
    }
  }

  protected async onStart(): Promise<void> {
    this.apis = this.compile(this.spec.config)
    // Bodyless HTTP/1.1 requests take the fast path; node:http takes a connection over when a request
    // on it has a body, an upgrade (WebSocket APIs) or an Expect (net/http1/fast-server.ts).
    const fallback = createServer({ maxHeaderSize: maxHeaderBytes }, (request, response) => void this.handle(request, response))
    fallback.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => this.refuseMalformed(error.code === 'HPE_HEADER_OVERFLOW', error.message, socket))
    fallback.on('upgrade', (message: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(message, socket, head))
    const server = createFastHttpServer({
      fallback,
      handle: (request, response) => void this.handle(request, response),
      maxHeadBytes: maxHeaderBytes,
      clientError: (refusal, socket) => this.refuseMalformed(refusal.status === 431, refusal.reason, socket)
    })
    this.bound = await listen(server, this.spec.listen, this.id)
    this.server = server
    this.resources.add({ dispose: () => server.closeAllConnections() })
    this.resources.add({ dispose: () => this.agent.destroy() })
    this.resources.add({ dispose: () => void this.functions?.dispose() })
    this.resources.add({ dispose: () => this.apis.forEach((api) => api.dispose?.()) })
    for (const api of this.apis.values()) {
      const url = this.apiUrl(api.id)
      this.ctx.log.info(`${api.type === 'websocket' ? 'WebSocket' : api.type.toUpperCase()} API ${api.id} on ${api.type === 'websocket' ? url.replace(/^http/, 'ws') : url} (stages: ${api.stages.join(', ')})`)
    }
  }

  protected async onStop(): Promise<void> {
    if (this.server) await closeServer(this.server, 2000)
    this.server = undefined
  }

  protected override onReconfigure(next: ServiceSpecOf<'gateway'>): Promise<boolean> {
    const { host, port } = this.spec.listen
    if (next.listen.host !== host || next.listen.port !== port) return Promise.resolve(false)
    // Buckets, quotas and warm functions start afresh, as after a redeployment.
    const previous = { functions: this.functions, apis: this.apis }
    this.apis = this.compile(next.config)
    void previous.functions?.dispose()
    previous.apis.forEach((api) => api.dispose?.())
    return Promise.resolve(true)
  }

  endpoints(): ServiceEndpoint[] {
    const address = this.bound ?? this.spec.listen
    return [{ protocol: 'http', host: address.host, port: address.port, url: `http://${formatAddress(address)}/` }]
  }

  /** `http://{apiId}.execute-api.localhost:{port}/`: browsers and curl resolve `*.localhost` to loopback. */
  apiUrl(apiId: string): string {
    const port = (this.bound ?? this.spec.listen).port
    return `http://${apiId}.execute-api.localhost:${port}/`
  }

  private compile(config: GatewayConfig): Map<string, ApiRuntime> {
    const stages: NonNullable<ThrottleConfig['stages']> = {}
    for (const api of config.apis)
      for (const stage of api.stages) stages[`${api.id}/${stage.name}`] = { defaultRoute: stage.throttle, routes: 'routeThrottle' in stage ? stage.routeThrottle : stage.methodThrottle }
    const usagePlans: NonNullable<ThrottleConfig['usagePlans']> = {}
    for (const plan of config.usagePlans) usagePlans[plan.id] = { throttle: plan.throttle }
    const functions = new GatewayFunctions(this.ctx.labDir, this.ctx.log)
    this.functions = functions
    const deps: ApiDeps = {
      clock: this.ctx.clock,
      log: this.ctx.log,
      peers: this.ctx.peers,
      agent: this.agent,
      functions,
      invokeAuthorizer: functions.invokeAuthorizer,
      labDir: this.ctx.labDir,
      metrics: this.ctx.metrics,
      record: (request, trace, status, bytesOut, elapsedMs) => this.record(request, trace, status, bytesOut, elapsedMs),
      random: createRandom(),
      throttle: new ThrottleLayers({ account: config.account, stages, usagePlans }, this.ctx.clock),
      usagePlans: new UsagePlans(
        {
          apiKeys: config.apiKeys,
          usagePlans: config.usagePlans.map((plan) => ({ id: plan.id, stages: plan.stages, keyIds: plan.keys, quota: plan.quota }))
        },
        this.ctx.clock
      )
    }
    return new Map(config.apis.map((api) => [api.id, api.type === 'http' ? new HttpApi(api, deps) : api.type === 'rest' ? new RestApi(api, deps) : new WebSocketApi(api, deps)]))
  }

  /** The API a request is for: by host name, by `x-apigw-api-id`, or the first one. */
  private apiFor(request: GatewayRequest): ApiRuntime | string {
    const host = headerOf(request, 'host') ?? ''
    const named = /^([^.]+)\.execute-api\./i.exec(host)?.[1] ?? headerOf(request, 'x-apigw-api-id')
    if (named === undefined) return this.apis.values().next().value!
    return this.apis.get(named) ?? named
  }

  private async handle(message: IncomingMessage | FastRequest, response: ServerResponse | FastResponse): Promise<void> {
    const started = performance.now()
    const requestId = randomUUID()
    let request: GatewayRequest
    let reply: GatewayReply
    let trace: RequestTrace
    try {
      const body = await readRequestBody(message, this.spec.config.maxBodyBytes)
      request = toGatewayRequest(message, body, requestId, this.ctx.clock.now())
    } catch (error) {
      request = toGatewayRequest(message, Buffer.alloc(0), requestId, this.ctx.clock.now())
      trace = new RequestTrace(requestId, request.method, '-', 'http')
      if (!(error instanceof BodyTooLargeError)) {
        response.destroy()
        return
      }
      trace.fail('too-large', 'REQUEST_TOO_LARGE', 'Request Too Long', `payload refused: ${error.message}`)
      // The rest of the body is never read: answer, then close the connection.
      response.shouldKeepAlive = false
      this.finish(request, trace, jsonReply(413, { message: 'Request Too Long' }), response, started)
      return
    }
    const api = this.apiFor(request)
    if (typeof api === 'string') {
      trace = new RequestTrace(requestId, request.method, api, 'http')
      trace.fail('not-found', 'RESOURCE_NOT_FOUND', 'Not Found', `this gateway has no API "${api}" (it has ${[...this.apis.keys()].join(', ')})`)
      reply = jsonReply(404, { message: 'Not Found' })
    } else {
      trace = new RequestTrace(requestId, request.method, api.id, api.type)
      reply = await api.handle(request, trace)
    }
    this.finish(request, trace, reply, response, started)
  }

  private finish(request: GatewayRequest, trace: RequestTrace, reply: GatewayReply, response: ServerResponse | FastResponse, started: number): void {
    if (trace.apiType === 'rest') reply.headers.push(['x-amzn-RequestId', request.requestId], ['x-amz-apigw-id', request.requestId.slice(0, 16)])
    else reply.headers.push(['apigw-requestid', request.requestId])
    const bytesOut = response.destroyed ? 0 : writeReply(response, reply, request.method === 'HEAD')
    this.record(request, trace, reply.status, bytesOut, performance.now() - started)
  }

  /** Metrics, access log and the request log entry for one exchange. */
  private record(request: GatewayRequest, trace: RequestTrace, status: number, bytesOut: number, elapsed: number): void {
    const labels = { api: trace.apiId, stage: trace.stage, route: trace.routeKey }
    this.metrics.count.inc(labels)
    if (status >= 400 && status < 500) this.metrics.clientErrors.inc(labels)
    if (status >= 500) this.metrics.serverErrors.inc(labels)
    if (status === 429) this.metrics.throttled.inc({ api: trace.apiId, stage: trace.stage, reason: trace.errorType ?? 'THROTTLED' })
    this.metrics.latency.observe(elapsed / 1000, { api: trace.apiId, stage: trace.stage })
    if (trace.integrationLatencyMs !== undefined) this.metrics.integrationLatency.observe(trace.integrationLatencyMs / 1000, { api: trace.apiId, stage: trace.stage })
    const stage = this.spec.config.apis.find((api) => api.id === trace.apiId)?.stages.find((candidate) => candidate.name === trace.stage)
    const accessLog = stage && 'accessLog' in stage ? stage.accessLog : undefined
    if (accessLog) this.ctx.log.info(renderAccessLog(accessLog.format ?? defaultAccessLogFormat, contextVariables(request, trace, { status, responseLength: bytesOut, responseLatencyMs: elapsed })))
    if (requestTopic.hasSubscribers) {
      const query = request.rawQuery ? `?${request.rawQuery}` : ''
      const signal: TrafficSignal = {
        serviceId: this.id,
        method: request.method,
        path: trace.apiType === 'websocket' && request.method !== 'GET' && !request.rawPath.includes('@connections') ? `${request.rawPath} ${trace.routeKey}` : `${request.rawPath}${query}`,
        status,
        outcome: trace.outcome,
        explanation: `API ${trace.apiId}: ${trace.explanation()}`,
        durationMs: elapsed,
        clientAddress: request.sourceIp,
        bytesOut
      }
      requestTopic.publish(signal)
    }
  }

  /** A WebSocket upgrade goes to the WebSocket API it names; anything else is refused. */
  private upgrade(message: IncomingMessage, socket: Socket, head: Buffer): void {
    const probe = toGatewayRequest(message, Buffer.alloc(0), '', this.ctx.clock.now())
    const api = this.apiFor(probe)
    if (typeof api !== 'string' && api.upgrade) return api.upgrade(message, socket, head)
    const body = JSON.stringify({ message: typeof api === 'string' ? 'Not Found' : 'This API does not take WebSocket connections' })
    socket.end(`HTTP/1.1 ${typeof api === 'string' ? '404 Not Found' : '400 Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`)
  }

  /** A request line or headers over 10,240 bytes, or a request HTTP cannot parse. */
  /** A request head node:http or the fast path could not take: AWS's 413 when too large, else 400, then close. */
  private refuseMalformed(tooLarge: boolean, reason: string, socket: Socket): void {
    if (!socket.writable) {
      socket.destroy()
      return
    }
    // Keep reading what the client still sends: closing with unread data would reset the connection
    // before the client sees the answer.
    socket.on('data', () => {})
    socket.resume()
    const body = tooLarge ? '{"message":"Request Too Long"}' : '{"message":"Bad Request"}'
    socket.end(`HTTP/1.1 ${tooLarge ? '413 Payload Too Large' : '400 Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`)
    this.ctx.log.warn(`refused a malformed request from ${socket.remoteAddress ?? '?'}: ${tooLarge ? `request line and headers over ${maxHeaderBytes} bytes` : reason}`)
  }
}
