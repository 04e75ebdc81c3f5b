import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import diagnosticsChannel from 'node:diagnostics_channel'
import { createServer, isIP, isIPv6, type Server, type Socket } from 'node:net'
import type { ServiceEndpoint } from '../../../common/contract/lab-types'
import { formatName } from '../../../common/services/dns/dns-name'
import { typeName } from '../../../common/services/dns/record-types'
import { trafficTopic, type TrafficSignal } from '../../lab-host/traffic-recorder'
import { bindUdp, closeServer, formatAddress, listen, type ListenAddress } from '../../net/listen'
import { BaseService } from '../base-service'
import type { ServiceContext, ServiceSpecOf } from '../service-module'
import { createRandom, type Random } from '../../base/random'
import { answerQuery } from './answer'
import { ClientMaps } from './client-maps'
import { HealthChecks } from './health-checks'
import { probe } from './health-probe'
import { encodeResponse, parseQuery } from './message'
import type { Zone } from './zone'
import { loadZones } from './zone-loader'
import { ResponseCache } from './response-cache'
import { QueryLogFile } from './query-log'
import { resolve as resolvePath } from 'node:path'

/** RFC 7766 §6.2.3: idle TCP connections are closed after a few seconds. */
const tcpIdleMs = 10_000
const plainUdpLimit = 512
const tcpLimit = 65_535
const queryTopic = diagnosticsChannel.channel(trafficTopic('dns'))

/**
 * An authoritative name server for the lab's hosted zones, over UDP and TCP on one address. It never
 * recurses: names outside its zones get REFUSED.
 */
export class DnsService extends BaseService<'dns'> {
  private zones: Zone[]
  private readonly cache = new ResponseCache()
  private maps: ClientMaps
  private random: Random
  private health: HealthChecks | undefined
  private queryLog: QueryLogFile | undefined
  private udp: UdpSocket | undefined
  private tcp: Server | undefined
  private bound: ListenAddress | undefined
  private readonly queries
  private readonly duration
  private readonly truncated

  constructor(spec: ServiceSpecOf<'dns'>, ctx: ServiceContext) {
    super(spec, ctx)
    this.zones = []
    this.maps = new ClientMaps(spec.config)
    this.random = createRandom(spec.config.seed)
    this.queries = ctx.metrics.counter('lab_dns_queries_total', 'Queries answered, by type, rcode and transport.')
    this.duration = ctx.metrics.histogram('lab_dns_response_duration_seconds', 'Time to answer a query.')
    this.truncated = ctx.metrics.counter('lab_dns_truncated_total', 'UDP answers sent with TC=1 (the client retries over TCP).')
    this.decisions = ctx.metrics.counter('lab_dns_routing_decisions_total', 'Record sets chosen by routing policies, by policy and set.')
    this.healthGauge = ctx.metrics.gauge('lab_dns_health_check_healthy', 'Health check state: 1 healthy, 0 unhealthy.')
  }

  private readonly healthGauge
  private readonly decisions

  /** (Re)starts the health checks of the current config; the old ones stop. */
  private startHealthChecks(): void {
    this.health?.dispose()
    const checks = this.spec.config.healthChecks
    const health = new HealthChecks(checks, {
      clock: this.ctx.clock,
      log: this.ctx.log,
      probe: (check) => probe(check, this.ctx.peers?.endpoints),
      onChange: (id, healthy) => this.healthGauge.set(healthy ? 1 : 0, { check: id })
    })
    for (const state of health.snapshot()) this.healthGauge.set(state.healthy ? 1 : 0, { check: state.id })
    health.start()
    this.health = health
  }

  private openQueryLog(): void {
    this.queryLog?.dispose()
    this.queryLog = undefined
    const file = this.spec.config.queryLog
    if (!file) return
    const path = resolvePath(this.ctx.labDir, file)
    this.queryLog = new QueryLogFile(path, (error) => this.ctx.log.warn(`query log ${path}: ${error.message}`))
  }

  /** Where an alias to a lab service points: the service's listen addresses of one family. */
  private readonly serviceAddresses = (id: string, family: 4 | 6): { addresses: string[]; running: boolean } | undefined => {
    const endpoints = this.ctx.peers?.endpoints(id)
    if (!endpoints) return undefined
    const hosts = endpoints.map((e) => (e.host === '0.0.0.0' ? '127.0.0.1' : e.host === '::' ? '::1' : e.host))
    const addresses = [...new Set(hosts.filter((host) => isIP(host) === family))]
    return { addresses, running: this.ctx.peers?.state(id) === 'running' }
  }

  /** Health check states, for the UI. */
  healthStates() {
    return this.health?.snapshot() ?? []
  }

  protected async onStart(): Promise<void> {
    this.zones = await loadZones(this.spec.config.zones, this.ctx.labDir, this.id)
    this.cache.clear()
    const tcp = createServer((socket) => this.serveTcp(socket))
    const bound = await listen(tcp, this.spec.listen, this.id)
    this.tcp = tcp
    this.resources.add({ dispose: () => tcp.close() })
    const udp = createSocket({ type: isIPv6(bound.host) ? 'udp6' : 'udp4' })
    try {
      await bindUdp(udp, bound, this.id)
    } catch (error) {
      tcp.close()
      throw error
    }
    udp.on('message', (message, remote) => this.serveUdp(udp, message, remote.address, remote.port))
    udp.on('error', (error) => this.ctx.log.warn(`UDP socket error: ${error.message}`))
    this.udp = udp
    this.resources.add({ dispose: () => udp.close() })
    this.bound = bound
    this.startHealthChecks()
    this.resources.add({ dispose: () => this.health?.dispose() })
    this.openQueryLog()
    this.resources.add({ dispose: () => this.queryLog?.dispose() })
    this.ctx.log.info(`serving ${this.zones.length} zone(s) on ${formatAddress(bound)} (UDP and TCP)`)
  }

