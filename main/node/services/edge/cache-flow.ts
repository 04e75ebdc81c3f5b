import type { IncomingHttpHeaders } from 'node:http'
import type { EdgeConfig } from '../../../common/services/edge/edge-config'
import { LabError } from '../../../common/errors/lab-error'
import type { Clock } from '../../base/clock'
import type { Logger } from '../../lab-host/logger'
import type { ResolvedBehavior } from './behaviors'
import { parseCacheControl } from './cache/cache-control'
import { keyAcceptEncoding, OPTIONS_KEY_HEADERS } from './cache/cache-key'
import { CLOUDFRONT_ERROR_CACHING_MIN_TTL } from './cache/cache-policies'
import { headerValues, type CachedRequest, type CachedResponse, type StoredResponse } from './cache/cache-types'
import { RequestCollapser } from './cache/collapse'
import { conditionalHeaders, updateFromNotModified } from './cache/conditional'
import { canServeStale, currentAge, freshnessLifetime } from './cache/freshness'
import { isUnsafeMethod, unsafeInvalidationTargets } from './cache/invalidation'
import { requestCacheControl, satisfiesRequest } from './cache/request-directives'
import { hasValidator } from './cache/storable'
import { cloudFrontVary, varyHeaderNames } from './cache/vary'
import { headerMap, lifetimeWhy, refusalWhy } from './cache-explain'
import { compress, compressionFor, weakenEtag } from './compression'
import { forwardable, hopByHopIn, readBody, type ViewerRequest } from './edge-http'
import type { Delivery, Result } from './edge-viewer'
import type { OriginFetcher } from './origin-fetch'
import type { OriginOverride } from './origin-override'
import { originRequest } from './origin-request'
import { setCookieRule } from './set-cookie'

/** A viewer request after CloudFront Functions: the URL and headers the cache and origin see. */
export interface EdgeRequest {
  method: string
  url: URL
  headers: IncomingHttpHeaders
  incoming: ViewerRequest
  /** Set only when a viewer-request function called an origin helper. */
  origin?: OriginOverride
  /** The request as the cache core sees it (`cachedRequest`), once made. */
  cached?: CachedRequest
}

/** What the cache decided for one request: the full response, the result and why. */
export interface Served {
  delivery: Delivery
  result: Result
  explanation: string
}

export interface CacheFlowDeps {
  clock: Clock
  log: Logger
  origins: OriginFetcher
  config: () => EdgeConfig
  /** The behavior serving a path (unsafe requests invalidate other paths too). */
  behaviorFor: (path: string) => ResolvedBehavior
  /** An origin answered a miss, refresh or pass-through for this behavior (the metrics' label) in `seconds`. */
  originAnswered: (seconds: number, behavior: string) => void
}

/** One origin round trip for a cache key, shared with the requests collapsed into it. `hit`: answered from the cache after all (collapsed, or stale on an origin error). */
interface OriginOutcome {
  kind: 'fetched' | 'refreshed' | 'hit'
  delivery: Delivery
  explanation: string
  stored: boolean
  status: number
}

/**
 * The path of GET and HEAD (and OPTIONS, when the behavior caches it) through the cache (RFC 9111 with CloudFront's rules where they differ):
 * fresh hits, stale-while-revalidate, revalidation with validators, stale-if-error, collapsing of
 * concurrent misses per key, storage; and the pass-through of every other method with the
 * invalidation RFC 9111 §4.4 asks for.
 */
export class CacheFlow {
  private readonly collapser = new RequestCollapser<OriginOutcome>()

  constructor(private readonly deps: CacheFlowDeps) {}

