import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import type { EdgeConfig } from '../../../common/services/edge/edge-config'
import { LabError } from '../../../common/errors/lab-error'
import type { ServiceContext } from '../service-module'
import type { OriginRequest } from './origin-request'

/** CloudFront's default origin response timeout. */
const originTimeoutMs = 30_000

export interface OriginResponse {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
}

/** The edge's side towards its origins: addresses, forwarded headers, origin groups and failover. */
export class OriginFetcher {
  constructor(
    private readonly config: () => EdgeConfig,
    private readonly peers: ServiceContext['peers'],
    private readonly distributionId: string
  ) {}

  /**
   * Fetches from an origin, or from an origin group: GET, HEAD and OPTIONS go to the secondary when the
   * primary cannot be reached or answers one of the group's failover statuses (CloudFront's rules; every
   * request starts at the primary). `route` says who answered, for the explanation.
   */
  async fetch(target: string, method: string, outgoing: OriginRequest, viewer: IncomingMessage, conditional: IncomingHttpHeaders | undefined, body: Buffer | undefined, acceptEncoding: string | undefined) {
    const group = this.config().originGroups.find((g) => g.id === target)
    if (!group) return { response: await this.fetchOne(target, method, outgoing, viewer, conditional, body, acceptEncoding), route: `origin ${target}` }
    const failoverMethod = method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
    let why: string
    try {
      const primary = await this.fetchOne(group.primary, method, outgoing, viewer, conditional, body, acceptEncoding)
      if (!failoverMethod || !(group.failoverStatusCodes as number[]).includes(primary.status)) return { response: primary, route: `origin group ${group.id}: primary ${group.primary}` }
      why = `primary ${group.primary} answered ${primary.status}`
    } catch (error) {
      if (!failoverMethod) throw error
      why = `primary ${group.primary} failed (${LabError.from(error).message})`
    }
    const secondary = await this.fetchOne(group.secondary, method, outgoing, viewer, conditional, body, acceptEncoding)
    return { response: secondary, route: `origin group ${group.id}: ${why} → secondary ${group.secondary}` }
  }

  /** The origin's address: a lab service (by id) or a loopback URL. */
  private address(id: string): { host: string; port: number } {
    const origin = this.config().origins.find((o) => o.id === id)!
    if (origin.url) {
      const url = new URL(origin.url)
      return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) }
    }
    const endpoint = this.peers?.endpoints(origin.service!)?.find((e) => e.protocol === 'http')
    if (!endpoint) throw new LabError('LAB_ERR_REQUEST_FAILED', `origin ${id}: service ${origin.service} has no HTTP endpoint (is it running?)`)
    return { host: endpoint.host === '0.0.0.0' ? '127.0.0.1' : endpoint.host, port: endpoint.port }
  }

  private fetchOne(originId: string, method: string, outgoing: OriginRequest, viewer: IncomingMessage, conditional: IncomingHttpHeaders | undefined, body: Buffer | undefined, acceptEncoding: string | undefined) {
    const { host, port } = this.address(originId)
    // Only what the cache key and the origin request policy allow, as CloudFront sends (origin-request.ts).
    const headers: IncomingHttpHeaders = { ...outgoing.headers }
    if (body?.length) headers['content-length'] = String(body.length)
    else if (viewer.headers['content-type']) headers['content-type'] ??= viewer.headers['content-type']
    headers['x-forwarded-for'] = [viewer.headers['x-forwarded-for'], viewer.socket.remoteAddress].filter(Boolean).join(', ')
    headers['via'] = `1.1 ${this.distributionId}.cloudfront.net (CloudFront)`
    // The origin sees the normalised Accept-Encoding (or identity), never the viewer's own list.
    headers['accept-encoding'] = acceptEncoding ?? 'identity'
    Object.assign(headers, conditional)
    return new Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }>((resolve, reject) => {
      let answered: IncomingMessage | undefined
      const chunks: Buffer[] = []
      const done = (res: IncomingMessage) => resolve({ status: res.statusCode ?? 502, headers: originHeaders(res), body: Buffer.concat(chunks) })
      const req = httpRequest({ host, port, method, path: outgoing.path, headers, timeout: originTimeoutMs }, (res) => {
        answered = res
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => done(res))
        res.on('error', (error) => reject(new LabError('LAB_ERR_REQUEST_FAILED', `origin ${originId} broke off its response: ${error.message}`)))
      })
      req.on('timeout', () => req.destroy(new LabError('LAB_ERR_RPC_TIMEOUT', `origin ${originId} did not answer within ${originTimeoutMs / 1000} s`)))
      req.on('error', (error) => {
        // Bytes past the Content-Length of a complete response are the origin's mistake, not a
        // broken response: the message is what Content-Length framed (RFC 9112 §6.3), the rest is dropped.
        // Its body may still be on its way through the stream: 'end' (or 'close') resolves.
        const complete = answered?.complete ? answered : undefined
        if (complete) complete.once('close', () => done(complete))
        else reject(LabError.from(error, 'LAB_ERR_REQUEST_FAILED'))
      })
      req.end(body)
    })
  }
}

/**
 * An origin response's headers as the cache reads them. Node keeps only the first line of some
 * fields (Age among them); the cache must see every Age line, since two lines make the age unknown
 * (freshness.ts `receivedAge`).
 */
function originHeaders(res: IncomingMessage): Record<string, string | string[]> {
  const headers = res.headers as Record<string, string | string[]>
  const age = res.headersDistinct['age']
  return age && age.length > 1 ? { ...headers, age } : headers
}
