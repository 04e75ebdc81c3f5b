import { randomBytes } from 'node:crypto'
import diagnosticsChannel from 'node:diagnostics_channel'
import { createServer, type Server } from 'node:http'
import { createSecureServer, type Http2SecureServer } from 'node:http2'
import { resolve as resolvePath } from 'node:path'
import type { TLSSocket } from 'node:tls'
import type { EdgeCacheEntry, EdgeInvalidation, FunctionTestResult, ServiceEndpoint } from '../../../common/contract/lab-types'
import { dataDir } from '../../tls/data-dir'
import { LabCa } from '../../tls/lab-ca'
import { tlsOptionsFor } from '../../tls/sni'
import { LabError } from '../../../common/errors/lab-error'
import { trafficTopic, type TrafficSignal } from '../../lab-host/traffic-recorder'
import { createFastHttpServer, type FastHttpServer } from '../../net/http1/fast-server'
import { closeServer, formatAddress, listen, type ListenAddress } from '../../net/listen'
import { BaseService } from '../base-service'
import type { ServiceContext, ServiceSpecOf } from '../service-module'
import { resolveBehaviors, type ResolvedBehavior } from './behaviors'
import { MANAGED_CACHE_POLICIES } from './cache/cache-policies'
import { CacheStore, parseInvalidationPath } from './cache/cache-store'
import { headerMap } from './cache-explain'
import { CacheFlow, cachedRequest, type EdgeRequest, type Served } from './cache-flow'
import { EdgeAccessLog } from './edge-access-log'
import { diskCacheDir, openDiskCache, stableDistributionId } from './edge-disk-cache'
import { EdgeFunctions } from './edge-functions'
import { InvalidationHistory } from './invalidation-history'
import { viewerUrl, type ViewerRequest, type ViewerResponse } from './edge-http'
import { EdgeMetrics } from './edge-metrics'
import { edgeLocation, errorPageHeader, ViewerResponses, type Result } from './edge-viewer'
import { OriginFetcher } from './origin-fetch'
import type { OriginOverride } from './origin-override'
import { answerViewer } from './viewer-answer'

