import { z } from 'zod'
import { httpMethods } from '../services/origin/origin-config'
import { serviceIdSchema } from '../topology/lab-schema'
import type {
  ApplyReport,
  DnsQueryResult,
  EdgeCacheEntry, EdgeInvalidation,
  FunctionTestResult,
  HttpProbeResult,
  LabSnapshot,
  LogEntry,
  MetricsSample,
  ServiceSnapshot,
  SystemInfo,
  TrafficEntry,
  ValidationReport
} from './lab-types'

const empty = z.object({}).strict()
const byId = z.object({ id: serviceIdSchema }).strict()
const source = z.string().max(4 * 1024 * 1024, 'lab source is larger than 4 MiB')
const filePath = z.string().min(1).max(4096)

/**
 * Runtime schemas for the parameters of every LabApi method. The RPC server validates each incoming call
 * against these before it reaches the engine: a WebSocket client is less trusted than our own preload.
 */
export const labApiParams = {
  /** The running lab. */
  'lab.get': empty,
  /** Parse and check a lab source without applying it. */
  'lab.validate': z.object({ source }).strict(),
  /**
   * Apply a lab: services that did not change keep running, changed ones reconfigure or restart, removed
   * ones stop. On failure the previous lab keeps running unchanged.
   */
  'lab.apply': z.object({ source, file: filePath.optional() }).strict(),
  /** Stop every service (the lab stays loaded and can be applied again). */
  'lab.stop': empty,
  /** Read a lab file from the engine's disk. */
  'lab.open': z.object({ file: filePath }).strict(),
  /** Write a lab source to a file (default: the current lab's file). Writes atomically. */
  'lab.save': z.object({ source, file: filePath.optional() }).strict(),
  'services.start': byId,
  'services.stop': byId,
  'services.restart': byId,
  /** The latest metrics of every service. */
  'metrics.snapshot': empty,
  /** Recent log lines, newest last. */
  'logs.recent': z.object({ limit: z.number().int().min(1).max(5000).default(500) }).strict(),
  /** Recent traffic, newest last. */
  'traffic.recent': z
    .object({ limit: z.number().int().min(1).max(5000).default(500), serviceId: serviceIdSchema.optional() })
    .strict(),
  /** Send an HTTP request to one of the lab's services (and only there), for the "try it" panels. */
  'http.probe': z
    .object({
      serviceId: serviceIdSchema,
      method: z.enum(httpMethods).default('GET'),
      path: z.string().regex(/^\//, 'must start with "/"').max(8192).default('/'),
      headers: z.record(z.string(), z.string()).default({}),
      body: z.instanceof(Uint8Array).optional()
    })
    .strict(),
  /**
   * Send one DNS query to a lab name server (the app's "dig"), from a loopback source address of the
   * caller's choice, so that private zones can be tried.
   */
  'dns.query': z
    .object({
      serviceId: serviceIdSchema,
      name: z.string().min(1).max(300),
      type: z.string().regex(/^([A-Za-z]{1,10}|TYPE[0-9]{1,5})$/, 'must be a record type such as A, MX or TYPE65'),
      transport: z.enum(['udp', 'tcp']).default('udp'),
      source: z
        .string()
        .regex(/^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1)$/, 'must be a loopback address (127.x.y.z or ::1)')
        .optional()
    })
    .strict(),
  /** Remove cached objects from an edge by CloudFront invalidation paths (`/images/*`, `/index.html`). */
  'edge.invalidate': z
    .object({ serviceId: serviceIdSchema, paths: z.array(z.string().min(1).max(4000)).min(1).max(3000) })
    .strict(),
  /**
   * Run a CloudFront Function's code (published or not) against a sample viewer event, as the
   * console's Test tab does: the result, its logs and compute utilization, or why it failed.
   */
  'edge.testFunction': z
    .object({
      serviceId: serviceIdSchema,
      code: z.string().max(20_000),
      runtime: z.enum(['cloudfront-js-1.0', 'cloudfront-js-2.0']),
      eventType: z.enum(['viewer-request', 'viewer-response']),
      /** The sample request: method, path with query string, headers. */
      request: z
        .object({ method: z.string().default('GET'), path: z.string().regex(/^\//).default('/'), headers: z.record(z.string(), z.string()).default({}) })
        .strict()
        .prefault({}),
      keyValueStore: z.string().optional()
    })
    .strict(),
  /** The objects in an edge's cache: key, size, age and TTL (newest use last, at most 1,000). */
  'edge.cacheEntries': z.object({ serviceId: serviceIdSchema }).strict(),
  /** An edge's invalidations, newest first (the last hundred). */
  'edge.invalidations': z.object({ serviceId: serviceIdSchema }).strict(),
  /** Remove one object from an edge's cache by its key. */
  'edge.evict': z.object({ serviceId: serviceIdSchema, key: z.string().min(1).max(10_000) }).strict(),
  'system.info': empty
} as const

export type LabMethod = keyof typeof labApiParams
export type LabParams<M extends LabMethod> = z.input<(typeof labApiParams)[M]>

export interface LabResults {
  'lab.get': LabSnapshot
  'lab.validate': ValidationReport
  'lab.apply': ApplyReport
  'lab.stop': LabSnapshot
  'lab.open': { file: string; source: string }
  'lab.save': { file: string }
  'services.start': ServiceSnapshot
  'services.stop': ServiceSnapshot
  'services.restart': ServiceSnapshot
  'metrics.snapshot': MetricsSample
  'logs.recent': LogEntry[]
  'traffic.recent': TrafficEntry[]
  'http.probe': HttpProbeResult
  'dns.query': DnsQueryResult
  'edge.invalidate': { removed: number; invalidation: EdgeInvalidation }
  'edge.invalidations': { invalidations: EdgeInvalidation[] }
  'edge.testFunction': FunctionTestResult
  'edge.cacheEntries': { entries: EdgeCacheEntry[]; bytes: number; total: number }
  'edge.evict': { removed: boolean }
  'system.info': SystemInfo
}

/** The engine's API, as the renderer and the CLI see it. Every method takes one params object. */
export type LabApi = { [M in LabMethod]: (params: LabParams<M>) => Promise<LabResults[M]> }

/** What the engine pushes. Names are `<domain>.<subjectPastTense>`. */
export interface LabEvents {
  /** The lab was applied, stopped or changed shape. */
  'lab.changed': LabSnapshot
  'services.stateChanged': Pick<ServiceSnapshot, 'id' | 'state' | 'error' | 'endpoints'>
  /** Log lines, batched. */
  'logs.appended': LogEntry[]
  /** Metrics of every service, sampled at 1–2 Hz. */
  'metrics.sampled': MetricsSample
  /** Traffic entries, batched (at most ~10 batches a second). */
  'traffic.observed': TrafficEntry[]
}

export type LabEventName = keyof LabEvents
export const labEventNames = [
  'lab.changed',
  'services.stateChanged',
  'logs.appended',
  'metrics.sampled',
  'traffic.observed'
] as const satisfies readonly LabEventName[]
