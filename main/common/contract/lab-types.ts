import type { SerializedLabError } from '../errors/lab-error'
import type { ServiceKind } from '../services/service-kinds'
import type { LabProblem } from '../topology/lab-problem'

/** The lifecycle every service goes through (undici api-lifecycle style: only legal transitions). */
export type ServiceState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed'

/** Something a service listens on, as a user would connect to it. */
export interface ServiceEndpoint {
  protocol: 'http' | 'https' | 'tcp' | 'udp'
  host: string
  port: number
  /** e.g. `http://127.0.0.1:8080/` for HTTP endpoints. */
  url?: string
}

export interface ServiceSnapshot {
  id: string
  kind: ServiceKind
  name: string
  state: ServiceState
  /** Set when state is `failed`. */
  error?: SerializedLabError
  endpoints: ServiceEndpoint[]
  dependsOn: string[]
  /** The service's validated config block, as applied. */
  config: unknown
  /** Epoch milliseconds of the last transition to `running`. */
  startedAt?: number
}

export type LabState = 'empty' | 'starting' | 'running' | 'degraded' | 'stopping' | 'stopped'

export interface LabSnapshot {
  name?: string
  description?: string
  state: LabState
  /** Path of the lab file on the engine's machine, when the lab came from a file. */
  file?: string
  /** The YAML source of the applied lab, as the user wrote it. */
  source?: string
  services: ServiceSnapshot[]
  layout: Record<string, { x: number; y: number }>
}

export interface ValidationReport {
  ok: boolean
  problems: LabProblem[]
}

/** What `lab.apply` did to one service. */
export interface ServiceApplyResult {
  id: string
  action: 'created' | 'restarted' | 'reconfigured' | 'unchanged' | 'removed' | 'failed'
  state: ServiceState
  error?: SerializedLabError
}

export interface ApplyReport {
  /** False when validation failed or a service failed to start; the running lab is then left as it was. */
  ok: boolean
  problems: LabProblem[]
  results: ServiceApplyResult[]
  error?: SerializedLabError
  lab: LabSnapshot
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** A structured log line. `source` is `lab` or a service id. */
export interface LogEntry {
  seq: number
  at: number
  level: LogLevel
  source: string
  message: string
  code?: string
  data?: Record<string, unknown>
}

/** One HTTP exchange a service handled, explained, for the Traffic view. */
export interface TrafficEntry {
  seq: number
  at: number
  serviceId: string
  kind: ServiceKind
  method: string
  path: string
  status: number
  /** Machine-readable outcome, e.g. `route`, `echo`, `fault-close`. */
  outcome: string
  /** One sentence saying why the request got its answer. */
  explanation: string
  durationMs: number
  clientAddress: string
  bytesOut: number
}

export type MetricType = 'counter' | 'gauge' | 'histogram'

export interface MetricSeries {
  name: string
  type: MetricType
  help: string
  labels: Record<string, string>
  /** Counter or gauge value. */
  value?: number
  /** Histogram: number of observations, their sum (in the metric's unit), and percentiles. */
  count?: number
  sum?: number
  percentiles?: { p50: number; p90: number; p99: number; p999: number }
}

export interface MetricsSample {
  at: number
  series: MetricSeries[]
}

export interface SystemInfo {
  version: string
  platform: string
  nodeVersion: string
  isRoot: boolean
  /** Set in web mode and the CLI; the desktop app's engine runs under Electron's Node. */
  mode: 'desktop' | 'web' | 'cli'
}

export interface HttpProbeResult {
  status: number
  statusText: string
  headers: [string, string][]
  /** Raw response body: travels as a binary frame, never as base64. */
  body: Uint8Array
  durationMs: number
  url: string
}

/** One record of a DNS answer, in presentation format. */
export interface DnsRecordView {
  name: string
  ttl: number
  type: string
  value: string
}

/** What the app's "dig" got back from a lab name server. */
export interface DnsQueryResult {
  /** `NOERROR`, `NXDOMAIN`, `REFUSED`, `BADVERS`, … */
  rcode: string
  flags: { aa: boolean; tc: boolean; rd: boolean; ra: boolean }
  /** `name. TYPE` as the server echoed it. */
  question: string
  answer: DnsRecordView[]
  authority: DnsRecordView[]
  additional: DnsRecordView[]
  durationMs: number
  /** The transport of the final answer. */
  transport: 'udp' | 'tcp'
  /** The UDP answer had TC=1, so the query was repeated over TCP. */
  retriedOverTcp: boolean
  bytes: number
  server: string
}

/** What a CloudFront Function did with a sample event (LabApi `edge.testFunction`). */
export type FunctionTestResult =
  | { ok: true; output: string; logs: string[]; computeUtilization: number }
  | { ok: false; error: string; logs: string[]; problems?: { line: number; column: number; message: string }[] }

/** One invalidation of an edge's cache, as CloudFront lists them (LabApi `edge.invalidations`). */
export interface EdgeInvalidation {
  /** CloudFront-style id, `I` and 13 letters and digits. */
  id: string
  paths: string[]
  /** ISO 8601. */
  createTime: string
  /** The lab removes at once, so `Completed`; CloudFront shows `InProgress` for a while first. */
  status: 'InProgress' | 'Completed'
  /** Objects removed (Netloom's addition). */
  removed: number
}

/** One object in an edge's cache, as the cache browser shows it (LabApi `edge.cacheEntries`). */
export interface EdgeCacheEntry {
  key: string
  path: string
  status: number
  bytes: number
  ageSeconds: number
  ttlSeconds: number
  /** Why this TTL (CloudFront's rule that decided it). */
  ttlWhy: string
  contentType: string
}
