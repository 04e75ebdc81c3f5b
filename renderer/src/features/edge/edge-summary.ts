import type { MetricsSample } from '../../../../main/common/contract/lab-types'
import { increase, ratePerSecond, secondsBetween, worstP99 } from '../metrics/series-math'

/** One point of a distribution's live charts. */
export interface EdgePoint {
  requestsPerSecond: number
  /** Hits (Hit and RefreshHit) over cache lookups (hits and misses) in the interval; undefined without lookups. */
  hitRatio: number | undefined
  cacheBytesPerSecond: number
  originBytesPerSecond: number
  /** Origin latency p99 since the service started, in milliseconds. */
  originP99Ms: number
}

/** Rates between two samples and the current origin p99, for one edge service (all behaviors). */
export function edgePoint(previous: MetricsSample, current: MetricsSample, serviceId: string): EdgePoint {
  const service = { service: serviceId }
  const requests = (result: string) => increase(previous, current, 'lab_edge_requests_total', { service: serviceId, result })
  const hits = requests('Hit') + requests('RefreshHit')
  const lookups = hits + requests('Miss')
  return {
    requestsPerSecond: increase(previous, current, 'lab_edge_requests_total', service) / secondsBetween(previous, current),
    hitRatio: lookups > 0 ? hits / lookups : undefined,
    cacheBytesPerSecond: ratePerSecond(previous, current, 'lab_edge_bytes_total', { service: serviceId, source: 'cache' }),
    originBytesPerSecond: ratePerSecond(previous, current, 'lab_edge_bytes_total', { service: serviceId, source: 'origin' }),
    originP99Ms: worstP99(current, 'lab_edge_origin_latency_seconds', service) * 1000
  }
}

/** `1.2 KiB/s`: bytes per second in the unit that keeps the number short. */
export function formatByteRate(bytesPerSecond: number): string {
  if (bytesPerSecond < 1024) return `${bytesPerSecond.toFixed(0)} B/s`
  if (bytesPerSecond < 1024 * 1024) return `${(bytesPerSecond / 1024).toFixed(1)} KiB/s`
  return `${(bytesPerSecond / 1024 / 1024).toFixed(1)} MiB/s`
}
