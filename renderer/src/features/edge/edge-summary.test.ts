import { describe, expect, it } from 'vitest'
import type { MetricSeries } from '../../../../main/common/contract/lab-types'
import { edgePoint, formatByteRate } from './edge-summary'

const counter = (name: string, labels: Record<string, string>, value: number): MetricSeries => ({ name, type: 'counter', help: '', labels: { service: 'cdn', ...labels }, value })
const requests = (behavior: string, result: string, code: string, value: number) => counter('lab_edge_requests_total', { behavior, result, code }, value)
const bytes = (source: string, value: number) => counter('lab_edge_bytes_total', { behavior: 'default', source }, value)

describe('edgePoint', () => {
  it('gives requests/s over every behavior, the hit ratio, bytes by source and the origin p99', () => {
    const before = { at: 0, series: [requests('default', 'Miss', '200', 1), bytes('origin', 100)] }
    const after = {
      at: 2000,
      series: [
        requests('default', 'Miss', '200', 2),
        requests('default', 'Hit', '200', 4),
        requests('/static/*', 'RefreshHit', '304', 2),
        requests('/static/*', 'Error', '502', 2),
        counter('lab_edge_requests_total', { service: 'other', result: 'Hit', code: '200' }, 50),
        bytes('origin', 300),
        bytes('cache', 4096),
        { name: 'lab_edge_origin_latency_seconds', type: 'histogram' as const, help: '', labels: { service: 'cdn' }, count: 3, sum: 0.1, percentiles: { p50: 0.01, p90: 0.02, p99: 0.025, p999: 0.03 } }
      ]
    }
    expect(edgePoint(before, after, 'cdn')).toEqual({ requestsPerSecond: 4.5, hitRatio: 6 / 7, cacheBytesPerSecond: 2048, originBytesPerSecond: 100, originP99Ms: 25 })
  })

  it('has no hit ratio without cache lookups, and a restarted counter counts as 0', () => {
    const before = { at: 0, series: [requests('default', 'Hit', '200', 10)] }
    const after = { at: 1000, series: [requests('default', 'Error', '403', 1)] }
    expect(edgePoint(before, after, 'cdn')).toMatchObject({ requestsPerSecond: 0, hitRatio: undefined })
  })
})

describe('formatByteRate', () => {
  it.each([
    [0, '0 B/s'],
    [1023, '1023 B/s'],
    [1536, '1.5 KiB/s'],
    [5 * 1024 * 1024, '5.0 MiB/s']
  ])('%d bytes/s is %s', (value, text) => expect(formatByteRate(value)).toBe(text))
})
