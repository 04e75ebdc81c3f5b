import diagnosticsChannel from 'node:diagnostics_channel'
import { createServer } from 'node:net'
import dnsPacket from 'dns-packet'
import { afterEach, describe, expect, it } from 'vitest'
import { serviceSchema } from '../../../common/topology/lab-schema'
import { systemClock } from '../../base/clock'
import { nullLogger } from '../../lab-host/logger'
import type { TrafficSignal } from '../../lab-host/traffic-recorder'
import { MetricsRegistry } from '../../metrics/metrics-registry'
import { listen } from '../../net/listen'
import type { ServiceSpecOf } from '../service-module'
import { queryDns } from './dns-client'
import { DnsService } from './dns-service'
import { dataOf, encodeQuery, queryTcp, queryUdp, type Decoded } from './testing-client'
import { testZones } from './testing-zone'

const running: DnsService[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()))
})

function spec(port = 0): ServiceSpecOf<'dns'> {
  return serviceSchema.parse({ id: 'dns-main', kind: 'dns', listen: { host: '127.0.0.1', port }, config: testZones() }) as ServiceSpecOf<'dns'>
}

async function start() {
  const metrics = new MetricsRegistry()
  const service = new DnsService(spec(), { id: 'dns-main', labDir: '.', log: nullLogger, metrics: metrics.scope({ service: 'dns-main' }), clock: systemClock })
  await service.start()
  running.push(service)
  return { service, metrics, port: service.endpoints()[0]!.port }
}

const query = (name: string, type: string, id = 1) => encodeQuery(name, type, { id })
const udp = async (port: number, message: Uint8Array) => dnsPacket.decode(await queryUdp(port, message)) as Decoded
const tcp = async (port: number, messages: Uint8Array[]) => (await queryTcp(port, messages)).map((reply) => dnsPacket.decode(reply) as Decoded)

