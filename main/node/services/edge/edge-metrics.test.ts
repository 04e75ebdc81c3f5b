import { describe, expect, it } from 'vitest'
import { MetricsRegistry } from '../../metrics/metrics-registry'
import { EdgeMetrics } from './edge-metrics'

describe('EdgeMetrics', () => {
  it('labels requests by behavior, result and code, and bytes by behavior and source', () => {
    const registry = new MetricsRegistry()
    const metrics = new EdgeMetrics(registry.scope({ service: 'cdn' }))
    metrics.served('/static/*', 'Miss', 200, 100)
    metrics.served('/static/*', 'Hit', 200, 100)
    metrics.served('/static/*', 'Hit', 200, 100)
    metrics.served('/static/*', 'RefreshHit', 304, 0)
    metrics.served('default', 'Error', 502, 40)
    metrics.served('default', 'FunctionGeneratedResponse', 200, 5)
    const value = (name: string, labels: Record<string, string>) =>
      registry.snapshot(0).series.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
    expect(value('lab_edge_requests_total', { behavior: '/static/*', result: 'Hit', code: '200', service: 'cdn' })).toBe(2)
    expect(value('lab_edge_requests_total', { behavior: '/static/*', result: 'Miss', code: '200' })).toBe(1)
    expect(value('lab_edge_requests_total', { behavior: '/static/*', result: 'RefreshHit', code: '304' })).toBe(1)
    expect(value('lab_edge_requests_total', { behavior: 'default', result: 'Error', code: '502' })).toBe(1)
    expect(value('lab_edge_bytes_total', { behavior: '/static/*', source: 'cache' })).toBe(200)
    expect(value('lab_edge_bytes_total', { behavior: '/static/*', source: 'origin' })).toBe(100)
    expect(value('lab_edge_bytes_total', { behavior: 'default', source: 'edge' })).toBe(45)
    // A bodyless answer counts the request and no bytes series.
    expect(registry.snapshot(0).series.filter((s) => s.name === 'lab_edge_bytes_total')).toHaveLength(3)
  })
})
