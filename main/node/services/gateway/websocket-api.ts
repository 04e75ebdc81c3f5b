import { randomBytes, randomUUID } from 'node:crypto'
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { WebSocketApiConfig } from '../../../common/services/gateway/gateway-config'
import { LabError } from '../../../common/errors/lab-error'
import { ApiAuthorizers, authorizerRequest } from './api-authorizers'
import { describeThrottle, stageKey, type ApiDeps, type ApiRuntime } from './api-runtime'
import { headerOf, jsonReply, toGatewayRequest, type GatewayReply, type GatewayRequest } from './gateway-exchange'
import { callIntegration, IntegrationError, type RoutedRequest } from './integrations'
import { RequestTrace } from './request-trace'
import { webSocketEvent } from './functions/proxy-event'
import { FrameGuard } from './websocket/frame-guard'
import { selectRouteKey } from './websocket/route-selection'

/** AWS's WebSocket limits: 128 KB per message, 32 KB per frame, 29 s per integration. */
const maxMessageBytes = 128 * 1024
const maxFrameBytes = 32 * 1024
const integrationTimeoutMs = 29_000

type Stage = WebSocketApiConfig['stages'][number]
type Route = WebSocketApiConfig['routes'][number]

interface Connection {
  id: string
  ws: WebSocket
  stage: Stage
  connectedAt: number
  lastActiveAt: number
  sourceIp: string
  userAgent: string
  domainName: string
  authorizer: Record<string, unknown> | undefined
  idle: NodeJS.Timeout | undefined
  lifetime: NodeJS.Timeout | undefined
}

/** A route's answer: its status (for `$connect`) and what a two-way route sends back. */
interface RouteAnswer {
  status: number
  body: string | undefined
  headers: [string, string][]
}