  async serve(req: EdgeRequest, b: ResolvedBehavior): Promise<Served> {
    const now = this.deps.clock.now()
    const creq = cachedRequest(req)
    const honor = this.deps.config().viewerCacheControl === 'honor'
    const asked = honor ? requestCacheControl(creq) : undefined
    let found = b.cache.lookup(creq, now)
    // Only a memory miss that the disk tier's index matches waits for a file; a memory hit never does.
    const fromDisk = found.status === 'miss' && found.onDisk === true
    if (fromDisk) found = await b.cache.promote(creq, now)
    if (found.status !== 'miss') {
      const { entry, ageSec } = found
      const verdict = honor ? satisfiesRequest(entry, creq, now) : { use: found.status === 'fresh', stale: false }
      if (verdict.use) {
        const how = verdict.stale ? `stale by ${Math.floor(ageSec - entry.lifetimeSec)} s, within the viewer's max-stale` : `age ${Math.floor(ageSec)} s of ${entry.lifetimeSec} s (${lifetimeWhy(entry)})`
        return { delivery: fromStore(entry, ageSec), result: 'Hit', explanation: `Hit, ${how}${fromDisk ? ', read from the on-disk store' : ''}` }
      }
      const viewerInsists = asked !== undefined && (asked.noCache || asked.maxAge !== undefined)
      if (found.status === 'stale' && !viewerInsists && canServeStale(entry, creq, now, 'revalidating')) {
        const window = parseCacheControl(headerValues(entry.headers, 'cache-control')).staleWhileRevalidate
        void this.collapser
          .run(`${req.method} ${found.key}`, () => this.fromOrigin(req, b, creq, entry))
          .catch((error: unknown) => this.deps.log.warn(`background refresh of ${req.url.pathname} failed: ${LabError.from(error).message}`))
        const staleBy = Math.floor(ageSec - entry.lifetimeSec)
        return { delivery: fromStore(entry, ageSec), result: 'Hit', explanation: `stale by ${staleBy} s, within stale-while-revalidate=${window}: served, refreshing in the background` }
      }
    }
    if (asked?.onlyIfCached) {
      const body = Buffer.from('Nothing usable is stored for this request (only-if-cached).\n')
      return { delivery: { status: 504, headers: { 'content-type': 'text/plain; charset=utf-8' }, body }, result: 'Error', explanation: 'the viewer sent only-if-cached and nothing usable is stored: 504 (RFC 9111 §5.2.1.7)' }
    }
    const stale = found.status === 'miss' ? undefined : found.entry
    const outcome = await this.collapsed(req, b, creq, found.key, stale)
    return { delivery: outcome.delivery, result: outcome.kind === 'refreshed' ? 'RefreshHit' : outcome.kind === 'hit' ? 'Hit' : 'Miss', explanation: outcome.explanation }
  }

  /**
   * Request collapsing (reference §1.8): concurrent requests for one key wait for one origin
   * request, then answer from what it stored. CachingDisabled turns it off, as on CloudFront; what
   * was not stored (private, no-store) is fetched again per viewer, except errors, which are shared.
   */
  private async collapsed(req: EdgeRequest, b: ResolvedBehavior, creq: CachedRequest, key: string, stale: StoredResponse | undefined): Promise<OriginOutcome> {
    if (b.policy.maxTtl <= 0) return this.guarded(b, creq, stale, () => this.fromOrigin(req, b, creq, stale))
    return this.guarded(b, creq, stale, async () => {
      const { value, leader } = await this.collapser.run(`${req.method} ${key}`, () => this.fromOrigin(req, b, creq, stale))
      if (leader || value.kind === 'hit' || value.status >= 500) return value
      const now = this.deps.clock.now()
      let again = b.cache.lookup(creq, now)
      // What the leader stored may already have been evicted to disk (a small memory budget).
      if (again.status === 'miss' && again.onDisk === true) again = await b.cache.promote(creq, now)
      if (again.status === 'fresh')
        return { ...value, kind: 'hit', delivery: fromStore(again.entry, again.ageSec), explanation: 'Hit, collapsed into the origin request already in flight for this object' }
      return this.fromOrigin(req, b, creq, again.status === 'miss' ? undefined : again.entry)
    })
  }

  /** When the origin cannot be reached, a stale object may still answer (stale-if-error). */
  private async guarded(b: ResolvedBehavior, creq: CachedRequest, stale: StoredResponse | undefined, work: () => Promise<OriginOutcome>): Promise<OriginOutcome> {
    try {
      return await work()
    } catch (error) {
      const served = stale && this.staleOnError(b, creq, stale, `the origin failed (${LabError.from(error).message})`)
      if (served) return served
      throw error
    }
  }