describe('dns service', () => {
  it('answers over UDP and TCP on the same port', async () => {
    const { port, service } = await start()
    expect(service.endpoints()).toEqual([
      { protocol: 'udp', host: '127.0.0.1', port },
      { protocol: 'tcp', host: '127.0.0.1', port }
    ])
    const answer = await udp(port, query('web.example.test', 'A'))
    expect(dataOf(answer)).toEqual(['192.0.2.10', '192.0.2.11'])
    const [overTcp] = await tcp(port, [query('web.example.test', 'AAAA')])
    expect(dataOf(overTcp!)).toEqual(['2001:db8::10'])
  })

  it('sets TC over UDP when an answer is too big, and gives it whole over TCP', async () => {
    const { port, metrics } = await start()
    const truncated = await udp(port, query('many.example.test', 'A'))
    expect(truncated.flags! & dnsPacket.TRUNCATED_RESPONSE).toBeTruthy()
    const [full] = await tcp(port, [query('many.example.test', 'A')])
    expect(full!.answers).toHaveLength(40)
    expect(metrics.snapshot(0).series).toContainEqual(expect.objectContaining({ name: 'lab_dns_truncated_total', value: 1 }))
  })

  it('answers pipelined TCP queries in order on one connection', async () => {
    const { port } = await start()
    const answers = await tcp(port, [query('web.example.test', 'A', 1), query('nope.example.test', 'A', 2), query('example.org', 'A', 3)])
    expect(answers.map((a) => [a.id, a.rcode])).toEqual([
      [1, 'NOERROR'],
      [2, 'NXDOMAIN'],
      [3, 'REFUSED']
    ])
  })

  it('publishes each query with its explanation and counts it', async () => {
    const seen: TrafficSignal[] = []
    const listener = (message: unknown) => seen.push(message as TrafficSignal)
    diagnosticsChannel.subscribe('lab:dns:request', listener)
    try {
      const { port, metrics } = await start()
      await udp(port, query('www.example.test', 'A'))
      expect(seen[0]).toMatchObject({ serviceId: 'dns-main', method: 'A', path: 'www.example.test.', status: 0, outcome: 'NOERROR', clientAddress: '127.0.0.1' })
      expect(seen[0]!.explanation).toBe('www.example.test. is a CNAME to web.example.test., A web.example.test.: 2 record(s)')
      expect(metrics.snapshot(0).series).toContainEqual(
        expect.objectContaining({ name: 'lab_dns_queries_total', labels: { qtype: 'A', rcode: 'NOERROR', transport: 'UDP', service: 'dns-main' }, value: 1 })
      )
    } finally {
      diagnosticsChannel.unsubscribe('lab:dns:request', listener)
    }
  })

  it('changes its zones in place on reconfigure', async () => {
    const { service, port } = await start()
    const next = spec()
    next.config.zones[0]!.records.push({ name: 'new', type: 'A', ttl: 60, values: ['192.0.2.200'] })
    expect(await service.reconfigure(next)).toBe('reconfigured')
    expect(dataOf(await udp(port, query('new.example.test', 'A')))).toEqual(['192.0.2.200'])
  })

  it('answers the app\'s dig, retrying a truncated answer over TCP, from a chosen source address', async () => {
    const { port } = await start()
    const dig = (name: string, type: string, source?: string) =>
      queryDns({ host: '127.0.0.1', port, name, type, transport: 'udp', ...(source ? { source } : {}) })
    const web = await dig('www.example.test', 'A')
    expect(web).toMatchObject({ rcode: 'NOERROR', flags: { aa: true, tc: false }, question: 'www.example.test. A', transport: 'udp' })
    expect(web.answer.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.value}`)).toEqual([
      'www.example.test. 300 CNAME web.example.test.',
      'web.example.test. 300 A 192.0.2.10',
      'web.example.test. 300 A 192.0.2.11'
    ])
    // The 1.6 KB TXT is over the 1232 bytes the dig offers, so it comes again over TCP.
    const big = await dig('big.example.test', 'TXT')
    expect(big).toMatchObject({ retriedOverTcp: true, transport: 'tcp' })
    expect(big.answer).toHaveLength(1)
    expect((await dig('db.internal.example.test', 'A', '127.0.0.2')).answer.map((r) => r.value)).toEqual(['10.0.0.5'])
    expect((await dig('db.internal.example.test', 'A')).rcode).toBe('NXDOMAIN')
    await expect(dig('www.example.test', 'NOPE')).rejects.toMatchObject({ code: 'LAB_ERR_RPC_BAD_REQUEST' })
  })

  it('fails with LAB_ERR_PORT_IN_USE when the port is taken', async () => {
    const blocker = createServer()
    const { port } = await listen(blocker, { host: '127.0.0.1', port: 0 }, 'blocker')
    try {
      const service = new DnsService(spec(port), { id: 'dns-main', labDir: '.', log: nullLogger, metrics: new MetricsRegistry().scope({}), clock: systemClock })
      await expect(service.start()).rejects.toMatchObject({ code: 'LAB_ERR_PORT_IN_USE', details: { serviceId: 'dns-main' } })
    } finally {
      blocker.close()
    }
  })
})

describe('dns service in a lab', () => {
  it('fails over when the primary origin stops answering its health check', async () => {
    const { readFile } = await import('node:fs/promises')
    const { LabHost } = await import('../../lab-host/lab-host')
    const { serviceModules } = await import('../registry')
    const source = await readFile(new URL('../../../../resources/examples/dns-failover.yaml', import.meta.url), 'utf8')
    const host = new LabHost({ modules: serviceModules, metrics: new MetricsRegistry() })
    try {
      const report = await host.apply(source.replace(/port: \d+/g, 'port: 0'))
      expect(report.ok).toBe(true)
      const port = host.service('dns')!.endpoints()[0]!.port
      const app = async () => dataOf(await udp(port, query('app.shop.test', 'A')))
      expect(await app()).toEqual(['127.0.0.1'])
      await host.stopService('primary')
      // Two failed checks, 2 s apart: wait for the state to change, not for a fixed time.
      await expect.poll(app, { timeout: 15_000, interval: 500 }).toEqual(['127.0.0.2'])
      expect(dataOf(await udp(port, query('shop.test', 'A')))).toEqual(['127.0.0.2'])
      expect(host.metrics().series).toContainEqual(
        expect.objectContaining({ name: 'lab_dns_routing_decisions_total', labels: { policy: 'failover', set: 'backup', service: 'dns' } })
      )
    } finally {
      await host.dispose()
    }
  }, 30_000)
})

describe('dns answer cache', () => {
  it('reuses an answer with the new query\'s id, flags and case, and never for routed or private names', async () => {
    const { port } = await start()
    const first = await udp(port, encodeQuery('web.example.test', 'A', { id: 11 }))
    const second = await udp(port, encodeQuery('web.example.test', 'A', { id: 22 }))
    expect([first.id, second.id]).toEqual([11, 22])
    expect(dataOf(second)).toEqual(dataOf(first))
    const upper = await udp(port, encodeQuery('WEB.example.test', 'A', { id: 33 }))
    expect(upper.questions?.[0]?.name).toBe('WEB.example.test')
    // The private zone answers by source address, so its names are never cached.
    expect((await udp(port, encodeQuery('db.internal.example.test', 'A'))).rcode).toBe('NXDOMAIN')
    const { queryDns } = await import('./dns-client')
    const fromPrivate = await queryDns({ host: '127.0.0.1', port, name: 'db.internal.example.test', type: 'A', transport: 'udp', source: '127.0.0.2' })
    expect(fromPrivate.answer.map((r) => r.value)).toEqual(['10.0.0.5'])
  })
})

describe('EDNS Client Subnet', () => {
  it('routes by the subnet the resolver sends, echoes it with a scope, and refuses a bad one', async () => {
    const config = {
      zones: [
        {
          name: 'geo.test',
          records: [
            { name: 'www', type: 'A', values: ['192.0.2.1'], setIdentifier: 'eu', geolocation: { continent: 'EU' } },
            { name: 'www', type: 'A', values: ['192.0.2.2'], setIdentifier: 'default', geolocation: { country: '*' } },
            { name: 'plain', type: 'A', values: ['192.0.2.3'] }
          ]
        }
      ],
      clientLocations: [{ cidr: '198.51.100.0/24', continent: 'EU', country: 'DE' }]
    }
    const spec = serviceSchema.parse({ id: 'dns-main', kind: 'dns', listen: { host: '127.0.0.1', port: 0 }, config }) as ServiceSpecOf<'dns'>
    const service = new DnsService(spec, { id: 'dns-main', labDir: '.', log: nullLogger, metrics: new MetricsRegistry().scope({}), clock: systemClock })
    await service.start()
    running.push(service)
    const port = service.endpoints()[0]!.port
    const ask = (name: string, ecs?: { ip: string; prefix: number; scope?: number }) =>
      udp(
        port,
        dnsPacket.encode({
          type: 'query',
          id: 5,
          questions: [{ type: 'A', name, class: 'IN' }],
          additionals: [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: 1232,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: ecs ? [{ code: 8 as const, family: 1, sourcePrefixLength: ecs.prefix, scopePrefixLength: ecs.scope ?? 0, ip: ecs.ip }] : []
            }
          ]
        })
      )
    const ecsOf = (packet: Decoded) =>
      ((packet.additionals ?? []).find((r) => r.type === 'OPT') as { options?: { code: number; sourcePrefixLength?: number; scopePrefixLength?: number }[] } | undefined)?.options?.find((o) => o.code === 8)
    const fromGermany = await ask('www.geo.test', { ip: '198.51.100.0', prefix: 24 })
    expect(dataOf(fromGermany)).toEqual(['192.0.2.1'])
    expect(ecsOf(fromGermany)).toMatchObject({ sourcePrefixLength: 24, scopePrefixLength: 24 })
    expect(dataOf(await ask('www.geo.test'))).toEqual(['192.0.2.2'])
    const plain = await ask('plain.geo.test', { ip: '198.51.100.0', prefix: 24 })
    expect(ecsOf(plain)).toMatchObject({ scopePrefixLength: 0 })
    expect((await ask('www.geo.test', { ip: '198.51.100.0', prefix: 24, scope: 8 })).rcode).toBe('FORMERR')
  })
})

describe('query log file', () => {
  it('appends one Route 53-format line per query', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = await mkdtemp(join(tmpdir(), 'netloom-qlog-'))
    try {
      const spec = serviceSchema.parse({ id: 'dns-main', kind: 'dns', listen: { host: '127.0.0.1', port: 0 }, config: { ...testZones(), queryLog: 'queries.log' } }) as ServiceSpecOf<'dns'>
      const service = new DnsService(spec, { id: 'dns-main', labDir: dir, log: nullLogger, metrics: new MetricsRegistry().scope({}), clock: systemClock })
      await service.start()
      const port = service.endpoints()[0]!.port
      await udp(port, query('www.example.test', 'A'))
      await udp(port, query('nope.example.test', 'MX'))
      await service.stop()
      await new Promise((resolve) => setTimeout(resolve, 50))
      const lines = (await readFile(join(dir, 'queries.log'), 'utf8')).trim().split('\n')
      expect(lines).toHaveLength(2)
      expect(lines[0]).toMatch(/^1\.0 \S+Z Z[A-Z2-7]{20} www\.example\.test A NOERROR UDP LAB 127\.0\.0\.1 -$/)
      expect(lines[1]).toMatch(/ nope\.example\.test MX NXDOMAIN UDP LAB 127\.0\.0\.1 -$/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('aliases to lab services', () => {
  it('answer with the service\'s address (TTL 60) and, evaluating target health, skip it while it is stopped', async () => {
    const { LabHost } = await import('../../lab-host/lab-host')
    const { serviceModules } = await import('../registry')
    const source = `apiVersion: netloom/v1
kind: Lab
metadata: { name: alias }
services:
  - id: web
    kind: origin
    listen: { host: 127.0.0.1, port: 0 }
  - id: dns
    kind: dns
    listen: { host: 127.0.0.1, port: 0 }
    config:
      zones:
        - name: shop.test
          records:
            - { name: "@", type: A, alias: { service: web } }
            - { name: lb, type: A, alias: { service: web, evaluateTargetHealth: true }, setIdentifier: main, failover: PRIMARY }
            - { name: lb, type: A, values: [127.0.0.9], setIdentifier: sorry, failover: SECONDARY }
`
    const host = new LabHost({ modules: serviceModules, metrics: new MetricsRegistry() })
    try {
      expect((await host.apply(source)).ok).toBe(true)
      const port = host.service('dns')!.endpoints()[0]!.port
      const apex = await udp(port, query('shop.test', 'A'))
      expect(dataOf(apex)).toEqual(['127.0.0.1'])
      expect((apex.answers?.[0] as { ttl?: number } | undefined)?.ttl).toBe(60)
      expect(dataOf(await udp(port, query('lb.shop.test', 'A')))).toEqual(['127.0.0.1'])
      await host.stopService('web')
      expect(dataOf(await udp(port, query('lb.shop.test', 'A')))).toEqual(['127.0.0.9'])
    } finally {
      await host.dispose()
    }
  })
})
