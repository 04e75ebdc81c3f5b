import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { healthCheckSchema } from '../../../common/services/dns/dns-routing-config'
import { listen } from '../../net/listen'
import { probe } from './health-probe'

let port = 0
const server = createServer((request, response) => {
  if (request.url === '/health') response.end('status: ok\n')
  else if (request.url === '/big') response.end(`${'x'.repeat(6000)}needle`)
  else {
    response.statusCode = 503
    response.end('down')
  }
})

beforeAll(async () => {
  port = (await listen(server, { host: '127.0.0.1', port: 0 }, 'test')).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const check = (input: Record<string, unknown>) => healthCheckSchema.parse({ id: 'c', type: 'HTTP', ...input })

describe('health probes', () => {
  it('HTTP: healthy on 2xx/3xx, with an optional string in the first 5,120 bytes', async () => {
    expect(await probe(check({ target: `http://127.0.0.1:${port}/health` }), undefined)).toMatchObject({ ok: true })
    expect(await probe(check({ target: `127.0.0.1:${port}`, path: '/nope' }), undefined)).toMatchObject({ ok: false, detail: expect.stringContaining('503') })
    expect(await probe(check({ target: `http://127.0.0.1:${port}/health`, searchString: 'ok' }), undefined)).toMatchObject({ ok: true })
    expect(await probe(check({ target: `http://127.0.0.1:${port}/big`, searchString: 'needle' }), undefined)).toMatchObject({ ok: false, detail: expect.stringContaining('5120') })
  })

  it('finds a lab service by id', async () => {
    const peers = (id: string) => (id === 'web' ? [{ protocol: 'http' as const, host: '127.0.0.1', port }] : undefined)
    expect(await probe(check({ target: 'web', path: '/health' }), peers)).toMatchObject({ ok: true })
    expect(await probe(check({ target: 'nobody' }), peers)).toMatchObject({ ok: false, detail: expect.stringContaining('neither a lab service') })
  })

  it('TCP: healthy when the connection opens', async () => {
    expect(await probe(check({ type: 'TCP', target: `127.0.0.1:${port}` }), undefined)).toMatchObject({ ok: true })
    const closed = createServer()
    const { port: freePort } = await listen(closed, { host: '127.0.0.1', port: 0 }, 'x')
    await new Promise((resolve) => closed.close(resolve))
    expect(await probe(check({ type: 'TCP', target: `127.0.0.1:${freePort}` }), undefined)).toMatchObject({ ok: false })
  })

  it('never leaves the machine', async () => {
    expect(await probe(check({ target: 'http://192.0.2.1/' }), undefined)).toMatchObject({ ok: false, detail: expect.stringContaining('not a loopback address') })
  })
})