  /** Asks the origin (conditionally when a stale copy has validators) and stores what may be stored. */
  private async fromOrigin(req: EdgeRequest, b: ResolvedBehavior, creq: CachedRequest, stale: StoredResponse | undefined): Promise<OriginOutcome> {
    const { clock } = this.deps
    const outgoing = originRequest(req.url, req.headers, b.keyPolicy, b.originRequestPolicy)
    // A cached OPTIONS is keyed by the preflight headers (cache-key.ts): like every key value, they reach the origin.
    if (req.method === 'OPTIONS') for (const name of OPTIONS_KEY_HEADERS) if (req.headers[name] !== undefined) outgoing.headers[name] = req.headers[name]
    const acceptEncoding = keyAcceptEncoding(creq, b.policy.key)
    const conditional = stale && hasValidator(stale.headers) ? conditionalHeaders(stale) : undefined
    const requestTime = clock.now()
    const started = performance.now()
    const { response: origin, route } = await this.deps.origins.fetch(b.behavior.origin, req.method, outgoing, req.incoming, conditional as IncomingHttpHeaders | undefined, undefined, acceptEncoding, req.origin)
    this.deps.originAnswered((performance.now() - started) / 1000, b.label)
    const responseTime = clock.now()
    const cookies = setCookieRule(origin.headers, b)
    const response: CachedResponse = { status: origin.status, headers: cookies.headers, body: origin.body, requestTime, responseTime }
    const leftOut = [outgoing.note, cookies.note].map((note) => (note ? `; ${note}` : '')).join('')

    if (stale && origin.status === 304) {
      const merged = updateFromNotModified(stale, response, b.policy, responseTime)
      b.cache.revalidated(creq, response, responseTime)
      const explanation = `stale after ${stale.lifetimeSec} s, ${route} answered 304: RefreshHit, kept ${merged.lifetimeSec} s (${lifetimeWhy(merged)})`
      return { kind: 'refreshed', delivery: fromStore(merged), explanation, stored: true, status: 304 }
    }
    if (stale && origin.status >= 500) {
      const served = this.staleOnError(b, creq, stale, `${route} answered ${origin.status}`)
      if (served) return served
    }
    const headers = storableHeaders(response.headers, b)
    let body = origin.body
    let note = ''
    if (req.method === 'HEAD') {
      const effect = b.cache.freshenFromHead(creq, { ...response, headers }, responseTime)
      note = effect === 'none' ? 'HEAD is answered by the origin and not stored' : `HEAD ${effect} the stored GET (RFC 9111 §4.3.5)`
    } else {
      const freshness = freshnessLifetime({ ...response, headers }, b.policy, responseTime)
      // CloudFront compresses only what it caches (TTL 0 turns compression off) and when the behavior asks.
      if (b.behavior.compress && freshness.lifetimeSec > 0) {
        const plan = compressionFor(acceptEncoding, { status: origin.status, headers, body })
        if ('encoding' in plan) {
          const before = body.length
          body = await compress(body, plan.encoding)
          headers['content-encoding'] = plan.encoding
          headers['content-length'] = String(body.length)
          headers['vary'] = [...new Set([...varyNames(headers), 'accept-encoding'])].join(', ')
          const etag = weakenEtag(headers['etag'])
          if (etag) headers['etag'] = etag
          else delete headers['etag']
          note = `; compressed with ${plan.encoding} (${before} → ${body.length} bytes)`
        }
      }
      const refusesStorage = this.deps.config().viewerCacheControl === 'honor' && requestCacheControl(creq).noStore
      const result = refusesStorage ? undefined : b.cache.store(storageRequest(creq, outgoing.headers), { ...response, headers, body }, responseTime)
      const stored = result?.stored === true
      const what = !result ? 'the viewer sent no-store: not stored' : result.stored ? `stored for ${freshness.lifetimeSec} s (${lifetimeWhy({ ...freshness, headers, status: origin.status })})` : refusalWhy(result.reason)
      note = `${what}${note}`
      const explanation = `Miss, ${route} answered ${origin.status}; ${note}${leftOut}`
      return { kind: 'fetched', delivery: { status: origin.status, headers, body }, explanation, stored, status: origin.status }
    }
    return { kind: 'fetched', delivery: { status: origin.status, headers, body }, explanation: `Miss, ${route} answered ${origin.status}; ${note}${leftOut}`, stored: false, status: origin.status }
  }

  /**
   * An expired object answers when the origin fails, if it may (RFC 5861 stale-if-error; without the
   * directive CloudFront serves it and keeps it another error caching minimum TTL before asking again).
   */
  private staleOnError(b: ResolvedBehavior, creq: CachedRequest, stale: StoredResponse, failure: string): OriginOutcome | undefined {
    const now = this.deps.clock.now()
    // A stored error is no better than a new one: it is replaced, not served stale.
    if (stale.status >= 500 || !canServeStale(stale, creq, now, 'error')) return undefined
    const age = currentAge(stale, now)
    const directive = parseCacheControl(headerValues(stale.headers, 'cache-control')).staleIfError
    const keep = b.policy.errorCachingMinTtl ?? CLOUDFRONT_ERROR_CACHING_MIN_TTL
    if (directive === undefined) b.cache.keepFresh(creq, keep, now)
    const rule = directive !== undefined ? `stale-if-error=${directive}` : `CloudFront's error caching minimum TTL (${keep} s)`
    const explanation = `${failure}: served the object stale by ${Math.floor(age - stale.lifetimeSec)} s (${rule})`
    return { kind: 'hit', delivery: fromStore(stale, age), explanation, stored: true, status: stale.status }
  }

