import { randomBytes } from 'node:crypto'
import diagnosticsChannel from 'node:diagnostics_channel'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createSecureServer, type Http2SecureServer } from 'node:http2'
import type { TLSSocket } from 'node:tls'
import { dataDir } from '../../tls/data-dir'
import { LabCa } from '../../tls/lab-ca'
import { tlsOptionsFor } from '../../tls/sni'
import type { EdgeCacheEntry, FunctionTestResult, ServiceEndpoint } from '../../../common/contract/lab-types'
import { LabError } from '../../../common/errors/lab-error'
import { managedOriginRequestPolicies, resolveCachePolicy, type CachePolicy, type EdgeBehavior, type OriginRequestPolicy } from '../../../common/services/edge/edge-config'
import { trafficTopic, type TrafficSignal } from '../../lab-host/traffic-recorder'
import { closeServer, formatAddress, listen, type ListenAddress } from '../../net/listen'
import { BaseService } from '../base-service'
import type { ServiceContext, ServiceSpecOf } from '../service-module'
import { cacheKey } from './cache-key'
import { compress, compressionFor, normaliseAcceptEncoding, weakenEtag } from './compression'
import { EdgeCache, invalidationProblem, type CachedObject } from './edge-cache'
import { compilePathPattern } from './path-pattern'
import { OriginFetcher } from './origin-fetch'
import { forwardable, mergeHeaders, readBody, varyOf } from './edge-http'
import { parseCacheControl } from './cache-control'
import { decideTtl } from './ttl'
import { originRequest } from './origin-request'
import { managedResponseHeadersPolicies, type ResponseHeadersPolicy } from '../../../common/services/edge/response-headers-policy'
import { EdgeFunctions } from './edge-functions'
import { errorPageHeader, ViewerResponses, type Result } from './edge-viewer'

