import type { IncomingHttpHeaders } from 'node:http'
import type { ViewerRequest } from './edge-http'
import type { Disposable } from '../../../common/base/disposable'
import type { EdgeConfig } from '../../../common/services/edge/edge-config'
import { LabError } from '../../../common/errors/lab-error'
import type { ServiceContext } from '../service-module'
import { OriginAgents } from './origin-agents'
import { AttemptFailure, exchange, type OriginResponse } from './origin-exchange'
import type { OriginPatch, OriginOverride } from './origin-override'
import type { OriginRequest } from './origin-request'

export type { OriginResponse } from './origin-exchange'
type Origin = EdgeConfig['origins'][number]

/**
 * The edge's side towards its origins: addresses, forwarded and custom headers, the origin path,
 * connection attempts and timeouts, keep-alive connections, origin groups and failover. Dispose it
 * when the service stops, to close the kept connections.
 */
export class OriginFetcher implements Disposable {
  private readonly agents = new OriginAgents()
  private configSeen: EdgeConfig | undefined

  constructor(
    private readonly config: () => EdgeConfig,
    private readonly peers: ServiceContext['peers'],
    private readonly distributionId: string
  ) {}

  /**
   * Fetches from an origin, or from an origin group: GET, HEAD and OPTIONS go to the secondary when the
   * primary cannot be reached or answers one of the group's failover statuses (CloudFront's rules; every
   * request starts at the primary). `route` says who answered, for the explanation. `override`: what
   * a viewer-request function's origin helpers chose for this request (origin-override.ts).
   */
  async fetch(target: string, method: string, outgoing: OriginRequest, viewer: ViewerRequest, conditional: IncomingHttpHeaders | undefined, body: Buffer | undefined, acceptEncoding: string | undefined, override?: OriginOverride): Promise<{ response: OriginResponse; route: string }> {
    const config = this.config()
    if (config !== this.configSeen) {
      // A new config: connections to origins it no longer has are closed (changed ones on their next lease).
      this.configSeen = config
      this.agents.keepOnly(new Set(config.origins.map((o) => o.id)))
    }
    const chosen = override?.target ?? target
    // A function's updateRequestOrigin() changes the origin, or a group's primary only (as AWS says).
    const one = async (id: string, patch?: OriginPatch) => {
      const { response, attempts, allowed } = await this.fetchOne(id, method, outgoing, viewer, conditional, body, acceptEncoding, patch)
      return { response, which: `${id}${patch ? ' (as the function updated it)' : ''}${attempts > 1 ? ` (attempt ${attempts} of ${allowed})` : ''}` }
    }
    const group = typeof chosen === 'string' ? config.originGroups.find((g) => g.id === chosen) : { id: '(built by the function)', ...chosen }
    if (!group) {
      const { response, which } = await one(chosen as string, override?.patch)
      return { response, route: `origin ${which}` }
    }
    const failoverMethod = method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
    let why: string
    try {
      // The primary's connection attempts are all used up before the group fails over, as on CloudFront.
      const primary = await one(group.primary, override?.patch)
      if (!failoverMethod || !(group.failoverStatusCodes as number[]).includes(primary.response.status)) return { response: primary.response, route: `origin group ${group.id}: primary ${primary.which}` }
      why = `primary ${primary.which} answered ${primary.response.status}`
    } catch (error) {
      if (!failoverMethod) throw error
      why = `primary ${group.primary} failed (${LabError.from(error).message})`
    }
    const secondary = await one(group.secondary)
    return { response: secondary.response, route: `origin group ${group.id}: ${why} → secondary ${secondary.which}` }
  }

  /** Closes the connections kept open to origins. */
  dispose(): void {
    this.agents.dispose()
  }