const requestTopic = diagnosticsChannel.channel(trafficTopic('edge'))
const isLoopback = (address: string | undefined) => address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1'
const methodSets = { GET_HEAD: ['GET', 'HEAD'], GET_HEAD_OPTIONS: ['GET', 'HEAD', 'OPTIONS'], ALL: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'] }
const functionFailed = 'The CloudFront function associated with the CloudFront distribution could not run.'

interface Outcome {
  status: number
  result: Result
  explanation: string
  bytesOut: number
  /** For errors, CloudFront's x-edge-detailed-result-type (the access log's; `Error` when unset). */
  detail?: string
}

/**
 * A CloudFront-like edge: ordered cache behaviors (behaviors.ts), CloudFront Functions, and the
 * RFC 9111 cache core (cache/) driven by cache-flow.ts; what the viewer gets is shaped by
 * viewer-answer.ts and edge-viewer.ts. Every response says whether it was a hit (`x-cache`), and
 * every request is published with the reason.
 */
export class EdgeService extends BaseService<'edge'> {
  private server: FastHttpServer | undefined
  private bound: ListenAddress | undefined
  private secure: Http2SecureServer | undefined
  private secureBound: ListenAddress | undefined
  private secureSockets = new Set<TLSSocket>()
  private readonly distributionId: string
  /** The on-disk store's folder, when the distribution has one. */
  private readonly diskDir: string | undefined
  /** One store per distribution; each behavior sees it through its own cache policy. */
  private readonly store: CacheStore
  private readonly invalidationHistory = new InvalidationHistory()
  private behaviors: ResolvedBehavior[] = []
  private readonly flow: CacheFlow
  private readonly origins: OriginFetcher
  private readonly viewer: ViewerResponses
  private functions: EdgeFunctions | undefined
  private readonly metrics: EdgeMetrics
  private accessLog: EdgeAccessLog | undefined

  constructor(spec: ServiceSpecOf<'edge'>, ctx: ServiceContext) {
    super(spec, ctx)
    const disk = spec.config.diskCache
    this.diskDir = disk ? diskCacheDir(disk, ctx.labDir, spec.id) : undefined
    this.distributionId = this.diskDir ? stableDistributionId(this.diskDir) : `d${randomBytes(7).toString('hex')}`
    this.store = new CacheStore({ maxBytes: spec.config.cacheBytes, policy: MANAGED_CACHE_POLICIES.CachingOptimized, host: `${this.distributionId}.cloudfront.net` })
    this.behaviors = resolveBehaviors(spec.config, this.store)
    this.viewer = new ViewerResponses(this.distributionId, () => this.spec.config, () => this.bound)
    const metrics = (this.metrics = new EdgeMetrics(ctx.metrics))
    this.origins = new OriginFetcher(() => this.spec.config, ctx.peers, this.distributionId)
    this.flow = new CacheFlow({
      clock: ctx.clock,
      log: ctx.log,
      origins: this.origins,
      config: () => this.spec.config,
      behaviorFor: (path) => this.behaviorFor(path),
      originAnswered: (seconds, behavior) => metrics.originLatency.observe(seconds, { behavior })
    })
  }

  private behaviorFor(path: string): ResolvedBehavior {
    return this.behaviors.find((entry) => entry.match.test(path))!
  }

  /** Loads the distribution's CloudFront Functions and refuses code with syntax or runtime-rule errors. */
  private async loadFunctions(config: ServiceSpecOf<'edge'>['config']): Promise<EdgeFunctions | undefined> {
    if (!config.functions.length) return undefined
    const functions = new EdgeFunctions(config, this.ctx.labDir, this.ctx.metrics)
    const problems = await functions.check()
    if (problems.length) {
      await functions.dispose()
      throw new LabError('LAB_ERR_CONFIG_INVALID', `CloudFront Functions: ${problems.join('; ')}`, { details: { problems } })
    }
    return functions
  }

  /** Opens the configured access log (or none), closing the previous one. */
  private openAccessLog(): void {
    this.accessLog?.dispose()
    this.accessLog = undefined
    const settings = this.spec.config.accessLog
    if (settings) {
      const path = resolvePath(this.ctx.labDir, settings.file)
      this.accessLog = new EdgeAccessLog(path, { includeCookies: settings.includeCookies, distributionHost: `${this.distributionId}.cloudfront.net`, edgeLocation }, (error) => this.ctx.log.warn(`access log ${path}: ${error.message}`))
    }
    this.viewer.recordHeads = this.accessLog !== undefined
  }

  protected async onStart(): Promise<void> {
    const diskCache = this.spec.config.diskCache
    if (diskCache && this.diskDir) {
      const disk = await openDiskCache(this.diskDir, diskCache.maxBytes, (message) => this.ctx.log.warn(message), () => this.ctx.clock.now())
      this.store.attachDisk(disk)
      this.resources.add({ dispose: () => this.store.attachDisk(undefined) })
      this.ctx.log.info(`edge disk cache in ${this.diskDir}: ${disk.size} object(s), ${disk.bytes} bytes`)
    }
    this.functions = await this.loadFunctions(this.spec.config)
    this.resources.add({ dispose: () => void this.functions?.dispose() })
    this.openAccessLog()
    this.resources.add({ dispose: () => this.accessLog?.dispose() })
    // Connections kept open to origins close with the run.
    this.resources.add(this.origins)
    // Bodyless HTTP/1.1 requests (every cache hit) take the fast path; node:http takes a connection
    // over when a request on it has a body, an upgrade or an Expect (net/http1/fast-server.ts).
    const fallback = createServer((request, response) => void this.handle(request, response))
    const server = createFastHttpServer({ fallback, handle: (request, response) => void this.handle(request, response) })
    this.bound = await listen(server, this.spec.listen, this.id)
    this.server = server
    this.resources.add({ dispose: () => server.closeAllConnections() })
    this.ctx.log.info(`edge ${this.distributionId}.cloudfront.net on http://${formatAddress(this.bound)}/`)
    const https = this.spec.config.https
    if (https) {
      // TLS at the edge: certificates for the lab's names from the user's lab CA; HTTP/2, or HTTP/1.1 by ALPN.
      const tls = await tlsOptionsFor({ ca: await LabCa.load(dataDir()), names: https.names, securityPolicy: https.securityPolicy })
      const secure = createSecureServer({ ...tls, allowHTTP1: true }, (request, response) => void this.handle(request as unknown as ViewerRequest, response as unknown as ViewerResponse))
      this.secureBound = await listen(secure as unknown as Server, { host: this.spec.listen.host, port: https.port }, `${this.id} (https)`)
      this.secure = secure
      // An HTTP/2 server has no closeAllConnections: it keeps its TLS sockets, to end them on stop.
      const sockets = new Set<TLSSocket>()
      secure.on('secureConnection', (socket: TLSSocket) => {
        sockets.add(socket)
        socket.once('close', () => sockets.delete(socket))
      })
      this.secureSockets = sockets
      this.resources.add({ dispose: () => sockets.forEach((socket) => socket.destroy()) })
      this.ctx.log.info(`edge ${this.distributionId}.cloudfront.net also on https://${formatAddress(this.secureBound)}/ (${https.securityPolicy}, names ${https.names.join(', ')})`)
    }
  }

  protected async onStop(): Promise<void> {
    if (this.server) await closeServer(this.server, 2000)
    // Files being written finish before the next start reads the folder.
    await this.store.disk?.flush()
    this.server = undefined
    if (this.secure) {
      const secure = this.secure
      const closed = new Promise<void>((resolve) => secure.close(() => resolve()))
      for (const socket of this.secureSockets) socket.end()
      const timer = setTimeout(() => this.secureSockets.forEach((socket) => socket.destroy()), 2000)
      await closed
      clearTimeout(timer)
    }
    this.secure = undefined
    this.secureBound = undefined
  }

  protected override async onReconfigure(next: ServiceSpecOf<'edge'>): Promise<boolean> {
    const { host, port } = this.spec.listen
    if (next.listen.host !== host || next.listen.port !== port) return false
    if (JSON.stringify(next.config.https) !== JSON.stringify(this.spec.config.https)) return false
    // Another folder (or none) is another store, and the distribution id follows the folder.
    const disk = next.config.diskCache
    const before = this.spec.config.diskCache
    if ((disk === undefined) !== (before === undefined) || disk?.dir !== before?.dir) return false
    const functions = await this.loadFunctions(next.config)
    const previous = this.functions
    this.functions = functions
    void previous?.dispose()
    const logChanged = JSON.stringify(next.config.accessLog) !== JSON.stringify(this.spec.config.accessLog)
    this.spec = next
    if (logChanged) this.openAccessLog()
    this.behaviors = resolveBehaviors(next.config, this.store)
    // Like a distribution update: the cache survives; a smaller budget evicts the least recently used.
    this.store.resize(next.config.cacheBytes)
    if (disk) this.store.disk?.resize(disk.maxBytes)
    this.metrics.cacheSize(this.store.bytes)
    return true
  }

  endpoints(): ServiceEndpoint[] {
    const address = this.bound ?? this.spec.listen
    const endpoints: ServiceEndpoint[] = [{ protocol: 'http', host: address.host, port: address.port, url: `http://${formatAddress(address)}/` }]
    if (this.secureBound) endpoints.push({ protocol: 'https', host: this.secureBound.host, port: this.secureBound.port, url: `https://${formatAddress(this.secureBound)}/` })
    return endpoints
  }

  /** Runs function code against a sample viewer event (LabApi `edge.testFunction`). */
  async testFunction(input: { code: string; runtime: 'cloudfront-js-1.0' | 'cloudfront-js-2.0'; eventType: 'viewer-request' | 'viewer-response'; request: { method: string; path: string; headers: Record<string, string> }; keyValueStore?: string }): Promise<FunctionTestResult> {
    const functions = this.functions ?? (this.functions = new EdgeFunctions(this.spec.config, this.ctx.labDir, this.ctx.metrics))
    const url = new URL(input.request.path, 'http://edge.invalid')
    const headers = { host: `${this.distributionId}.cloudfront.net`, ...Object.fromEntries(Object.entries(input.request.headers).map(([k, v]) => [k.toLowerCase(), v])) }
    const request = { method: input.request.method, uri: url.pathname, querystring: url.search.slice(1), headers, viewerIp: '127.0.0.1' }
    return functions.test({ ...input, request }, { distributionDomainName: `${this.distributionId}.cloudfront.net`, distributionId: this.distributionId.toUpperCase(), requestId: randomBytes(12).toString('base64url') })
  }

  /** What the cache holds, for the cache browser (at most the 1,000 most recently used). */
  cacheEntries(): { entries: EdgeCacheEntry[]; bytes: number; total: number } {
    const all = this.store.list(this.ctx.clock.now())
    const entries = all.slice(-1000).map((v) => ({ key: v.id, path: v.path, status: v.status, bytes: v.bytes, ageSeconds: v.ageSec, ttlSeconds: v.lifetimeSec, ttlWhy: v.source, contentType: v.contentType }))
    return { entries, bytes: this.store.bytes, total: all.length }
  }

  /** Removes one object by the key the cache browser shows. */
  evict(key: string): boolean {
    const removed = this.store.evict(key)
    this.metrics.cacheSize(this.store.bytes)
    if (removed) this.ctx.log.info(`evicted ${key.replace(/\n/g, ' ')}`)
    return removed
  }

  /** Removes cached objects by CloudFront invalidation paths (all are checked first); returns how many went. */
  invalidate(paths: readonly string[]): number {
    return this.createInvalidation(paths).removed
  }

  /** An invalidation as CloudFront's API makes one: checked, applied, and kept in the history. */
  createInvalidation(paths: readonly string[]): { removed: number; invalidation: EdgeInvalidation } {
    for (const path of paths) parseInvalidationPath(path)
    const removed = paths.reduce((sum, path) => sum + this.behaviorFor(path).cache.invalidate(path), 0)
    this.metrics.cacheSize(this.store.bytes)
    const invalidation = this.invalidationHistory.record(paths, removed, this.ctx.clock.now())
    this.ctx.log.info(`invalidation ${invalidation.id}: ${paths.join(' ')}: ${removed} object(s) removed`)
    return { removed, invalidation }
  }

  /** The distribution's invalidations, newest first. */
  invalidations(): EdgeInvalidation[] {
    return this.invalidationHistory.list()
  }

  private async handle(request: ViewerRequest, response: ViewerResponse): Promise<void> {
    const started = performance.now()
    const method = request.method ?? 'GET'
    const url = viewerUrl(request.url ?? '/')
    // HTTP/2 names the host in a pseudo-header (read after the URL, which comes from `:path`); the rest
    // of the edge reads `host`, and never forwards pseudo-headers.
    if (request.httpVersionMajor === 2) {
      request.headers.host ??= request.headers[':authority'] as string | undefined
      for (const name of Object.keys(request.headers)) if (name.startsWith(':')) delete request.headers[name]
    }
    if (request.headers[errorPageHeader] !== undefined && isLoopback(request.socket.remoteAddress)) {
      this.viewer.markErrorPageRequest(response)
      delete request.headers[errorPageHeader]
    }
    // Taken before functions rewrite the request: the log shows what the viewer sent.
    const accessLog = this.accessLog
    const arrival = accessLog?.arrival(request)
    const b = this.behaviorFor(url.pathname)
    let outcome: Outcome
    try {
      outcome = await this.serve(request, response, method, url, b)
    } catch (error) {
      const failure = LabError.from(error)
      const status = failure.code === 'LAB_ERR_RPC_TIMEOUT' ? 504 : 502
      const page = response.headersSent ? undefined : this.viewer.customError(status)
      const bytesOut = page?.responsePagePath
        ? await this.viewer.deliver(response, method, { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(`${failure.message}\n`) }, 'Error')
        : this.viewer.sendError(response, status, failure.message)
      const detail = status === 504 ? 'OriginReadError' : 'OriginConnectError'
      outcome = { status: page?.responseCode ?? status, result: 'Error', explanation: failure.message, bytesOut, detail }
    }
    const notes = this.viewer.notes(response)
    if (notes) outcome.explanation += `; ${notes}`
    // What the viewer got, after a custom error response replaced the origin's answer.
    if (response.headersSent) outcome.status = response.statusCode
    this.metrics.served(b.label, outcome.result, outcome.status, outcome.bytesOut)
    this.metrics.cacheSize(this.store.bytes)
    if (requestTopic.hasSubscribers) {
      const signal: TrafficSignal = {
        serviceId: this.id,
        method,
        path: `${url.pathname}${url.search}`,
        status: outcome.status,
        outcome: outcome.result,
        explanation: outcome.explanation,
        durationMs: performance.now() - started,
        clientAddress: request.socket.remoteAddress ?? '',
        bytesOut: outcome.bytesOut
      }
      requestTopic.publish(signal)
    }
    if (accessLog && arrival) {
      const head = this.viewer.sentHead(response)
      const requestId = head?.requestId ?? this.viewer.nextRequestId()
      accessLog.write(arrival, request, response, { status: outcome.status, result: outcome.result, detail: outcome.detail, bodyBytes: outcome.bytesOut }, head, requestId, this.ctx.clock.now(), (performance.now() - started) / 1000)
    }
  }

  private async serve(request: ViewerRequest, response: ViewerResponse, method: string, viewerUrl: URL, b: ResolvedBehavior): Promise<Outcome> {
    let url = viewerUrl
    const encrypted = (request.socket as TLSSocket).encrypted === true
    if (!encrypted && b.behavior.viewerProtocolPolicy === 'https-only') {
      return { status: 403, result: 'Error', explanation: `${b.which}: https-only, and this request came over plain HTTP`, bytesOut: this.viewer.sendError(response, 403, 'This distribution accepts HTTPS requests only.') }
    }
    if (!encrypted && b.behavior.viewerProtocolPolicy === 'redirect-to-https' && this.secureBound) {
      const status = method === 'GET' || method === 'HEAD' ? 301 : 307
      const host = (request.headers.host ?? 'localhost').replace(/:\d+$/, '')
      const location = `https://${host}:${this.secureBound.port}${url.pathname}${url.search}`
      response.writeHead(status, { location, 'content-length': 0, 'x-cache': 'Redirect from cloudfront' })
      response.end()
      return { status, result: 'Redirect', explanation: `${b.which}: redirect-to-https → ${location}`, bytesOut: 0 }
    }
    const functions = this.functions
    const associations = b.behavior.functionAssociations
    let origin: OriginOverride | undefined
    if (functions && associations) {
      const edgeRequest = () => ({ method, uri: url.pathname, querystring: url.search.slice(1), headers: headerMap(request.headers), viewerIp: request.socket.remoteAddress ?? '' })
      const context = { distributionDomainName: `${this.distributionId}.cloudfront.net`, distributionId: this.distributionId.toUpperCase(), requestId: randomBytes(12).toString('base64url') }
      if (associations.viewerRequest !== undefined) {
        const step = await functions.viewerRequest(associations.viewerRequest, edgeRequest(), context)
        this.viewer.note(response, step.note)
        if (step.kind === 'fail') return { status: step.status, result: 'Error', explanation: b.which, bytesOut: this.viewer.sendError(response, step.status, functionFailed) }
        if (step.kind === 'respond') {
          const bytesOut = await this.viewer.deliver(response, method, { status: step.status, headers: step.headers, body: step.body }, 'FunctionGeneratedResponse')
          return { status: step.status, result: 'FunctionGeneratedResponse', explanation: b.which, bytesOut }
        }
        // The function may have rewritten the URI, query string and headers: the rest of the request uses its version.
        url = new URL(`${step.path}${step.query ? `?${step.query}` : ''}`, url)
        request.headers = step.headers
        origin = step.origin
      }
      if (associations.viewerResponse !== undefined) {
        const id = associations.viewerResponse
        const requestForResponse = edgeRequest()
        this.viewer.useViewerResponseFunction(response, (status, headers) => functions.viewerResponse(id, requestForResponse, status, headers, context))
      }
    }
    if (!methodSets[b.behavior.allowedMethods].includes(method)) {
      const text = 'This distribution is not configured to allow the HTTP request method that was used for this request.'
      return { status: 403, result: 'Error', explanation: `${b.which}: ${method} is not in its allowed methods (${b.behavior.allowedMethods})`, bytesOut: this.viewer.sendError(response, 403, text), detail: 'InvalidRequestMethod' }
    }
    if (b.headersPolicy !== undefined) {
      const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined)
      this.viewer.useHeadersPolicy(response, { policy: b.headersPolicy, method, origin: header('origin'), preflightMethod: header('access-control-request-method') })
    }
    const edgeRequest: EdgeRequest = { method, url, headers: request.headers, incoming: request, origin }
    const getOrHead = method === 'GET' || method === 'HEAD'
    // CloudFront's CachedMethods: OPTIONS goes through the cache only when the behavior caches it.
    const cacheable = getOrHead || (method === 'OPTIONS' && b.behavior.cachedMethods === 'GET_HEAD_OPTIONS')
    const served: Served = cacheable ? await this.flow.serve(edgeRequest, b) : await this.flow.forward(edgeRequest, b)
    // Preconditions, conditionals and ranges are answered from the complete response, whichever way it came.
    const { delivery, note } = getOrHead ? answerViewer(cachedRequest(edgeRequest), served.delivery, this.ctx.clock.now()) : { delivery: served.delivery, note: '' }
    const explanation = `${b.which}: ${served.explanation}${note ? `; ${note}` : ''}`
    return { status: delivery.status, result: served.result, explanation, bytesOut: await this.viewer.deliver(response, method, delivery, served.result) }
  }
}