/** Connection ids look like AWS's: 12 random bytes in base64, e.g. `R0oXAdfD0kwCH6w=`. */
const newConnectionId = () => randomBytes(12).toString('base64').replace(/\//g, '_').replace(/\+/g, '-').slice(0, 15) + '='

/**
 * A WebSocket API: `$connect` (authorizer and integration decide whether the upgrade happens, and which
 * subprotocol), route selection over each message's JSON body, `$default`, two-way routes, best-effort
 * `$disconnect`, AWS's size limits (close 1009) and idle/lifetime limits (close 1001), and the
 * `@connections` API that lets backends push to clients.
 */
export class WebSocketApi implements ApiRuntime {
  readonly type = 'websocket'
  private readonly routes: Map<string, Route>
  private readonly connections = new Map<string, Connection>()
  private readonly authorizers: ApiAuthorizers
  private readonly server: WebSocketServer
  private readonly counters

  constructor(
    private readonly config: WebSocketApiConfig,
    private readonly deps: ApiDeps
  ) {
    this.routes = new Map(config.routes.map((route) => [route.key, route]))
    this.authorizers = new ApiAuthorizers(config.authorizers, 'http', { clock: deps.clock, labDir: deps.labDir, invoke: deps.invokeAuthorizer })
    // The subprotocol is the `$connect` integration's choice, never an echo of what the client offered.
    this.server = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, handleProtocols: (_offered, request) => chosenProtocol.get(request) ?? false })
    this.counters = {
      connects: deps.metrics.counter('lab_gateway_ws_connect_count_total', 'ConnectCount: WebSocket connections accepted, by API and stage.'),
      messages: deps.metrics.counter('lab_gateway_ws_message_count_total', 'MessageCount: WebSocket messages in and out, by API, stage and direction.'),
      errors: deps.metrics.counter('lab_gateway_ws_errors_total', 'ClientError, IntegrationError, ExecutionError of WebSocket routes, by API, stage and type.'),
      open: deps.metrics.gauge('lab_gateway_ws_connections', 'Open WebSocket connections, by API.')
    }
  }

  get id(): string {
    return this.config.id
  }

  get stages(): string[] {
    return this.config.stages.map((stage) => stage.name)
  }

  dispose(): void {
    for (const connection of this.connections.values()) connection.ws.terminate()
    this.server.close()
  }

  upgrade(message: IncomingMessage, socket: Duplex, head: Buffer): void {
    const started = performance.now()
    const request = toGatewayRequest(message, Buffer.alloc(0), randomUUID(), this.deps.clock.now())
    const trace = new RequestTrace(request.requestId, 'GET', this.id, 'websocket')
    trace.routeKey = '$connect'
    const stage = this.config.stages.find((candidate) => `/${candidate.name}` === request.rawPath || `/${candidate.name}/` === request.rawPath)
    const refuse = (status: number, body: unknown) => {
      const text = JSON.stringify(body)
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`)
      else socket.destroy()
      this.deps.record(request, trace, status, Buffer.byteLength(text), performance.now() - started)
    }
    if (!stage) {
      trace.fail('not-found', 'RESOURCE_NOT_FOUND', 'Forbidden', `no stage at ${request.rawPath} (stages: ${this.stages.join(', ')})`)
      return refuse(403, { message: 'Forbidden' })
    }
    trace.stage = stage.name
    socket.on('error', () => socket.destroy())
    void this.connect(message, socket, head, request, trace, stage, started, refuse).catch((error: unknown) => {
      trace.fail('integration-error', 'ExecutionError', 'Internal server error', `$connect failed: ${LabError.from(error).message}`)
      refuse(500, { message: 'Internal server error' })
    })
  }

  /** `$connect`: authorizer, then integration; `refuse` answers the upgrade request with an HTTP error. */
  private async connect(message: IncomingMessage, socket: Duplex, head: Buffer, request: GatewayRequest, trace: RequestTrace, stage: Stage, started: number, refuse: (status: number, body: unknown) => void): Promise<void> {
    const route = this.routes.get('$connect')
    let authorizer: Record<string, unknown> | undefined
    if (route?.authorizer !== undefined) {
      const target = authorizerRequest(request, { apiId: this.id, stage: stage.name, path: request.rawPath, resource: '$connect', routeKey: '$connect', pathParameters: {}, stageVariables: stage.variables })
      const auth = await this.authorizers.authorize(route.authorizer, request, target, [])
      if (!auth.ok) {
        trace.fail(auth.status === 401 ? 'unauthorized' : 'forbidden', auth.status === 401 ? 'UNAUTHORIZED' : 'ACCESS_DENIED', 'refused', `$connect: ${auth.reason}; no connection made`)
        this.counters.errors.inc({ api: this.id, stage: stage.name, type: 'ClientError' })
        return refuse(auth.status, auth.body)
      }
      trace.note(auth.reason)
      authorizer = { principalId: auth.principalId, ...auth.context }
    }
    const connection: Connection = {
      id: newConnectionId(),
      ws: undefined as unknown as WebSocket,
      stage,
      connectedAt: this.deps.clock.now(),
      lastActiveAt: this.deps.clock.now(),
      sourceIp: request.sourceIp,
      userAgent: headerOf(request, 'user-agent') ?? '',
      domainName: headerOf(request, 'host') ?? '',
      authorizer,
      idle: undefined,
      lifetime: undefined
    }
    if (route) {
      const answer = await this.run(route, connection, 'CONNECT', request, undefined, trace)
      if (!answer) return refuse(500, { message: 'Internal server error' })
      if (answer.status >= 300) {
        trace.fail('refused', 'CONNECT_REFUSED', 'refused', `$connect integration answered ${answer.status}: no connection made`)
        return refuse(answer.status, { message: STATUS_CODES[answer.status] ?? 'Refused' })
      }
      const protocol = answer.headers.find(([name]) => name.toLowerCase() === 'sec-websocket-protocol')?.[1]
      if (protocol) chosenProtocol.set(message, protocol)
    }
    this.server.handleUpgrade(message, socket, head, (ws) => {
      connection.ws = ws
      this.open(connection, socket)
      trace.outcome = 'connected'
      trace.note(`connected as ${connection.id} to stage ${stage.name}`)
      this.counters.connects.inc({ api: this.id, stage: stage.name })
      this.deps.record(request, trace, 101, 0, performance.now() - started)
    })
  }

  private open(connection: Connection, socket: Duplex): void {
    const { ws, stage } = connection
    this.connections.set(connection.id, connection)
    this.counters.open.set(this.connections.size, { api: this.id })
    const guard = new FrameGuard(maxFrameBytes)
    // Before `ws` reads the same bytes, so that an oversized frame never becomes a message.
    socket.prependListener('data', (chunk: Buffer) => {
      const size = guard.push(chunk)
      if (size !== undefined && ws.readyState === ws.OPEN) ws.close(1009, `Frame of ${size} bytes exceeds the 32 KB limit`)
    })
    this.touch(connection)
    connection.lifetime = setTimeout(() => ws.close(1001, 'Going away: maximum connection duration reached'), stage.maxConnectionSeconds * 1000)
    ws.on('message', (data: RawData, isBinary: boolean) => void this.message(connection, rawText(data), isBinary))
    ws.on('error', () => ws.terminate())
    ws.on('close', (code: number, reason: Buffer) => this.closed(connection, code, reason.toString()))
  }

  /** Activity restarts the idle timer. */
  private touch(connection: Connection): void {
    connection.lastActiveAt = this.deps.clock.now()
    clearTimeout(connection.idle)
    connection.idle = setTimeout(() => connection.ws.close(1001, 'Going away: idle timeout'), connection.stage.idleTimeoutSeconds * 1000)
  }

  private async message(connection: Connection, text: string, isBinary: boolean): Promise<void> {
    const started = performance.now()
    this.touch(connection)
    // API Gateway takes text frames only: a binary frame closes the connection with 1003.
    if (isBinary) {
      connection.ws.close(1003, 'Binary frames are not supported')
      return
    }
    const request: GatewayRequest = { requestId: randomUUID(), method: 'MESSAGE', rawPath: `/${connection.stage.name}`, rawQuery: '', headers: [], body: Buffer.from(text), sourceIp: connection.sourceIp, protocol: 'WebSocket', receivedAt: this.deps.clock.now() }
    const trace = new RequestTrace(request.requestId, 'MESSAGE', this.id, 'websocket')
    trace.stage = connection.stage.name
    this.counters.messages.inc({ api: this.id, stage: connection.stage.name, direction: 'in' })
    const key = selectRouteKey(this.config.routeSelectionExpression, text)
    const route = (key !== undefined ? this.routes.get(key) : undefined) ?? this.routes.get('$default')
    const selected = key === undefined ? 'not JSON' : `${this.config.routeSelectionExpression} = "${key}"`
    const reply = (body: string) => {
      connection.ws.send(body)
      this.counters.messages.inc({ api: this.id, stage: connection.stage.name, direction: 'out' })
    }
    const errorBody = (message: string) => JSON.stringify({ message, connectionId: connection.id, requestId: request.requestId })
    if (!route || route.key.startsWith('$connect') || route.key === '$disconnect') {
      trace.fail('no-route', 'ClientError', 'Forbidden', `${selected}: no such route and no $default`)
      this.counters.errors.inc({ api: this.id, stage: connection.stage.name, type: 'ClientError' })
      reply(errorBody('Forbidden'))
      return this.deps.record(request, trace, 403, 0, performance.now() - started)
    }
    trace.routeKey = route.key
    trace.note(`${connection.id}: ${selected} → route ${route.key}`)
    const throttle = this.deps.throttle.take({ stage: stageKey(this.id, connection.stage.name), route: route.key })
    if (!throttle.allowed) {
      trace.fail('throttled', 'THROTTLED', 'Too Many Requests', describeThrottle(throttle))
      reply(errorBody('Too Many Requests'))
      return this.deps.record(request, trace, 429, 0, performance.now() - started)
    }
    const answer = await this.run(route, connection, 'MESSAGE', request, text, trace)
    let status = answer?.status ?? 500
    let bytes = 0
    if (!answer) {
      reply(errorBody('Internal server error'))
    } else if (route.twoWay && answer.body !== undefined && connection.ws.readyState === connection.ws.OPEN) {
      reply(answer.body)
      bytes = Buffer.byteLength(answer.body)
      trace.note(`route response sent (${bytes} bytes)`)
    }
    if (answer && status >= 400) this.counters.errors.inc({ api: this.id, stage: connection.stage.name, type: 'IntegrationError' })
    if (!answer) status = 500
    this.deps.record(request, trace, status, bytes, performance.now() - started)
  }

  private closed(connection: Connection, code: number, reason: string): void {
    clearTimeout(connection.idle)
    clearTimeout(connection.lifetime)
    if (!this.connections.delete(connection.id)) return
    this.counters.open.set(this.connections.size, { api: this.id })
    const route = this.routes.get('$disconnect')
    const started = performance.now()
    const request: GatewayRequest = { requestId: randomUUID(), method: 'DISCONNECT', rawPath: `/${connection.stage.name}`, rawQuery: '', headers: [], body: Buffer.alloc(0), sourceIp: connection.sourceIp, protocol: 'WebSocket', receivedAt: this.deps.clock.now() }
    const trace = new RequestTrace(request.requestId, 'DISCONNECT', this.id, 'websocket')
    trace.stage = connection.stage.name
    trace.routeKey = '$disconnect'
    trace.outcome = 'disconnected'
    trace.note(`${connection.id} closed with ${code}${reason ? ` (${reason})` : ''}`)
    // Best effort, as on AWS: nobody is left to hear about a failure.
    void (route ? this.run(route, connection, 'DISCONNECT', request, undefined, trace, { code, reason }) : Promise.resolve(undefined)).then(() =>
      this.deps.record(request, trace, 200, 0, performance.now() - started)
    )
  }

  /** Calls a route's integration; undefined when it failed (the trace says why). */
  private async run(route: Route, connection: Connection, eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT', request: GatewayRequest, body: string | undefined, trace: RequestTrace, disconnect?: { code: number; reason: string }): Promise<RouteAnswer | undefined> {
    const integration = this.config.integrations.find((candidate) => candidate.id === route.integration)!
    const started = performance.now()
    try {
      let answer: RouteAnswer
      if (integration.type === 'function') {
        const event = webSocketEvent({
          eventType,
          routeKey: route.key,
          connectionId: connection.id,
          connectedAt: connection.connectedAt,
          ...(eventType === 'MESSAGE' ? { messageId: randomBytes(12).toString('base64'), body } : {}),
          ...(eventType === 'CONNECT' ? { headers: request.headers, rawQuery: request.rawQuery } : {}),
          sourceIp: connection.sourceIp,
          userAgent: connection.userAgent,
          stage: connection.stage.name,
          stageVariables: connection.stage.variables,
          apiId: this.id,
          domainName: connection.domainName,
          requestId: request.requestId,
          authorizer: connection.authorizer,
          ...(disconnect ? { disconnectStatusCode: disconnect.code, disconnectReason: disconnect.reason } : {}),
          timeEpoch: request.receivedAt
        })
        const result = await this.deps.functions!.invokeEvent(integration, event, integration.timeoutMs ?? integrationTimeoutMs, request.requestId)
        answer = answerOf(result)
      } else {
        const routed: RoutedRequest = {
          request: { ...request, method: 'POST', headers: [['content-type', 'application/json'], ['x-netloom-connection-id', connection.id], ['x-netloom-route-key', route.key]] },
          apiId: this.id,
          apiType: 'websocket',
          path: `/${connection.stage.name}`,
          stage: connection.stage.name,
          stageVariables: connection.stage.variables,
          pathParameters: {},
          routeKey: route.key,
          resourcePath: route.key,
          authorizer: connection.authorizer
        }
        const reply: GatewayReply = await callIntegration(integration, routed, integration.type === 'http' ? (integration.timeoutMs ?? integrationTimeoutMs) : 0, this.deps)
        answer = { status: reply.status, body: reply.body.length ? reply.body.toString('utf8') : undefined, headers: reply.headers }
      }
      trace.integrationLatencyMs = performance.now() - started
      trace.integrationStatus = answer.status
      trace.note(`integration ${integration.id} (${integration.type}) answered ${answer.status} in ${trace.integrationLatencyMs.toFixed(1)} ms`)
      return answer
    } catch (error) {
      trace.integrationLatencyMs = performance.now() - started
      const failure = error instanceof IntegrationError ? error : new IntegrationError('failure', LabError.from(error).message)
      trace.fail('integration-error', failure.kind === 'timeout' ? 'INTEGRATION_TIMEOUT' : 'IntegrationError', 'Internal server error', `integration ${integration.id}: ${failure.message}`)
      this.counters.errors.inc({ api: this.id, stage: connection.stage.name, type: failure.kind === 'configuration' ? 'ExecutionError' : 'IntegrationError' })
      return undefined
    }
  }

  /** `POST|GET|DELETE /{stage}/@connections/{id}`: how backends reach connected clients. */
  handle(request: GatewayRequest, trace: RequestTrace): Promise<GatewayReply> {
    const match = /^\/([^/]+)\/@connections\/([^/]+)$/.exec(request.rawPath)
    if (!match) {
      trace.fail('upgrade-required', 'ClientError', 'Upgrade Required', `${request.method} ${request.rawPath}: a WebSocket API takes WebSocket upgrades and @connections calls`)
      return Promise.resolve(jsonReply(426, { message: 'Upgrade Required: connect with a WebSocket client to /{stage}' }, [['upgrade', 'websocket']]))
    }
    const [, stageName, encoded] = match
    trace.stage = stageName!
    trace.routeKey = `${request.method} @connections`
    const id = decodeURIComponent(encoded!)
    const connection = this.connections.get(id)
    if (!connection || connection.stage.name !== stageName) {
      trace.fail('gone', 'GoneException', 'Gone', `@connections: no open connection ${id}`)
      // GoneException has no members: the answer is the status and the error type, with no body.
      return Promise.resolve({ status: 410, headers: [['x-amzn-ErrorType', 'GoneException']], body: Buffer.alloc(0) })
    }
    if (request.method === 'GET') {
      trace.outcome = 'connections-api'
      trace.note(`@connections: info on ${id}`)
      // The wire names are camelCase (the SDKs show them as ConnectedAt, Identity, LastActiveAt).
      return Promise.resolve(jsonReply(200, { connectedAt: new Date(connection.connectedAt).toISOString(), identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent }, lastActiveAt: new Date(connection.lastActiveAt).toISOString() }))
    }
    if (request.method === 'DELETE') {
      connection.ws.close(1000, 'Closed by the @connections API')
      trace.outcome = 'connections-api'
      trace.note(`@connections: closed ${id}`)
      return Promise.resolve({ status: 204, headers: [], body: Buffer.alloc(0) })
    }
    if (request.method !== 'POST') {
      trace.fail('bad-method', 'ClientError', 'Method Not Allowed', `@connections takes GET, POST and DELETE, not ${request.method}`)
      return Promise.resolve(jsonReply(405, { message: 'Method Not Allowed' }, [['allow', 'GET, POST, DELETE']]))
    }
    if (request.body.length > maxMessageBytes) {
      trace.fail('too-large', 'PayloadTooLargeException', 'Payload too large', `@connections: ${request.body.length} bytes is over the 128 KB message limit`)
      return Promise.resolve(jsonReply(413, { message: 'Request entity too large' }, [['x-amzn-ErrorType', 'PayloadTooLargeException']]))
    }
    connection.ws.send(request.body.toString('utf8'))
    this.counters.messages.inc({ api: this.id, stage: connection.stage.name, direction: 'out' })
    connection.lastActiveAt = this.deps.clock.now()
    trace.outcome = 'connections-api'
    trace.note(`@connections: sent ${request.body.length} bytes to ${id}`)
    return Promise.resolve({ status: 200, headers: [], body: Buffer.alloc(0) })
  }
}

/** The subprotocol the `$connect` integration chose, per upgrade request. */
const chosenProtocol = new WeakMap<IncomingMessage, string>()

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data as ArrayBuffer).toString('utf8')
}

/** A handler's result as a route answer: `{ statusCode, body, headers }`, a string, or any JSON value. */
function answerOf(result: unknown): RouteAnswer {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const { statusCode, body, headers } = result as { statusCode: unknown; body?: unknown; headers?: Record<string, unknown> }
    return { status: Number(statusCode) || 200, body: body === undefined || body === null ? undefined : String(body), headers: Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]) }
  }
  if (result === undefined || result === null) return { status: 200, body: undefined, headers: [] }
  return { status: 200, body: typeof result === 'string' ? result : JSON.stringify(result), headers: [] }
}