  /** Methods other than GET and HEAD go to the origin; a successful unsafe one invalidates (RFC 9111 §4.4). */
  async forward(req: EdgeRequest, b: ResolvedBehavior): Promise<Served> {
    const creq = cachedRequest(req)
    const body = req.method === 'OPTIONS' ? undefined : await readBody(req.incoming)
    const outgoing = originRequest(req.url, req.headers, b.keyPolicy, b.originRequestPolicy)
    const started = performance.now()
    const { response: origin, route } = await this.deps.origins.fetch(b.behavior.origin, req.method, outgoing, req.incoming, undefined, body, keyAcceptEncoding(creq, b.policy.key), req.origin)
    this.deps.originAnswered((performance.now() - started) / 1000, b.label)
    const now = this.deps.clock.now()
    const response: CachedResponse = { status: origin.status, headers: origin.headers, body: origin.body, requestTime: now, responseTime: now }
    let note = `${req.method} is not cached`
    if (isUnsafeMethod(req.method)) {
      const targets = unsafeInvalidationTargets(creq, response, String(req.headers.host ?? ''))
      const removed = targets.reduce((sum, target) => sum + this.deps.behaviorFor(new URL(target, 'http://edge.invalid').pathname).cache.removeUri(target), 0)
      if (targets.length) note += `; invalidated ${targets.join(' ')} (RFC 9111 §4.4): ${removed} object(s) removed`
    }
    const cookies = setCookieRule(origin.headers, b)
    const explanation = `Miss, ${route} answered ${origin.status}; ${note}${[outgoing.note, cookies.note].map((n) => (n ? `; ${n}` : '')).join('')}`
    return { delivery: { status: origin.status, headers: forwardable(cookies.headers), body: origin.body }, result: 'Miss', explanation }
  }
}

/** The viewer request as the cache core sees it. */
export function cachedRequest(req: EdgeRequest): CachedRequest {
  // Made once per request: the flow and the viewer answer both read it, and an EdgeRequest's URL and
  // headers do not change once it is made.
  return (req.cached ??= { method: req.method, url: `${req.url.pathname}${req.url.search}`, headers: headerMap(req.headers) })
}

/** A stored response on its way out: its body, and its age when it was not validated just now. */
function fromStore(entry: StoredResponse, ageSec?: number): Delivery {
  // The stored headers themselves: whoever changes a delivery's headers makes a new object.
  const delivery: Delivery = { status: entry.status, headers: entry.headers, body: Buffer.from(entry.body.buffer, entry.body.byteOffset, entry.body.byteLength) }
  if (ageSec !== undefined) delivery.age = ageSec
  return delivery
}

/**
 * What is kept and passed on of an origin's headers: no hop-by-hop fields, nor those its Connection
 * header names (RFC 9111 §3.1; Content-Length stays, to
 * catch truncated bodies), and Vary cut to the names CloudFront keeps (reference §1.4).
 */
function storableHeaders(origin: Record<string, string | string[]>, b: ResolvedBehavior): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {}
  const skip = hopByHopIn(origin)
  for (const [name, value] of Object.entries(origin)) if (!skip.has(name)) headers[name] = value
  const names = varyHeaderNames(headers)
  if (names !== '*') {
    const kept = cloudFrontVary(names, b.forwardedHeaders)
    // The origin's own Vary (its spelling too) passes when CloudFront keeps all of it.
    if (kept.length === 0) delete headers['vary']
    else if (kept.length < names.length) headers['vary'] = kept.join(', ')
  }
  return headers
}

function varyNames(headers: Record<string, string | string[]>): string[] {
  const names = varyHeaderNames(headers)
  return names === '*' ? ['*'] : names
}

/**
 * The request a response is stored under: Authorization counts (RFC 9111 §3.5) only if it reached
 * the origin; CloudFront sends it only when the policies forward it.
 */
function storageRequest(creq: CachedRequest, sent: IncomingHttpHeaders): CachedRequest {
  if (sent['authorization'] !== undefined) return creq
  const headers = Object.fromEntries(Object.entries(creq.headers).filter(([name]) => name.toLowerCase() !== 'authorization'))
  return { ...creq, headers }
}
