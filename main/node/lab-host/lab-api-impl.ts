import { LabError } from '../../common/errors/lab-error'
import type { LabApi, LabEvents } from '../../common/contract/lab-api'
import type { DnsQueryResult, HttpProbeResult, SystemInfo } from '../../common/contract/lab-types'
import { queryDns } from '../services/dns/dns-client'
import { EdgeService } from '../services/edge/edge-service'
import { loadLab } from '../../common/topology/load-lab'
import packageJson from '../../../package.json'
import type { LabHost } from './lab-host'
import { readLabFile, writeLabFile } from './lab-files'
import type { Disposable } from '../../common/base/disposable'

const probeTimeoutMs = 30_000

/** The LabApi served over RPC, backed by one LabHost. Params arrive already validated by the RPC server. */
export function createLabApi(host: LabHost, mode: SystemInfo['mode']): LabApi {
  return {
    'lab.get': async () => host.snapshot(),
    'lab.validate': async ({ source }) => {
      const { lab, problems } = loadLab(source)
      return { ok: lab !== undefined, problems }
    },
    'lab.apply': ({ source, file }) => host.apply(source, file),
    'lab.stop': () => host.stop(),
    'lab.open': ({ file }) => readLabFile(file),
    'lab.save': ({ source, file }) => {
      const target = file ?? host.labFile
      if (!target)
        throw new LabError('LAB_ERR_FILE_IO', 'this lab has no file yet: choose where to save it (Save as)')
      return writeLabFile(target, source)
    },
    'services.start': ({ id }) => host.startService(id),
    'services.stop': ({ id }) => host.stopService(id),
    'services.restart': ({ id }) => host.restartService(id),
    'metrics.snapshot': async () => host.metrics(),
    'logs.recent': async ({ limit }) => host.log.recent(limit ?? 500),
    'traffic.recent': async ({ limit, serviceId }) => host.traffic.recent(limit ?? 500, serviceId),
    'http.probe': (params) => probe(host, params),
    'dns.query': (params) => dnsQuery(host, params),
    'edge.invalidate': async ({ serviceId, paths }) => edgeService(host, serviceId).createInvalidation(paths),
    'edge.invalidations': async ({ serviceId }) => ({ invalidations: edgeService(host, serviceId).invalidations() }),
    'edge.cacheEntries': async ({ serviceId }) => edgeService(host, serviceId).cacheEntries(),
    'edge.evict': async ({ serviceId, key }) => ({ removed: edgeService(host, serviceId).evict(key) }),
    'edge.testFunction': async ({ serviceId, ...input }) => {
      const service = edgeService(host, serviceId)
      return service.testFunction({ ...input, request: { method: input.request?.method ?? 'GET', path: input.request?.path ?? '/', headers: input.request?.headers ?? {} } })
    },
    'system.info': async () => ({
      version: packageJson.version,
      platform: `${process.platform}-${process.arch}`,
      nodeVersion: process.versions.node,
      isRoot: process.getuid?.() === 0,
      mode
    })
  }
}

/** The events side of the contract, for the RPC server. */
export function labEventSource(host: LabHost): {
  on<E extends keyof LabEvents>(event: E, listener: (payload: LabEvents[E]) => void): Disposable
} {
  return { on: (event, listener) => host.events.on(event, listener) }
}

/**
 * Sends one request to a lab service's own HTTP endpoint. The target is always the service's listen
 * address, never a URL from the caller, so the bridge cannot be used to reach anything else.
 */
async function probe(host: LabHost, params: Parameters<LabApi['http.probe']>[0]): Promise<HttpProbeResult> {
  const service = host.service(params.serviceId)
  if (!service) throw new LabError('LAB_ERR_SERVICE_NOT_FOUND', `no service "${params.serviceId}" in the running lab`)
  const endpoint = service.endpoints().find((e) => e.protocol === 'http' || e.protocol === 'https')
  if (!endpoint || service.state !== 'running')
    throw new LabError('LAB_ERR_REQUEST_FAILED', `${service.id} is ${service.state}: it has no HTTP endpoint to call`)
  const hostPart = connectHost(endpoint.host)
  const url = `${endpoint.protocol}://${hostPart}:${endpoint.port}${params.path ?? '/'}`
  const method = params.method ?? 'GET'
  const started = performance.now()
  try {
    const response = await fetch(url, {
      method,
      headers: params.headers ?? {},
      ...(params.body && method !== 'GET' && method !== 'HEAD' ? { body: params.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(probeTimeoutMs)
    })
    const body = new Uint8Array(await response.arrayBuffer())
    return {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers.entries()],
      body,
      durationMs: performance.now() - started,
      url
    }
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw new LabError('LAB_ERR_REQUEST_FAILED', `${method} ${url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, {
      details: { serviceId: service.id, url },
      cause: error
    })
  }
}

function edgeService(host: LabHost, serviceId: string): EdgeService {
  const service = host.service(serviceId)
  if (!(service instanceof EdgeService)) throw new LabError('LAB_ERR_SERVICE_NOT_FOUND', `no edge service "${serviceId}" in the running lab`)
  return service
}

/** A wildcard listen address is reached through loopback. */
function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

/** The app's dig: only to a lab name server's own address, like `probe`. */
async function dnsQuery(host: LabHost, params: Parameters<LabApi['dns.query']>[0]): Promise<DnsQueryResult> {
  const service = host.service(params.serviceId)
  if (!service) throw new LabError('LAB_ERR_SERVICE_NOT_FOUND', `no service "${params.serviceId}" in the running lab`)
  const endpoint = service.endpoints().find((e) => e.protocol === 'udp')
  if (service.kind !== 'dns' || !endpoint) throw new LabError('LAB_ERR_REQUEST_FAILED', `${service.id} is not a name server`)
  if (service.state !== 'running') throw new LabError('LAB_ERR_REQUEST_FAILED', `${service.id} is ${service.state}`)
  return queryDns({
    // A wildcard listen address is reached on loopback.
    host: endpoint.host === '0.0.0.0' ? '127.0.0.1' : endpoint.host === '::' ? '::1' : endpoint.host,
    port: endpoint.port,
    name: params.name,
    type: params.type,
    transport: params.transport ?? 'udp',
    ...(params.source ? { source: params.source } : {})
  })
}