const requestTopic = diagnosticsChannel.channel(trafficTopic('edge'))
/** Response statuses an edge stores when the TTL allows (RFC 9111 §4.2.2's heuristically cacheable set). */
const storableStatuses = new Set([200, 203, 204, 300, 301, 404, 405, 410, 414, 501])
/** Errors CloudFront always caches, for the error caching minimum TTL unless the origin says otherwise. */
const errorStatuses = new Set([404, 414, 500, 501, 502, 503, 504])
/** CloudFront's default error caching minimum TTL, also how long an expired object is served when the origin fails. */
const errorCachingMinTtl = 10
const isLoopback = (address: string | undefined) => address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1'
const methodSets = { GET_HEAD: ['GET', 'HEAD'], GET_HEAD_OPTIONS: ['GET', 'HEAD', 'OPTIONS'], ALL: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'] }


interface Outcome {
  status: number
  result: Result
  explanation: string
  bytesOut: number
}

/**
 * A CloudFront-like edge: ordered cache behaviors, CloudFront's TTL rules, cache keys from cache
 * policies, revalidation of stale objects, and invalidation. Every response says whether it was a hit
 * (`x-cache`), and every request is published with the reason.
 */
export class EdgeService extends BaseService<'edge'> {
  private server: Server | undefined
  private bound: ListenAddress | undefined
  private secure: Http2SecureServer | undefined
  private secureBound: ListenAddress | undefined
  private secureSockets = new Set<TLSSocket>()
  private cache: EdgeCache
  /** Behaviors in order, with their policies resolved once per configuration rather than per request. */
  private behaviors: { match: RegExp; behavior: EdgeBehavior; cachePolicy: CachePolicy; headersPolicy: ResponseHeadersPolicy | undefined; originRequestPolicy: OriginRequestPolicy | undefined }[] = []
  /** Misses being fetched, by cache key: concurrent viewers of the same object wait for one fetch. */
  private readonly inflight = new Map<string, Promise<void>>()
  private readonly distributionId = `d${randomBytes(7).toString('hex')}`
  private readonly origins: OriginFetcher
  private readonly requests
  private readonly originLatency
  private readonly cacheBytes
  private readonly viewer: ViewerResponses
  private functions: EdgeFunctions | undefined

  constructor(spec: ServiceSpecOf<'edge'>, ctx: ServiceContext) {
    super(spec, ctx)
    this.cache = new EdgeCache(spec.config.cacheBytes)
    this.origins = new OriginFetcher(() => this.spec.config, ctx.peers, this.distributionId)
    this.viewer = new ViewerResponses(this.distributionId, () => this.spec.config, () => this.bound)
    this.compile()
    this.requests = ctx.metrics.counter('lab_edge_requests_total', 'Viewer requests, by cache result and status.')
    this.originLatency = ctx.metrics.histogram('lab_edge_origin_latency_seconds', 'Time the origin took to answer a miss or refresh.')
    this.cacheBytes = ctx.metrics.gauge('lab_edge_cache_bytes', 'Bytes of objects in the cache.')
  }

  private compile(): void {
    const resolved = (match: RegExp, behavior: EdgeBehavior) => ({
      match,
      behavior,
      cachePolicy: resolveCachePolicy(behavior.cachePolicy),
      headersPolicy: typeof behavior.responseHeadersPolicy === 'string' ? managedResponseHeadersPolicies[behavior.responseHeadersPolicy] : behavior.responseHeadersPolicy,
      originRequestPolicy: typeof behavior.originRequestPolicy === 'string' ? managedOriginRequestPolicies[behavior.originRequestPolicy] : behavior.originRequestPolicy
    })
    this.behaviors = [
      ...this.spec.config.behaviors.map((behavior) => resolved(compilePathPattern(behavior.pathPattern), behavior)),
      resolved(/^/, { ...this.spec.config.defaultBehavior, pathPattern: '*' })
    ]
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

  protected async onStart(): Promise<void> {
    this.functions = await this.loadFunctions(this.spec.config)
    this.resources.add({ dispose: () => void this.functions?.dispose() })
    const server = createServer((request, response) => void this.handle(request, response))
    this.bound = await listen(server, this.spec.listen, this.id)
    this.server = server
    this.resources.add({ dispose: () => server.closeAllConnections() })
    const https = this.spec.config.https
    if (https) {
      // TLS at the edge: certificates for the lab's names from the user's lab CA; HTTP/2, or HTTP/1.1 by ALPN.
      const tls = await tlsOptionsFor({ ca: await LabCa.load(dataDir()), names: https.names, securityPolicy: https.securityPolicy })
      const secure = createSecureServer({ ...tls, allowHTTP1: true }, (request, response) => void this.handle(request as unknown as IncomingMessage, response as unknown as ServerResponse))
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
    this.ctx.log.info(`edge ${this.distributionId}.cloudfront.net on http://${formatAddress(this.bound)}/`)
  }

  protected async onStop(): Promise<void> {
    if (this.server) await closeServer(this.server, 2000)
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
    const functions = await this.loadFunctions(next.config)
    const previous = this.functions
    this.functions = functions
    void previous?.dispose()
    this.spec = next
    this.compile()
    // Like a distribution update: the cache survives; a smaller budget evicts on the next store.
    if (next.config.cacheBytes < this.cache.bytes) this.cache = new EdgeCache(next.config.cacheBytes)
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

  /** What the cache holds, for the cache browser. */
  cacheEntries(): { entries: EdgeCacheEntry[]; bytes: number; total: number } {
    const now = this.ctx.clock.now()
    const all = this.cache.list()
    const entries = all.slice(-1000).map((object) => ({
      key: object.key,
      path: object.path,
      status: object.status,
      bytes: object.body.length,
      ageSeconds: Math.floor((now - object.storedAt) / 1000),
      ttlSeconds: object.ttl,
      ttlWhy: object.ttlWhy,
      contentType: String(object.headers['content-type'] ?? '')
    }))
    return { entries, bytes: this.cache.bytes, total: all.length }
  }

  /** Removes one object by its cache key. */
  evict(key: string): boolean {
    const found = this.cache.get(key) !== undefined
    this.cache.delete(key)
    this.cacheBytes.set(this.cache.bytes)
    if (found) this.ctx.log.info(`evicted ${key}`)
    return found
  }

  /** Removes cached objects by CloudFront invalidation paths; returns how many went. */
  invalidate(paths: readonly string[]): number {
    for (const path of paths) {
      const problem = invalidationProblem(path)
      if (problem) throw new LabError('LAB_ERR_RPC_BAD_REQUEST', `invalidation: ${problem}`)
    }
    const removed = this.cache.invalidate(paths)
    this.cacheBytes.set(this.cache.bytes)
    this.ctx.log.info(`invalidated ${paths.join(' ')}: ${removed} object(s) removed`)
    return removed
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now()
    const method = request.method ?? 'GET'
    const url = new URL(request.url ?? '/', 'http://edge.invalid')
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
    let outcome: Outcome
    try {
      outcome = await this.serve(request, response, method, url)
    } catch (error) {
      const failure = LabError.from(error)
      const status = failure.code === 'LAB_ERR_RPC_TIMEOUT' ? 504 : 502
      const page = response.headersSent ? undefined : this.viewer.customError(status)
      const bytesOut = page?.responsePagePath
        ? await this.viewer.deliver(response, method, { key: '', path: url.pathname, status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(`${failure.message}\n`), storedAt: this.ctx.clock.now(), ttl: 0, ttlWhy: '' }, 0, 'Error')
        : this.viewer.sendError(response, status, failure.message)
      outcome = { status: page?.responseCode ?? status, result: 'Error', explanation: failure.message, bytesOut }
    }
    const notes = this.viewer.notes(response)
    if (notes) outcome.explanation += `; ${notes}`
    // What the viewer got, after a custom error response replaced the origin's answer.
    if (response.headersSent) outcome.status = response.statusCode
    this.requests.inc({ result: outcome.result, code: String(outcome.status) })
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
  }

  private async serve(request: IncomingMessage, response: ServerResponse, method: string, viewerUrl: URL): Promise<Outcome> {
    let url = viewerUrl
    const { behavior, cachePolicy: policy, headersPolicy, originRequestPolicy: orp } = this.behaviors.find((entry) => entry.match.test(url.pathname))!
    const which = `behavior ${behavior.pathPattern ?? '*'} → origin ${behavior.origin}`
    const encrypted = (request.socket as TLSSocket).encrypted === true
    if (!encrypted && behavior.viewerProtocolPolicy === 'https-only') {
      return { status: 403, result: 'Error', explanation: `${which}: https-only, and this request came over plain HTTP`, bytesOut: this.viewer.sendError(response, 403, 'This distribution accepts HTTPS requests only.') }
    }
    if (!encrypted && behavior.viewerProtocolPolicy === 'redirect-to-https' && this.secureBound) {
      const status = method === 'GET' || method === 'HEAD' ? 301 : 307
      const host = (request.headers.host ?? 'localhost').replace(/:\d+$/, '')
      const location = `https://${host}:${this.secureBound.port}${url.pathname}${url.search}`
      response.writeHead(status, { location, 'content-length': 0, 'x-cache': 'Redirect from cloudfront' })
      response.end()
      return { status, result: 'Error', explanation: `${which}: redirect-to-https → ${location}`, bytesOut: 0 }
    }
    const functions = this.functions
    const associations = behavior.functionAssociations
    if (functions && associations) {
      const edgeRequest = () => ({ method, uri: url.pathname, querystring: url.search.slice(1), headers: functions.headerMapOf(request.headers), viewerIp: request.socket.remoteAddress ?? '' })
      const context = { distributionDomainName: `${this.distributionId}.cloudfront.net`, distributionId: this.distributionId.toUpperCase(), requestId: randomBytes(12).toString('base64url') }
      if (associations.viewerRequest !== undefined) {
        const step = await functions.viewerRequest(associations.viewerRequest, edgeRequest(), context)
        this.viewer.note(response, step.note)
        if (step.kind === 'fail') return { status: step.status, result: 'Error', explanation: which, bytesOut: this.viewer.sendError(response, step.status, 'The CloudFront function associated with the CloudFront distribution could not run.') }
        if (step.kind === 'respond') {
          const generated = { key: '', path: url.pathname, status: step.status, headers: step.headers, body: step.body, storedAt: this.ctx.clock.now(), ttl: 0, ttlWhy: '' }
          return { status: step.status, result: 'FunctionGeneratedResponse', explanation: which, bytesOut: await this.viewer.deliver(response, method, generated, 0, 'FunctionGeneratedResponse') }
        }
        // The function may have rewritten the URI, query string and headers: the rest of the request uses its version.
        url = new URL(`${step.path}${step.query ? `?${step.query}` : ''}`, url)
        request.headers = step.headers
      }
      if (associations.viewerResponse !== undefined) {
        const id = associations.viewerResponse
        const requestForResponse = edgeRequest()
        this.viewer.useViewerResponseFunction(response, (status, headers) => functions.viewerResponse(id, requestForResponse, status, headers, context))
      }
    }
    if (!methodSets[behavior.allowedMethods].includes(method)) {
      const text = 'This distribution is not configured to allow the HTTP request method that was used for this request.'
      return { status: 403, result: 'Error', explanation: `${which}: ${method} is not in its allowed methods (${behavior.allowedMethods})`, bytesOut: this.viewer.sendError(response, 403, text) }
    }
    if (headersPolicy !== undefined) {
      const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined)
      this.viewer.useHeadersPolicy(response, { policy: headersPolicy, method, origin: header('origin'), preflightMethod: header('access-control-request-method') })
    }
    const cacheable = method === 'GET' || method === 'HEAD'
    const acceptEncoding = normaliseAcceptEncoding(request.headers['accept-encoding'], policy)
    // The normalised Accept-Encoding is part of the key: br, gzip and plain copies are separate objects.
    const key = `${cacheKey(method, request.headers.host ?? '', url, request.headers, policy)}${acceptEncoding ? ` ae:${acceptEncoding}` : ''}`
    const now = this.ctx.clock.now()
    const cached = cacheable ? this.cache.get(key) : undefined
    const age = cached ? Math.floor((now - cached.storedAt) / 1000) : 0
    if (cached && age < cached.ttl)
      return { status: cached.status, result: 'Hit', explanation: `${which}: Hit, age ${age} s of ${cached.ttl} s (${cached.ttlWhy})`, bytesOut: await this.viewer.deliver(response, method, cached, age, 'Hit') }
    const staleBy = cached ? age - cached.ttl : 0
    const stored = cached ? parseCacheControl(cached.headers['cache-control']) : undefined
    // Stale objects with validators are revalidated with a conditional request (RFC 9111 §4.3.1).
    const conditional: IncomingHttpHeaders = {}
    if (cached?.headers['etag']) conditional['if-none-match'] = String(cached.headers['etag'])
    if (cached?.headers['last-modified']) conditional['if-modified-since'] = String(cached.headers['last-modified'])
    const outgoing = originRequest(url, request.headers, policy, orp)
    const fetch = (viewerBody?: Buffer) =>
      this.origins.fetch(behavior.origin, method, outgoing, request, Object.keys(conditional).length ? conditional : undefined, viewerBody, acceptEncoding)
    if (cached && stored?.staleWhileRevalidate !== undefined && staleBy <= stored.staleWhileRevalidate) {
      // stale-while-revalidate: answer at once from the cache and refresh in the background.
      void fetch()
        .then(({ response: fresh }) => this.refresh(cached, fresh, policy))
        .catch((error: unknown) => this.ctx.log.warn(`background refresh of ${cached.path} failed: ${LabError.from(error).message}`))
      return { status: cached.status, result: 'Hit', explanation: `${which}: stale by ${staleBy} s, within stale-while-revalidate=${stored.staleWhileRevalidate}: served, refreshing in the background`, bytesOut: await this.viewer.deliver(response, method, cached, age, 'Hit') }
    }
    const waiting = cacheable ? this.inflight.get(key) : undefined
    if (waiting) {
      // Request collapsing: the same object is already being fetched; answer from what it brings.
      await waiting
      const collapsed = this.cache.get(key)
      const collapsedAge = collapsed ? Math.floor((this.ctx.clock.now() - collapsed.storedAt) / 1000) : 0
      if (collapsed && collapsedAge < collapsed.ttl)
        return { status: collapsed.status, result: 'Hit', explanation: `${which}: Hit, collapsed into the origin request already in flight for this object`, bytesOut: await this.viewer.deliver(response, method, collapsed, collapsedAge, 'Hit') }
    }
    let finished: () => void = () => {}
    if (cacheable && !waiting) {
      this.inflight.set(key, new Promise<void>((resolve) => (finished = resolve)))
      response.once('close', () => {
        this.inflight.delete(key)
        finished()
      })
    }
    const body = cacheable || method === 'OPTIONS' ? undefined : await readBody(request)
    const fetchStarted = performance.now()
    let fetched: Awaited<ReturnType<typeof fetch>>
    try {
      fetched = await fetch(body)
    } catch (error) {
      const stale = cached && this.serveStale(cached, staleBy, stored, now, `the origin failed (${LabError.from(error).message})`)
      if (stale) return { ...stale, explanation: `${which}: ${stale.explanation}`, bytesOut: await this.viewer.deliver(response, method, cached!, age, 'Hit') }
      throw error
    }
    const { response: origin, route } = fetched
    this.originLatency.observe((performance.now() - fetchStarted) / 1000)
    if (cached && origin.status >= 500) {
      const stale = this.serveStale(cached, staleBy, stored, now, `${route} answered ${origin.status}`)
      if (stale) return { ...stale, explanation: `${which}: ${stale.explanation}`, bytesOut: await this.viewer.deliver(response, method, cached, age, 'Hit') }
    }

    if (cached && origin.status === 304) {
      const updated = this.refresh(cached, origin, policy)
      return { status: updated.status, result: 'RefreshHit', explanation: `${which}: stale after ${cached.ttl} s, origin answered 304: RefreshHit, kept ${updated.ttl} s (${updated.ttlWhy})`, bytesOut: await this.viewer.deliver(response, method, updated, 0, 'RefreshHit') }
    }
    const decision = decideTtl(origin.headers, policy, now)
    // Errors are cached for the error caching minimum TTL unless the origin gave them a lifetime.
    const explicit = parseCacheControl(origin.headers['cache-control'])
    const errorTtl = this.viewer.customError(origin.status)?.errorCachingMinTtl ?? errorCachingMinTtl
    if ((errorStatuses.has(origin.status) || this.viewer.customError(origin.status)) && explicit.maxAge === undefined && explicit.sMaxAge === undefined && origin.headers['expires'] === undefined && !explicit.noStore) {
      decision.ttl = errorTtl
      decision.store = errorTtl > 0
      decision.why = `error ${origin.status}: the error caching minimum TTL, ${errorTtl} s`
    }
    // CloudFront keeps Vary only for Accept-Encoding, Cookie, User-Agent and the headers in the key; with
    // MinTTL 0 a `Vary: *` response is passed through and not kept.
    const vary = varyOf(origin.headers['vary'])
    const varyAll = vary.includes('*')
    if (varyAll && policy.minTtl === 0) {
      decision.store = false
      decision.why = 'Vary: * with MinTTL 0: not cached'
    }
    const store = cacheable && method === 'GET' && (storableStatuses.has(origin.status) || errorStatuses.has(origin.status)) && decision.store
    const object: CachedObject = { key, path: `${url.pathname}${url.search}`, status: origin.status, headers: forwardable(origin.headers), body: origin.body, storedAt: now, ttl: decision.ttl, ttlWhy: decision.why }
    const keptVary = vary.filter((name) => name === 'accept-encoding' || name === 'cookie' || name === 'user-agent' || policy.headers.some((h) => h.toLowerCase() === name))
    if (keptVary.length) object.headers['vary'] = keptVary.join(', ')
    else delete object.headers['vary']
    // CloudFront compresses only what it caches (TTL 0 turns compression off) and when the behavior asks.
    let compressed = ''
    if (behavior.compress && decision.ttl > 0) {
      const plan = compressionFor(acceptEncoding, origin)
      if ('encoding' in plan) {
        const before = object.body.length
        object.body = await compress(object.body, plan.encoding)
        object.headers['content-encoding'] = plan.encoding
        object.headers['vary'] = [...new Set([...varyOf(object.headers['vary']), 'accept-encoding'])].join(', ')
        const etag = weakenEtag(object.headers['etag'])
        if (etag) object.headers['etag'] = etag
        else delete object.headers['etag']
        compressed = `; compressed with ${plan.encoding} (${before} → ${object.body.length} bytes)`
      }
    }
    if (store) {
      this.cache.set(object)
      this.cacheBytes.set(this.cache.bytes)
    }
    // Waiting viewers may go now: the object is in the cache, or it will not be.
    this.inflight.delete(key)
    finished()
    const note = !cacheable ? `${method} is not cached` : store ? `stored for ${decision.ttl} s (${decision.why})` : storableStatuses.has(origin.status) ? decision.why : `status ${origin.status} is not stored`
    return { status: origin.status, result: 'Miss', explanation: `${which}: Miss, ${route} answered ${origin.status}; ${note}${compressed}${outgoing.note ? `; ${outgoing.note}` : ''}`, bytesOut: await this.viewer.deliver(response, method, object, 0, 'Miss') }
  }

  /** A 304 (or a background revalidation) refreshes a stored object: new TTL, headers updated (RFC 9111 §4.3.4). */
  private refresh(cached: CachedObject, fresh: { status: number; headers: Record<string, string | string[]>; body: Buffer }, policy: ReturnType<typeof resolveCachePolicy>): CachedObject {
    const now = this.ctx.clock.now()
    if (fresh.status !== 304 && fresh.status !== cached.status) return cached
    const headers = fresh.status === 304 ? mergeHeaders(cached.headers, fresh.headers) : { ...cached.headers, ...forwardable(fresh.headers) }
    const decision = decideTtl(headers, policy, now)
    const updated: CachedObject = { ...cached, headers, ...(fresh.status === 304 ? {} : { body: fresh.body }), storedAt: now, ttl: decision.ttl, ttlWhy: decision.why }
    this.cache.set(updated)
    return updated
  }

  /**
   * When the origin fails or answers 5xx and an expired object is cached, it is served instead: for
   * the object's `stale-if-error` seconds, or else for CloudFront's error caching minimum TTL.
   */
  private serveStale(cached: CachedObject, staleBy: number, stored: ReturnType<typeof parseCacheControl> | undefined, now: number, failure: string): Omit<Outcome, 'bytesOut'> | undefined {
    const window = stored?.staleIfError ?? errorCachingMinTtl
    if (staleBy > window) return undefined
    if (stored?.staleIfError === undefined) {
      // CloudFront then treats it as fresh for the error caching minimum TTL before it asks again.
      this.cache.set({ ...cached, ttl: Math.floor((now - cached.storedAt) / 1000) + errorCachingMinTtl, ttlWhy: `kept ${errorCachingMinTtl} s more after an origin error` })
    }
    const rule = stored?.staleIfError !== undefined ? `stale-if-error=${stored.staleIfError}` : `CloudFront's error caching minimum TTL (${errorCachingMinTtl} s)`
    return { status: cached.status, result: 'Hit', explanation: `${failure}: served the object stale by ${staleBy} s (${rule})` }
  }
}
