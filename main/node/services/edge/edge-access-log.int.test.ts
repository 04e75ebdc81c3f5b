import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeClock } from '../../base/clock'
import { MetricsRegistry } from '../../metrics/metrics-registry'
import { listen } from '../../net/listen'
import { accessLogFields } from './access-log-line'
import type { EdgeService } from './edge-service'
import { edgeForTest } from './testing-edge'

let origin: Server
let originPort = 0
let labDir = ''
let edge: EdgeService | undefined

beforeEach(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'netloom-edge-log-'))
  origin = createServer((request, response) => {
    const text = `body of ${request.url}`
    response.writeHead(request.url?.startsWith('/missing') ? 404 : 200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text), 'cache-control': 'max-age=60' })
    response.end(text)
  })
  originPort = (await listen(origin, { host: '127.0.0.1', port: 0 }, 'origin')).port
})

afterEach(async () => {
  await edge?.stop()
  edge = undefined
  await new Promise((resolve) => origin.close(resolve))
  await rm(labDir, { recursive: true, force: true })
})

async function startEdge(config: Record<string, unknown>) {
  const registry = new MetricsRegistry()
  const clock = new FakeClock(Date.UTC(2025, 4, 6, 7, 8, 9))
  edge = edgeForTest({
    origins: [{ id: 'web', url: `http://127.0.0.1:${originPort}` }, { id: 'gone', url: 'http://127.0.0.1:1' }],
    behaviors: [{ pathPattern: '/down/*', origin: 'gone' }],
    defaultBehavior: { origin: 'web' },
    ...config
  }, { labDir, metrics: registry.scope({ service: 'cdn' }), clock })
  await edge.start()
  return { base: edge.endpoints()[0]!.url!, registry }
}

/** The file's lines once it has `count` of them (the stream writes asynchronously). */
async function lines(count: number): Promise<string[]> {
  return vi.waitFor(async () => {
    const all = (await readFile(join(labDir, 'cdn.log'), 'utf8')).split('\n').filter(Boolean)
    expect(all.length).toBeGreaterThanOrEqual(count)
    return all
  })
}

const record = (line: string) => {
  const values = line.split('\t')
  expect(values).toHaveLength(33)
  return Object.fromEntries(accessLogFields.map((name, index) => [name, values[index]!]))
}

describe('edge access log', () => {
  it('writes the headers, then one CloudFront line per viewer request: miss, hit, error', async () => {
    const { base } = await startEdge({ accessLog: { file: 'cdn.log' } })
    const first = await fetch(`${base}a%20b.txt?x=1&y=two%20words`, { headers: { 'user-agent': 'lab test/1.0 (x)', referer: 'http://example.test/', cookie: 'id=1' } })
    await first.text()
    const second = await fetch(`${base}a%20b.txt?x=1&y=two%20words`)
    await second.text()
    await (await fetch(`${base}down/x`)).text()
    const all = await lines(5)
    expect(all[0]).toBe('#Version: 1.0')
    expect(all[1]).toBe(`#Fields: ${accessLogFields.join(' ')}`)
    const [miss, hit, error] = all.slice(2).map(record)
    expect(miss).toMatchObject({
      date: '2025-05-06',
      time: '07:08:09',
      'x-edge-location': 'LAB1-P1',
      'c-ip': '127.0.0.1',
      'cs-method': 'GET',
      'cs-uri-stem': '/a%2520b.txt',
      'cs-uri-query': 'x=1&y=two%2520words',
      'sc-status': '200',
      'cs(Referer)': 'http://example.test/',
      'cs(User-Agent)': 'lab%20test/1.0%20(x)',
      'cs(Cookie)': '-',
      'x-edge-result-type': 'Miss',
      'x-edge-response-result-type': 'Miss',
      'x-edge-detailed-result-type': 'Miss',
      'x-edge-request-id': first.headers.get('x-amz-cf-id'),
      'cs-protocol': 'http',
      'x-forwarded-for': '-',
      'ssl-protocol': '-',
      'ssl-cipher': '-',
      'cs-protocol-version': 'HTTP/1.1',
      'fle-status': '-',
      'sc-content-type': 'text/plain',
      // The query string is not in CachingOptimized's key: the origin never sees it.
      'sc-content-len': String(Buffer.byteLength('body of /a%20b.txt')),
      'sc-range-start': '-'
    })
    expect(miss!['cs(Host)']).toMatch(/^d[0-9a-f]{14}\.cloudfront\.net$/)
    expect(miss!['x-host-header']).toMatch(/^127\.0\.0\.1:\d+$/)
    // Headers included: more than the body.
    expect(Number(miss!['sc-bytes'])).toBeGreaterThan(Number(miss!['sc-content-len']))
    expect(Number(miss!['cs-bytes'])).toBeGreaterThan(50)
    expect(miss!['time-taken']).toMatch(/^\d+\.\d{3}$/)
    expect(Number(miss!['c-port'])).toBeGreaterThan(0)
    expect(hit).toMatchObject({ 'x-edge-result-type': 'Hit', 'x-edge-request-id': second.headers.get('x-amz-cf-id'), 'cs(User-Agent)': 'node' })
    expect(error).toMatchObject({ 'sc-status': '502', 'x-edge-result-type': 'Error', 'x-edge-detailed-result-type': 'OriginConnectError', 'sc-content-type': 'text/plain;%20charset=utf-8', 'cs-uri-stem': '/down/x', 'cs-uri-query': '-' })
  })

  it('logs cookies only with includeCookies, and keeps one header when the file is reopened', async () => {
    const { base } = await startEdge({ accessLog: { file: 'cdn.log', includeCookies: true } })
    await (await fetch(`${base}c`, { headers: { cookie: 'id=1; theme=dark' } })).text()
    await lines(3)
    await edge!.stop()
    await edge!.start()
    await (await fetch(`${edge!.endpoints()[0]!.url!}c`)).text()
    const all = await lines(4)
    expect(all.filter((line) => line.startsWith('#'))).toHaveLength(2)
    expect(record(all[2]!)['cs(Cookie)']).toBe('id=1;%20theme=dark')
    expect(record(all[3]!)['cs(Cookie)']).toBe('-')
  })

  it('counts requests per behavior and bytes by source', async () => {
    const { base, registry } = await startEdge({})
    for (let i = 0; i < 3; i++) await (await fetch(`${base}a`)).text()
    await (await fetch(`${base}down/x`)).text()
    const series = registry.snapshot(0).series
    const value = (name: string, labels: Record<string, string>) => series.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
    expect(value('lab_edge_requests_total', { behavior: 'default', result: 'Miss', code: '200' })).toBe(1)
    expect(value('lab_edge_requests_total', { behavior: 'default', result: 'Hit', code: '200' })).toBe(2)
    expect(value('lab_edge_requests_total', { behavior: '/down/*', result: 'Error', code: '502' })).toBe(1)
    expect(value('lab_edge_bytes_total', { behavior: 'default', source: 'origin' })).toBe(Buffer.byteLength('body of /a'))
    expect(value('lab_edge_bytes_total', { behavior: 'default', source: 'cache' })).toBe(2 * Buffer.byteLength('body of /a'))
    expect(value('lab_edge_bytes_total', { behavior: '/down/*', source: 'edge' })).toBeGreaterThan(0)
  })
})
