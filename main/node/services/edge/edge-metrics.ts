import type { BoundCounter, Counter, Gauge, Histogram, MetricsScope } from '../../metrics/metrics-scope'
import type { Result } from './edge-viewer'

/** Where the body a viewer got came from: the cache, the origin, or the edge itself (errors, functions, redirects). */
export type BytesSource = 'cache' | 'origin' | 'edge'

const sourceOf = (result: Result): BytesSource => (result === 'Hit' || result === 'RefreshHit' ? 'cache' : result === 'Miss' ? 'origin' : 'edge')

/**
 * The edge's metrics. Requests and bytes are counted per behavior on every request, so their series
 * are bound once per behavior, result and status (Counter.bind): a request then costs three map
 * lookups and no label object or key string.
 */
export class EdgeMetrics {
  private readonly requests: Counter
  private readonly bytes: Counter
  readonly originLatency: Histogram
  private readonly cacheBytes: Gauge
  private cacheBytesSeen = -1
  /** behavior → result → status → series. */
  private readonly requestSeries = new Map<string, Map<Result, Map<number, BoundCounter>>>()
  /** behavior → source → series. */
  private readonly bytesSeries = new Map<string, Map<BytesSource, BoundCounter>>()

  constructor(metrics: MetricsScope) {
    this.requests = metrics.counter('lab_edge_requests_total', 'Viewer requests, by behavior (path pattern or default), cache result and status.')
    this.bytes = metrics.counter('lab_edge_bytes_total', 'Body bytes sent to viewers, by behavior and where they came from (cache, origin, edge).')
    this.originLatency = metrics.histogram('lab_edge_origin_latency_seconds', 'Time the origin took to answer a miss, refresh or pass-through, by behavior.')
    this.cacheBytes = metrics.gauge('lab_edge_cache_bytes', 'Bytes of objects in the cache.')
  }

  /** The cache's size; the gauge is written only when it changed (hits leave it as it is). */
  cacheSize(bytes: number): void {
    if (bytes === this.cacheBytesSeen) return
    this.cacheBytesSeen = bytes
    this.cacheBytes.set(bytes)
  }

  /** Counts one viewer request and the body bytes it was sent. */
  served(behavior: string, result: Result, status: number, bodyBytes: number): void {
    let byResult = this.requestSeries.get(behavior)
    if (!byResult) this.requestSeries.set(behavior, (byResult = new Map()))
    let byStatus = byResult.get(result)
    if (!byStatus) byResult.set(result, (byStatus = new Map()))
    let series = byStatus.get(status)
    if (!series) byStatus.set(status, (series = this.requests.bind({ behavior, result, code: String(status) })))
    series.inc()
    if (bodyBytes <= 0) return
    const source = sourceOf(result)
    let bySource = this.bytesSeries.get(behavior)
    if (!bySource) this.bytesSeries.set(behavior, (bySource = new Map()))
    let bytes = bySource.get(source)
    if (!bytes) bySource.set(source, (bytes = this.bytes.bind({ behavior, source })))
    bytes.inc(bodyBytes)
  }
}