  protected async onStop(): Promise<void> {
    this.udp?.close()
    this.udp = undefined
    if (this.tcp) await closeServer(this.tcp, 1000)
    this.tcp = undefined
  }

  protected override async onReconfigure(next: ServiceSpecOf<'dns'>): Promise<boolean> {
    const { host, port } = this.spec.listen
    if (next.listen.host !== host || next.listen.port !== port) return false
    // Zones are rebuilt first, so a bad zone leaves the old ones answering.
    this.zones = await loadZones(next.config.zones, this.ctx.labDir, this.id)
    this.cache.clear()
    this.maps = new ClientMaps(next.config)
    if (next.config.seed !== this.spec.config.seed) this.random = createRandom(next.config.seed)
    const checksChanged = JSON.stringify(next.config.healthChecks) !== JSON.stringify(this.spec.config.healthChecks)
    const logChanged = next.config.queryLog !== this.spec.config.queryLog
    this.spec = next
    if (checksChanged) this.startHealthChecks()
    if (logChanged) this.openQueryLog()
    return true
  }

  endpoints(): ServiceEndpoint[] {
    const { host, port } = this.bound ?? this.spec.listen
    return [
      { protocol: 'udp', host, port },
      { protocol: 'tcp', host, port }
    ]
  }

  private serveUdp(socket: UdpSocket, message: Buffer, address: string, port: number): void {
    const reply = this.answer(message, address, 'UDP')
    if (reply) socket.send(reply, port, address)
  }

  /** RFC 7766: two-byte length prefix, several queries per connection, answered in order. */
  private serveTcp(socket: Socket): void {
    let pending: Buffer = Buffer.alloc(0)
    socket.setTimeout(tcpIdleMs, () => socket.destroy())
    socket.on('error', () => socket.destroy())
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0)
        if (pending.length < 2 + length) break
        const message = pending.subarray(2, 2 + length)
        pending = pending.subarray(2 + length)
        const reply = this.answer(message, socket.remoteAddress ?? '', 'TCP')
        if (!reply) continue
        const frame = Buffer.allocUnsafe(2 + reply.length)
        frame.writeUInt16BE(reply.length, 0)
        frame.set(reply, 2)
        socket.write(frame)
      }
    })
  }

  private answer(message: Uint8Array, source: string, transport: 'UDP' | 'TCP'): Uint8Array | undefined {
    const started = performance.now()
    const query = parseQuery(message)
    if (!query) return undefined
    const serverUdpSize = this.spec.config.maxUdpPayload
    const limit = transport === 'TCP' ? tcpLimit : query.edns ? Math.min(query.edns.udpSize, serverUdpSize) : plainUdpLimit
    const cacheKey = this.cache.key(query, limit)
    let reply = cacheKey === undefined ? undefined : this.cache.get(cacheKey, query)
    if (!reply) {
      const health = this.health
      // Location-based routing uses the resolver's view of its client (ECS) when it sends one.
      const where = query.edns?.clientSubnet?.address ?? source
      const routing = this.maps.context(where, (id) => health?.isHealthy(id) ?? true, this.random, this.serviceAddresses)
      const answered = answerQuery(this.zones, query, source, { minimal: this.spec.config.minimalResponses, routing })
      const encoded = encodeResponse(query, answered.response, limit, serverUdpSize)
      reply = { bytes: encoded.bytes, truncated: encoded.truncated, rcode: answered.response.rcode, rcodeName: answered.rcodeName, explanation: answered.explanation, ...(answered.zone ? { zone: answered.zone } : {}) }
      if (answered.cacheable && cacheKey !== undefined) this.cache.set(cacheKey, reply)
      for (const decision of answered.decisions) this.decisions.inc({ policy: decision.policy, set: decision.set })
    }
    const durationMs = performance.now() - started
    const qtype = query.question ? typeName(query.question.type) : '-'
    this.queries.inc({ qtype, rcode: reply.rcodeName, transport })
    this.duration.observe(durationMs / 1000)
    if (reply.truncated) this.truncated.inc()
    const subnet = query.edns?.clientSubnet
    this.queryLog?.write({
      at: this.ctx.clock.now(),
      ...(reply.zone ? { zone: reply.zone } : {}),
      qname: query.question ? formatName(query.question.labels) : '-',
      qtype,
      rcode: reply.rcodeName.split(' ')[0]!,
      transport,
      resolver: source,
      ...(subnet ? { clientSubnet: `${subnet.address}/${subnet.sourcePrefix}` } : {})
    })
    if (queryTopic.hasSubscribers) {
      const signal: TrafficSignal = {
        serviceId: this.id,
        method: qtype,
        path: query.question ? formatName(query.question.labels) : '-',
        status: reply.rcode,
        outcome: reply.rcodeName,
        explanation: reply.truncated ? `${reply.explanation}; over ${limit} bytes, sent with TC=1` : reply.explanation,
        durationMs,
        clientAddress: source,
        bytesOut: reply.bytes.length
      }
      queryTopic.publish(signal)
    }
    return reply.bytes
  }
}
