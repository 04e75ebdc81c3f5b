import diagnosticsChannel from 'node:diagnostics_channel'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ServiceEndpoint } from '../../../common/contract/lab-types'
import { LabError } from '../../../common/errors/lab-error'
import type { OriginRequestServed } from '../../../common/services/origin/origin-events'
import { originMetricNames } from '../../../common/services/origin/origin-metrics'
import type { TrafficSignal } from '../../lab-host/traffic-recorder'
import { trafficTopic } from '../../lab-host/traffic-recorder'
import { closeServer, formatAddress, listen, type ListenAddress } from '../../net/listen'
import { fileInfo, resolveStaticPath, sendFile } from '../../net/static-files'
import { BaseService } from '../base-service'
import type { ServiceContext, ServiceSpecOf } from '../service-module'
import { queryObject, readBody, type EchoReply } from './origin-echo'
import { createRandom, decideDelay, decideFault, matchRoute, type Random } from './origin-decisions'

type Outcome = OriginRequestServed['outcome']
interface Answer {
  status: number
  outcome: Outcome
  explanation: string
  bytesOut: number
}

/** In-flight requests get this long to finish when the origin stops; then connections are cut. */
const stopGraceMs = 2000
const requestTopic = diagnosticsChannel.channel(trafficTopic('origin'))

/**
 * An HTTP backend for labs: inline routes, a static folder, a JSON echo, and injected latency, errors and
 * dropped connections. Every request is counted, timed and published with a sentence saying why it got
 * its answer.
 */
export class OriginService extends BaseService<'origin'> {
  private server: Server | undefined
  private bound: ListenAddress | undefined
  private random: Random
  private readonly requests
  private readonly faults
  private readonly duration
  private readonly connections

  constructor(spec: ServiceSpecOf<'origin'>, ctx: ServiceContext) {
    super(spec, ctx)
    this.random = createRandom(spec.config.seed)
    this.requests = ctx.metrics.counter(originMetricNames.requests, 'Requests answered, by status code.')
    this.faults = ctx.metrics.counter(originMetricNames.injectedFaults, 'Injected faults, by kind.')
    this.duration = ctx.metrics.histogram(originMetricNames.duration, 'Time from request to response end.')
    this.connections = ctx.metrics.gauge(originMetricNames.activeConnections, 'Open client connections.')
  }

