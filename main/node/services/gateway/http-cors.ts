import type { HttpApiConfig } from '../../../common/services/gateway/gateway-config'
import { headerOf, type GatewayReply, type GatewayRequest } from './gateway-exchange'

type CorsConfig = NonNullable<HttpApiConfig['cors']>

/**
 * HTTP API's built-in CORS (DG http-api-cors): with a CORS configuration the gateway answers every
 * preflight itself, whatever the routes, and replaces whatever CORS headers the backend sent with its
 * own. Origins match exactly (scheme, host and port, case-insensitive) or through `*`.
 */
export class HttpCors {
  private readonly origins: Set<string>
  private readonly anyOrigin: boolean

  constructor(private readonly config: CorsConfig) {
    this.anyOrigin = config.allowOrigins.includes('*')
    this.origins = new Set(config.allowOrigins.map((origin) => origin.toLowerCase()))
  }

  /** A CORS preflight: OPTIONS with an Origin and an Access-Control-Request-Method. */
  static isPreflight(request: GatewayRequest): boolean {
    return request.method === 'OPTIONS' && headerOf(request, 'origin') !== undefined && headerOf(request, 'access-control-request-method') !== undefined
  }

  private allowOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined) return undefined
    if (this.origins.has(origin.toLowerCase())) return origin
    return this.anyOrigin ? '*' : undefined
  }

  /** The gateway's own answer to a preflight: 204, with the CORS headers only for an allowed origin. */
  preflight(request: GatewayRequest): { reply: GatewayReply; reason: string } {
    const origin = headerOf(request, 'origin')
    const allowed = this.allowOrigin(origin)
    if (!allowed) return { reply: { status: 204, headers: [], body: Buffer.alloc(0) }, reason: `CORS preflight from ${origin}: origin not in allowOrigins, answered without CORS headers` }
    const requested = headerOf(request, 'access-control-request-method')!.toUpperCase()
    const methods = this.config.allowMethods.map((m) => m.toUpperCase())
    const headers: [string, string][] = [['access-control-allow-origin', allowed]]
    if (methods.includes('*') || methods.includes(requested)) headers.push(['access-control-allow-methods', this.config.allowMethods.join(',')])
    if (this.config.allowHeaders.length) headers.push(['access-control-allow-headers', this.config.allowHeaders.join(',')])
    if (this.config.allowCredentials) headers.push(['access-control-allow-credentials', 'true'])
    if (this.config.maxAge !== undefined) headers.push(['access-control-max-age', String(this.config.maxAge)])
    if (allowed !== '*') headers.push(['vary', 'Origin'])
    return { reply: { status: 204, headers, body: Buffer.alloc(0) }, reason: `CORS preflight from ${origin} for ${requested}: answered by the gateway` }
  }

  /** Drops the backend's CORS headers and adds the configured ones for an allowed origin. */
  decorate(request: GatewayRequest, reply: GatewayReply): void {
    reply.headers = reply.headers.filter(([name]) => !name.toLowerCase().startsWith('access-control-'))
    const allowed = this.allowOrigin(headerOf(request, 'origin'))
    if (!allowed) return
    reply.headers.push(['access-control-allow-origin', allowed])
    if (this.config.allowCredentials) reply.headers.push(['access-control-allow-credentials', 'true'])
    if (this.config.exposeHeaders.length) reply.headers.push(['access-control-expose-headers', this.config.exposeHeaders.join(',')])
    if (allowed !== '*') reply.headers.push(['vary', 'Origin'])
  }
}