  /** The origin's address: a lab service (by id) or a loopback URL. */
  private address(origin: Origin): { host: string; port: number } {
    if (origin.url) {
      const url = new URL(origin.url)
      return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) }
    }
    const endpoint = this.peers?.endpoints(origin.service!)?.find((e) => e.protocol === 'http')
    if (!endpoint) throw new LabError('LAB_ERR_REQUEST_FAILED', `origin ${origin.id}: service ${origin.service} has no HTTP endpoint (is it running?)`)
    return { host: endpoint.host === '0.0.0.0' ? '127.0.0.1' : endpoint.host, port: endpoint.port }
  }

  /** The address `patch` points the origin at: a loopback host or another origin's, and its port. */
  private patchedAddress(origin: Origin, address: NonNullable<OriginPatch['address']>): { host: string; port: number } {
    const base = address.originId ? this.config().origins.find((o) => o.id === address.originId)! : origin
    const own = address.host === undefined || address.port === undefined ? this.address(base) : undefined
    return { host: address.host ?? own!.host, port: address.port ?? own!.port }
  }

  /** The origin's answer, how many connection attempts it took and how many were allowed. */
  private async fetchOne(originId: string, method: string, outgoing: OriginRequest, viewer: ViewerRequest, conditional: IncomingHttpHeaders | undefined, body: Buffer | undefined, acceptEncoding: string | undefined, patch?: OriginPatch): Promise<{ response: OriginResponse; attempts: number; allowed: number }> {
    const configured = this.config().origins.find((o) => o.id === originId)!
    // Without a function's patch this is the configured origin as it stands (no copies on that path).
    const origin: Origin = patch ? { ...configured, ...patch } : configured
    const { host, port } = patch?.address ? this.patchedAddress(configured, patch.address) : this.address(origin)
    // Connections made for a function's address or keep-alive are pooled apart from the origin's own.
    const pool = patch?.address || patch?.keepaliveTimeout !== undefined ? `${originId}\u0000${host}:${port}\u0000${origin.keepaliveTimeout}` : originId
    // Only what the cache key and the origin request policy allow, as CloudFront sends (origin-request.ts).
    const headers: IncomingHttpHeaders = { ...outgoing.headers }
    if (body?.length) headers['content-length'] = String(body.length)
    else if (viewer.headers['content-type']) headers['content-type'] ??= viewer.headers['content-type']
    headers['x-forwarded-for'] = [viewer.headers['x-forwarded-for'], viewer.socket.remoteAddress].filter(Boolean).join(', ')
    headers['via'] = `1.1 ${this.distributionId}.cloudfront.net (CloudFront)`
    // The origin sees the normalised Accept-Encoding (or identity), never the viewer's own list.
    headers['accept-encoding'] = acceptEncoding ?? 'identity'
    // CloudFront overwrites a viewer's header of the same name; the schema refuses the names it cannot add.
    for (const { name, value } of origin.customHeaders) headers[name.toLowerCase()] = value
    Object.assign(headers, conditional)
    const exchangeOptions = { host, port, method, path: `${origin.originPath}${outgoing.path}`, headers, body, connectTimeoutMs: origin.connectionTimeout * 1000, responseTimeoutMs: origin.responseTimeout * 1000 }
    for (let attempt = 1; ; attempt++) {
      const lease = this.agents.lease(pool, `${host}:${port}`, origin.keepaliveTimeout * 1000)
      try {
        return { response: await exchange({ ...exchangeOptions, agent: lease.agent }), attempts: attempt, allowed: origin.connectionAttempts }
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw LabError.from(error, 'LAB_ERR_REQUEST_FAILED')
        if (attempt >= origin.connectionAttempts || !retried(error, method)) throw attemptsFailed(origin, error, attempt)
      } finally {
        lease.release()
      }
    }
  }
}

/** RFC 9110 §9.2.2: requests a client may send again without asking. */
const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])

/**
 * Which failures use up another of the origin's connection attempts (CloudFront's ConnectionAttempts):
 * refused and timed-out connections always (nothing reached the origin); a connection closed before
 * any response byte for idempotent methods, or when it was a pooled connection the origin had just
 * closed; and, as AWS's API reference says for custom origins, a response timeout for GET and HEAD.
 */
function retried(failure: AttemptFailure, method: string): boolean {
  switch (failure.kind) {
    case 'refused':
    case 'connect-timeout':
      return true
    case 'closed':
      return idempotent.has(method) || failure.reusedSocket
    case 'response-timeout':
      return method === 'GET' || method === 'HEAD'
    default:
      return false
  }
}

/**
 * The error after the last attempt. Timeouts keep LAB_ERR_RPC_TIMEOUT (504, as CloudFront answers
 * when connections or responses time out); refused or closed connections and cut-off responses are
 * LAB_ERR_REQUEST_FAILED (502).
 */
function attemptsFailed(origin: Origin, failure: AttemptFailure, attempts: number): LabError {
  const after = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`
  const details = { origin: origin.id, attempts, failure: failure.kind }
  switch (failure.kind) {
    case 'connect-timeout':
      return new LabError('LAB_ERR_RPC_TIMEOUT', `origin ${origin.id}: no connection within its connection timeout (${origin.connectionTimeout} s), ${after}`, { details, cause: failure })
    case 'response-timeout':
      return new LabError('LAB_ERR_RPC_TIMEOUT', `origin ${origin.id}: ${failure.message} within its response timeout (${origin.responseTimeout} s), ${after}`, { details, cause: failure })
    case 'broken':
      return new LabError('LAB_ERR_REQUEST_FAILED', `origin ${origin.id} broke off its response: ${failure.message}`, { details, cause: failure })
    default:
      return new LabError('LAB_ERR_REQUEST_FAILED', `origin ${origin.id}: could not connect, ${after} (${failure.message})`, { details, cause: failure })
  }
}
