import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { createServer, request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { Emitter } from '../../common/base/emitter'
import type { LabApi, LabEvents } from '../../common/contract/lab-api'
import { listen } from '../net/listen'
import { connectWebBridge, startWebBridge, type WebBridge } from './web-bridge'

const api = {
  'lab.get': () => Promise.resolve({ state: 'empty', services: [], layout: {} }),
  'http.probe': () =>
    Promise.resolve({ status: 200, statusText: 'OK', headers: [], body: new Uint8Array([1, 2, 3]), durationMs: 1, url: 'x' })
} as unknown as LabApi

let dir: string
let bridge: WebBridge
const events = new Emitter<LabEvents>()

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netloom-bridge-'))
  await mkdir(join(dir, 'ui', 'assets'), { recursive: true })
  await writeFile(join(dir, 'ui', 'index.html'), '<!doctype html><title>Netloom</title>')
  await writeFile(join(dir, 'ui', 'assets', 'app.js'), 'console.log(1)')
  await writeFile(join(dir, 'secret.txt'), 'secret')
  bridge = await startWebBridge({ host: '127.0.0.1', port: 0, staticDir: join(dir, 'ui'), api, events, metricsText: () => 'm_total 1\n' })
})
afterAll(async () => {
  await bridge.close()
  await rm(dir, { recursive: true, force: true })
})

/** The HTTP status of a WebSocket handshake (101 when accepted). */
function handshake(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers })
    socket.once('open', () => {
      socket.close()
      resolve(101)
    })
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    socket.once('error', () => {})
  })
}

function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(bridge.url)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, headers }, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('web bridge', () => {
  it('serves the API to a client with the token, bytes intact', async () => {
    expect(bridge.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/)
    const client = await connectWebBridge(bridge.wsUrl)
    expect((await client.call('lab.get', {})).state).toBe('empty')
    const probe = await client.call('http.probe', { serviceId: 'web' })
    expect(probe.body).toBeInstanceOf(Uint8Array)
    expect([...probe.body]).toEqual([1, 2, 3])
    const got: number[] = []
    client.on('metrics.sampled', (sample) => got.push(sample.at))
    events.emit('metrics.sampled', { at: 5, series: [] })
    await expect.poll(() => got).toEqual([5])
    client.dispose()
  })

  it('refuses a missing or wrong token with 401', async () => {
    const url = new URL(bridge.wsUrl)
    url.search = ''
    expect(await handshake(url.toString())).toBe(401)
    url.searchParams.set('token', '0'.repeat(32))
    expect(await handshake(url.toString())).toBe(401)
    await expect(connectWebBridge(url.toString())).rejects.toMatchObject({ code: 'LAB_ERR_UNAUTHORIZED' })
  })

  it('refuses a page from another origin even with the token, and accepts its own', async () => {
    expect(await handshake(bridge.wsUrl, { origin: 'http://evil.example' })).toBe(403)
    expect(await handshake(bridge.wsUrl, { origin: 'http://127.0.0.1:1' })).toBe(403)
    expect(await handshake(bridge.wsUrl, { origin: bridge.url.replace(/\/$/, '') })).toBe(101)
  })

  it('serves /healthz openly and /metrics only with the token', async () => {
    expect((await rawGet('/healthz')).body).toBe('ok\n')
    expect((await rawGet('/metrics')).status).toBe(401)
    expect((await rawGet(`/metrics?token=${bridge.token}`)).body).toBe('m_total 1\n')
    const bearer = await rawGet('/metrics', { authorization: `Bearer ${bridge.token}` })
    expect(bearer.headers['content-type']).toContain('version=0.0.4')
  })

  it('serves the UI with a strict CSP and never a file outside it', async () => {
    const index = await rawGet('/')
    expect(index.body).toContain('<title>Netloom</title>')
    expect(index.headers['content-security-policy']).toContain("default-src 'self'")
    expect(index.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:`)
    expect(index.headers['x-content-type-options']).toBe('nosniff')
    expect((await rawGet('/assets/app.js')).headers['content-type']).toContain('text/javascript')
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00', '/..\\secret.txt'])
      expect((await rawGet(path)).body, path).not.toBe('secret')
  })

  it('refuses a foreign Host header (DNS rebinding) for pages and the WebSocket alike', async () => {
    expect((await rawGet('/healthz', { host: 'evil.example' })).status).toBe(403)
    expect((await rawGet('/', { host: `attacker.test:${new URL(bridge.url).port}` })).status).toBe(403)
    expect((await rawGet('/healthz', { host: `localhost:${new URL(bridge.url).port}` })).status).toBe(200)
    expect(await handshake(bridge.wsUrl, { host: 'evil.example' })).toBe(403)
  })

  it('only listens on loopback, and reports a taken port', async () => {
    await expect(startWebBridge({ host: '0.0.0.0', port: 0, api, events, metricsText: () => '' })).rejects.toMatchObject({
      code: 'LAB_ERR_CONFIG_INVALID'
    })
    const blocker = createServer()
    const { port } = await listen(blocker, { host: '127.0.0.1', port: 0 }, 'blocker')
    try {
      await expect(startWebBridge({ host: '127.0.0.1', port, api, events, metricsText: () => '' })).rejects.toMatchObject({
        code: 'LAB_ERR_PORT_IN_USE',
        message: `127.0.0.1:${port} is already in use`
      })
    } finally {
      blocker.close()
    }
  })
})
