import diagnosticsChannel from 'node:diagnostics_channel'
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer, request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { serviceSchema } from '../../../common/topology/lab-schema'
import { systemClock } from '../../base/clock'
import { nullLogger } from '../../lab-host/logger'
import type { TrafficSignal } from '../../lab-host/traffic-recorder'
import { MetricsRegistry } from '../../metrics/metrics-registry'
import { listen } from '../../net/listen'
import type { ServiceSpecOf } from '../service-module'
import { OriginService } from './origin-service'

const running: OriginService[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()))
})

function spec(config: unknown, port = 0): ServiceSpecOf<'origin'> {
  return serviceSchema.parse({ id: 'web', kind: 'origin', listen: { host: '127.0.0.1', port }, config }) as ServiceSpecOf<'origin'>
}

async function start(config: unknown, labDir = process.cwd()) {
  const metrics = new MetricsRegistry()
  const service = new OriginService(spec(config), {
    id: 'web',
    labDir,
    log: nullLogger,
    metrics: metrics.scope({ service: 'web' }),
    clock: systemClock
  })
  await service.start()
  running.push(service)
  const base = service.endpoints()[0]!.url!
  return { service, metrics, base }
}

async function text(response: Response) {
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type') }
}

describe('origin service', () => {
  it('answers inline routes, text and JSON, with their status and headers', async () => {
    const { base } = await start({
      routes: [
        { path: '/hello', method: 'GET', body: 'hi\n', headers: { 'x-lab': 'yes' } },
        { path: '/made', status: 201, json: { ok: true } }
      ]
    })
    const hello = await fetch(`${base}hello`)
    expect(hello.headers.get('x-lab')).toBe('yes')
    expect(await text(hello)).toEqual({ status: 200, body: 'hi\n', type: 'text/plain; charset=utf-8' })
    expect(await text(await fetch(`${base}made`, { method: 'POST' }))).toEqual({ status: 201, body: '{"ok":true}\n', type: 'application/json' })
  })

  it('echoes the request as JSON', async () => {
    const { base } = await start({})
    const response = await fetch(`${base}some/path?a=1&a=2&b=x`, { method: 'PUT', body: 'payload', headers: { 'x-test': 't' } })
    const echo = (await response.json()) as Record<string, unknown>
    expect(echo).toMatchObject({
      service: 'web',
      method: 'PUT',
      path: '/some/path',
      query: { a: ['1', '2'], b: 'x' },
      body: 'payload',
      clientAddress: '127.0.0.1',
      headers: expect.objectContaining({ 'x-test': 't' })
    })
  })

  it('refuses bodies over 1 MiB with 413', async () => {
    const { base } = await start({})
    const response = await fetch(base, { method: 'POST', body: new Uint8Array(1024 * 1024 + 1) })
    expect(response.status).toBe(413)
  })

  it('serves a static folder and never a file outside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netloom-origin-'))
    try {
      await mkdir(join(dir, 'site'))
      await writeFile(join(dir, 'site', 'index.html'), '<h1>home</h1>')
      await writeFile(join(dir, 'secret.txt'), 'secret')
      // A link inside the folder that leads out of it must not be followed.
      await symlink(join(dir, 'secret.txt'), join(dir, 'site', 'link.txt'))
      const { base } = await start({ static: { root: 'site' }, echo: false }, dir)
      expect(await text(await fetch(base))).toEqual({ status: 200, body: '<h1>home</h1>', type: 'text/html; charset=utf-8' })
      expect((await fetch(`${base}missing.html`)).status).toBe(404)
      for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/link.txt']) {
        const status = await rawGet(base, path)
        expect(status, path).not.toBe(200)
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('injects errors and closed connections, repeatably with a seed', async () => {
    const { base, metrics } = await start({ faults: { errorRate: 1, errorStatus: 502 } })
    expect((await fetch(base)).status).toBe(502)
    const closing = await start({ faults: { closeRate: 1 } })
    await expect(fetch(closing.base)).rejects.toThrow()
    const statuses = async () => {
      const { base: url } = await start({ faults: { errorRate: 0.5 }, seed: 7 })
      const out: number[] = []
      for (let i = 0; i < 12; i++) out.push((await fetch(url)).status)
      return out
    }
    const first = await statuses()
    expect(first).toContain(503)
    expect(first).toContain(200)
    expect(await statuses()).toEqual(first)
    expect(metrics.snapshot(0).series).toContainEqual(
      expect.objectContaining({ name: 'lab_origin_injected_faults_total', labels: { kind: 'status', service: 'web' }, value: 1 })
    )
  })

  it('counts and times requests, and publishes each one explained', async () => {
    const seen: TrafficSignal[] = []
    const listener = (message: unknown) => seen.push(message as TrafficSignal)
    diagnosticsChannel.subscribe('lab:origin:request', listener)
    try {
      const { base, metrics } = await start({ routes: [{ path: '/a', body: 'a' }] })
      await (await fetch(`${base}a`)).text()
      await (await fetch(`${base}b`)).text()
      expect(seen.map((s) => [s.path, s.status, s.outcome])).toEqual([
        ['/a', 200, 'route'],
        ['/b', 200, 'echo']
      ])
      expect(seen[0]?.explanation).toBe('matched inline route ANY /a')
      expect(seen[0]?.bytesOut).toBe(1)
      const series = metrics.snapshot(0).series
      expect(series).toContainEqual(expect.objectContaining({ name: 'lab_origin_requests_total', labels: { code: '200', service: 'web' }, value: 2 }))
      expect(series).toContainEqual(expect.objectContaining({ name: 'lab_origin_request_duration_seconds', count: 2 }))
    } finally {
      diagnosticsChannel.unsubscribe('lab:origin:request', listener)
    }
  })

  it('reconfigures in place unless the listen address changes', async () => {
    const { service, base } = await start({ routes: [{ path: '/v', body: '1' }] })
    expect(await service.reconfigure(spec({ routes: [{ path: '/v', body: '2' }] }, service.spec.listen.port))).toBe('reconfigured')
    expect(await (await fetch(`${base}v`)).text()).toBe('2')
    expect(await service.reconfigure(spec({}, 1))).toBe('restart-needed')
  })

  it('fails to start with LAB_ERR_PORT_IN_USE naming the service and address', async () => {
    const blocker = createServer()
    const { port } = await listen(blocker, { host: '127.0.0.1', port: 0 }, 'blocker')
    try {
      const service = new OriginService(spec({}, port), { id: 'web', labDir: '.', log: nullLogger, metrics: new MetricsRegistry().scope({}), clock: systemClock })
      await expect(service.start()).rejects.toMatchObject({
        code: 'LAB_ERR_PORT_IN_USE',
        message: `127.0.0.1:${port} is already in use`,
        details: { serviceId: 'web', address: `127.0.0.1:${port}` }
      })
      expect(service.state).toBe('failed')
    } finally {
      blocker.close()
    }
  })
})

/** A GET with the path sent exactly as given (fetch would normalise the dots away). */
function rawGet(base: string, path: string): Promise<number> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET' }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}
