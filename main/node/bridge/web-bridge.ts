import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { LabApi } from '../../common/contract/lab-api'
import { LabError } from '../../common/errors/lab-error'
import { maxFrameBytes } from '../../common/rpc/frame-codec'
import { serveLabApi, type LabEventSource } from '../../common/rpc/rpc-server'
import { createWebSocketTransport, type WebSocketLike } from '../../common/rpc/websocket-transport'
import { closeServer, formatAddress, listen } from '../net/listen'
import { createToken, isAllowedHost, isAllowedOrigin, isLoopbackHost, tokenMatches, tokenOf } from './bridge-auth'
import { plain, serveApp } from '../net/static-files'

export { connectWebBridge } from './connect-web-bridge'

export interface WebBridgeOptions {
  host: string
  port: number
  /** The built renderer; without it only the RPC endpoint, /healthz and /metrics are served. */
  staticDir?: string
  api: LabApi
  events: LabEventSource
  /** Prometheus exposition text for GET /metrics. */
  metricsText: () => string
}

export interface WebBridge {
  /** `http://127.0.0.1:PORT/` */
  url: string
  /** The web UI, with its token. */
  uiUrl: string
  /** The RPC endpoint, with its token. */
  wsUrl: string
  token: string
  close(): Promise<void>
}

const securityHeaders = (wsOrigin: string): Record<string, string> => ({
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src 'self' ${wsOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'"
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin'
})

/**
 * Web mode: serves the renderer and the LabApi over a WebSocket on loopback. Every connection needs the
 * random token from the printed URL, and browsers must come from this very origin.
 */
export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  if (!isLoopbackHost(options.host))
    throw new LabError(
      'LAB_ERR_CONFIG_INVALID',
      `the bridge only listens on loopback (127.0.0.1, ::1, localhost), not ${options.host}`
    )
  const token = createToken()
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes })
  const server = createServer()
  const bound = await listen(server, { host: options.host, port: options.port }, 'bridge')
  const origin = `http://${formatAddress(bound)}`
  const wsOrigin = `ws://${formatAddress(bound)}`
  const headers = securityHeaders(wsOrigin)

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!isAllowedHost(request.headers.host, bound.port)) return plain(response, 403, 'this bridge answers only to loopback host names\n')
    void handleHttp(request, response).catch((error: unknown) => {
      if (!response.headersSent) plain(response, 500, `${LabError.from(error).message}\n`)
      else response.destroy()
    })
  })

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin)
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'method not allowed\n', { allow: 'GET, HEAD' })
    if (url.pathname === '/healthz') return plain(response, 200, 'ok\n')
    if (url.pathname === '/metrics') {
      if (!tokenMatches(token, tokenOf(url, request.headers.authorization)))
        return plain(response, 401, 'token required: /metrics?token=… or Authorization: Bearer …\n', {
          'www-authenticate': 'Bearer'
        })
      const text = options.metricsText()
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' })
      return void response.end(text)
    }
    if (!options.staticDir)
      return plain(response, 404, 'This engine was started without the web UI (netloom up --ui serves it).\n', headers)
    return serveApp(options.staticDir, request, response, headers)
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', origin)
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (!isAllowedHost(request.headers.host, bound.port)) return refuse(403, 'Forbidden')
    if (url.pathname !== '/rpc') return refuse(404, 'Not Found')
    if (!tokenMatches(token, tokenOf(url, request.headers.authorization))) return refuse(401, 'Unauthorized')
    if (!isAllowedOrigin(request.headers.origin, bound.port)) return refuse(403, 'Forbidden')
    wss.handleUpgrade(request, socket, head, (ws) => serveConnection(ws))
  })

  function serveConnection(ws: WebSocket): void {
    const transport = createWebSocketTransport(ws as unknown as WebSocketLike)
    const served = serveLabApi(transport, options.api, options.events)
    transport.onClose(() => served.dispose())
  }

  return {
    url: `${origin}/`,
    uiUrl: `${origin}/?token=${token}`,
    wsUrl: `${wsOrigin}/rpc?token=${token}`,
    token,
    async close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
      await closeServer(server, 0)
    }
  }
}
