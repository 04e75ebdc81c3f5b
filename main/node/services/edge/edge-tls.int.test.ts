import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { connect as http2Connect } from 'node:http2'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen } from '../../net/listen'
import { LabCa } from '../../tls/lab-ca'
import type { EdgeService } from './edge-service'
import { edgeForTest } from './testing-edge'

let dir: string
let origin: Server
let edge: EdgeService
let ca: string
let httpUrl: string
let httpsPort: number

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netloom-edge-tls-'))
  process.env['NETLOOM_DATA_DIR'] = dir
  origin = createServer((request, response) => response.end(`origin saw ${request.url}`))
  const originPort = (await listen(origin, { host: '127.0.0.1', port: 0 }, 'origin')).port
  edge = edgeForTest({
    origins: [{ id: 'web', url: `http://127.0.0.1:${originPort}` }],
    https: { names: ['cdn.lab.test', '127.0.0.1'] },
    behaviors: [
      { pathPattern: '/secure/*', origin: 'web', viewerProtocolPolicy: 'https-only' },
      { pathPattern: '/moved/*', origin: 'web', viewerProtocolPolicy: 'redirect-to-https' }
    ],
    defaultBehavior: { origin: 'web', cachePolicy: 'CachingDisabled' }
  })
  await edge.start()
  ca = (await LabCa.load(dir)).certPem
  httpUrl = edge.endpoints()[0]!.url!
  httpsPort = edge.endpoints().find((e) => e.protocol === 'https')!.port
})

afterAll(async () => {
  await edge.stop()
  await new Promise((resolve) => origin.close(resolve))
  delete process.env['NETLOOM_DATA_DIR']
  await rm(dir, { recursive: true, force: true })
})

function httpsGet(path: string, servername: string, trust: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: httpsPort, path, servername, ca: trust, headers: { host: servername } }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('edge: TLS at the edge', () => {
  it('serves HTTPS with a certificate from the lab CA, for a client that trusts only that CA', async () => {
    expect(await httpsGet('/page', 'cdn.lab.test', ca)).toEqual({ status: 200, body: 'origin saw /page' })
    await expect(httpsGet('/page', 'cdn.lab.test', undefined)).rejects.toThrow(/self-signed|unable to (get|verify)/)
  })

  it('speaks HTTP/2 over TLS', async () => {
    const session = http2Connect(`https://127.0.0.1:${httpsPort}`, { ca, servername: 'cdn.lab.test' })
    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ':path': '/h2', ':authority': 'cdn.lab.test' })
      let text = ''
      stream.on('data', (chunk: Buffer) => (text += chunk))
      stream.on('end', () => resolve(text))
      stream.on('error', reject)
    })
    session.close()
    expect(body).toBe('origin saw /h2')
  })

  it('applies the viewer protocol policy to plain HTTP viewers', async () => {
    expect((await fetch(`${httpUrl}secure/x`)).status).toBe(403)
    const moved = await fetch(`${httpUrl}moved/x?q=1`, { redirect: 'manual' })
    expect(moved.status).toBe(301)
    expect(moved.headers.get('location')).toBe(`https://127.0.0.1:${httpsPort}/moved/x?q=1`)
    expect((await fetch(`${httpUrl}moved/x`, { method: 'POST', redirect: 'manual' })).status).toBe(307)
    expect(await httpsGet('/secure/x', 'cdn.lab.test', ca)).toMatchObject({ status: 200 })
  })
})
