import { describe, expect, it } from 'vitest'
import type { GatewayRequest } from './gateway-exchange'
import { HttpCors } from './http-cors'

const request = (method: string, headers: [string, string][]): GatewayRequest => ({ requestId: 'r', method, rawPath: '/x', rawQuery: '', headers, body: Buffer.alloc(0), sourceIp: '127.0.0.1', protocol: 'HTTP/1.1', receivedAt: 0 })
const config = { allowOrigins: ['https://app.lab'], allowMethods: ['GET', 'POST'], allowHeaders: ['authorization'], exposeHeaders: ['x-total'], allowCredentials: true, maxAge: 600 }

describe('HttpCors', () => {
  it('recognises a preflight only with Origin and Access-Control-Request-Method', () => {
    expect(HttpCors.isPreflight(request('OPTIONS', [['Origin', 'https://app.lab'], ['Access-Control-Request-Method', 'POST']]))).toBe(true)
    expect(HttpCors.isPreflight(request('OPTIONS', [['Origin', 'https://app.lab']]))).toBe(false)
    expect(HttpCors.isPreflight(request('GET', [['Origin', 'https://app.lab'], ['Access-Control-Request-Method', 'POST']]))).toBe(false)
  })

  it('answers an allowed preflight with 204 and the configured headers', () => {
    const { reply } = new HttpCors(config).preflight(request('OPTIONS', [['Origin', 'https://APP.lab'], ['Access-Control-Request-Method', 'post']]))
    expect(reply.status).toBe(204)
    expect(Object.fromEntries(reply.headers)).toEqual({
      'access-control-allow-origin': 'https://APP.lab',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'authorization',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '600',
      vary: 'Origin'
    })
  })

  it('answers a foreign origin without CORS headers, so the browser blocks it', () => {
    const { reply, reason } = new HttpCors(config).preflight(request('OPTIONS', [['Origin', 'https://evil.lab'], ['Access-Control-Request-Method', 'GET']]))
    expect(reply).toMatchObject({ status: 204, headers: [] })
    expect(reason).toContain('not in allowOrigins')
  })

  it('replaces the backend CORS headers on responses', () => {
    const cors = new HttpCors({ ...config, allowOrigins: ['*'], allowCredentials: false })
    const reply = { status: 200, headers: [['Access-Control-Allow-Origin', 'https://backend.lab'], ['content-type', 'text/plain']] as [string, string][], body: Buffer.alloc(0) }
    cors.decorate(request('GET', [['origin', 'https://any.lab']]), reply)
    expect(reply.headers).toEqual([
      ['content-type', 'text/plain'],
      ['access-control-allow-origin', '*'],
      ['access-control-expose-headers', 'x-total']
    ])
  })
})