  protected async onStart(): Promise<void> {
    const server = createServer({ requestTimeout: 60_000 })
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response))
    server.on('connection', (socket) => {
      this.connections.inc()
      socket.once('close', () => this.connections.dec())
    })
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      else socket.destroy()
    })
    this.random = createRandom(this.spec.config.seed)
    this.bound = await listen(server, this.spec.listen, this.id)
    this.server = server
    // Stopping, destroying or failing cuts everything still open.
    this.resources.add({ dispose: () => server.closeAllConnections() })
    this.ctx.log.info(`listening on http://${formatAddress(this.bound)}/`)
  }

  protected async onStop(): Promise<void> {
    if (this.server) await closeServer(this.server, stopGraceMs)
    this.server = undefined
  }

  protected override onReconfigure(next: ServiceSpecOf<'origin'>): Promise<boolean> {
    const { host, port } = this.spec.listen
    if (next.listen.host !== host || next.listen.port !== port) return Promise.resolve(false)
    if (next.config.seed !== this.spec.config.seed) this.random = createRandom(next.config.seed)
    return Promise.resolve(true)
  }

  endpoints(): ServiceEndpoint[] {
    const address = this.bound ?? this.spec.listen
    const url = `http://${formatAddress(address)}/`
    return [{ protocol: 'http', host: address.host, port: address.port, url }]
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now()
    const method = request.method ?? 'GET'
    const url = new URL(request.url ?? '/', 'http://origin.invalid')
    let answer: Answer
    try {
      answer = await this.answer(request, response, method, url)
    } catch (error) {
      const failure = LabError.from(error)
      const status = Number(failure.details?.['status'] ?? 500)
      const body = sendJson(response, status, { message: failure.message })
      answer = { status, outcome: status === 413 ? 'too-large' : 'error', explanation: failure.message, bytesOut: body }
    }
    const durationMs = performance.now() - started
    this.requests.inc({ code: String(answer.status) })
    this.duration.observe(durationMs / 1000)
    if (requestTopic.hasSubscribers) {
      const signal: TrafficSignal = {
        serviceId: this.id,
        method,
        path: url.pathname,
        ...answer,
        durationMs,
        clientAddress: request.socket.remoteAddress ?? ''
      }
      requestTopic.publish(signal)
    }
  }

  private async answer(request: IncomingMessage, response: ServerResponse, method: string, url: URL): Promise<Answer> {
    const config = this.spec.config
    const path = url.pathname
    const fault = decideFault(config.faults, this.random)
    if (fault.kind === 'close') {
      this.faults.inc({ kind: 'close' })
      request.socket.destroy()
      return { status: 0, outcome: 'fault-close', bytesOut: 0, explanation: `fault injection: closeRate ${fault.rate} drew ${fault.draw.toFixed(3)}, so the connection was closed without a response` }
    }
    const delay = decideDelay(config.latency, this.random)
    if (delay > 0) await sleep(delay)
    const delayed = delay > 0 ? ` after ${Math.round(delay)} ms of added latency` : ''
    if (fault.kind === 'status') {
      this.faults.inc({ kind: 'status' })
      const bytesOut = sendJson(response, fault.status, { message: 'injected fault', service: this.id })
      return { status: fault.status, outcome: 'fault-status', bytesOut, explanation: `fault injection: errorRate ${fault.rate} drew ${fault.draw.toFixed(3)}, so it answered ${fault.status}${delayed}` }
    }

    const route = matchRoute(config.routes, method, path)
    if (route) {
      const isJson = route.json !== undefined
      const text = isJson ? `${JSON.stringify(route.json)}\n` : (route.body ?? '')
      const headers: Record<string, string> = { ...(isJson ? { 'content-type': 'application/json' } : { 'content-type': 'text/plain; charset=utf-8' }), ...route.headers }
      const bytesOut = send(response, route.status, headers, text, method)
      return { status: route.status, outcome: 'route', bytesOut, explanation: `matched inline route ${route.method ?? 'ANY'} ${route.path}${delayed}` }
    }

    if (config.static && (method === 'GET' || method === 'HEAD')) {
      const root = resolve(this.ctx.labDir, config.static.root)
      const wanted = path.endsWith('/') ? `${path}${config.static.index}` : path
      const file = resolveStaticPath(root, wanted)
      const info = file ? await fileInfo(file, root) : undefined
      if (file && info) {
        const bytesOut = await sendFile(file, info, request, response, { 'last-modified': info.mtime.toUTCString() })
        return { status: 200, outcome: 'static', bytesOut, explanation: `served ${wanted} from the static folder ${config.static.root}${delayed}` }
      }
      if (!config.echo) {
        const bytesOut = sendJson(response, 404, { message: 'Not Found' })
        return { status: 404, outcome: 'not-found', bytesOut, explanation: `no route matched and ${wanted} is not a file in ${config.static.root}` }
      }
    }

    if (config.echo) {
      const body = await readBody(request)
      const reply: EchoReply = {
        service: this.id,
        method,
        path,
        query: queryObject(url.searchParams),
        headers: request.headers,
        body: body.toString('utf8'),
        clientAddress: request.socket.remoteAddress ?? '',
        clientPort: request.socket.remotePort ?? 0
      }
      const bytesOut = sendJson(response, 200, reply, method)
      return { status: 200, outcome: 'echo', bytesOut, explanation: `no route matched, so the echo answered${delayed}` }
    }
    const bytesOut = sendJson(response, 404, { message: 'Not Found' })
    return { status: 404, outcome: 'not-found', bytesOut, explanation: 'no route matched and the echo is off' }
  }
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, text: string, method = 'GET'): number {
  if (response.destroyed) return 0
  const body = Buffer.from(text)
  response.writeHead(status, { ...headers, 'content-length': body.length })
  response.end(method === 'HEAD' ? undefined : body)
  return method === 'HEAD' ? 0 : body.length
}

function sendJson(response: ServerResponse, status: number, value: unknown, method = 'GET'): number {
  return send(response, status, { 'content-type': 'application/json' }, `${JSON.stringify(value)}\n`, method)
}
