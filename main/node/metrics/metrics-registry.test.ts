import { describe, expect, it } from 'vitest'
import { MetricsRegistry } from './metrics-registry'

describe('MetricsRegistry', () => {
  it('counts and gauges per label set, with the scope\'s fixed labels', () => {
    const registry = new MetricsRegistry()
    const scope = registry.scope({ service: 'web' })
    const requests = scope.counter('lab_origin_requests_total', 'Requests.')
    requests.inc({ code: '200' })
    requests.inc({ code: '200' }, 2)
    requests.inc({ code: '503' })
    scope.gauge('lab_origin_connections_active', 'Open connections.').set(4)
    const { series } = registry.snapshot(1)
    expect(series).toContainEqual(expect.objectContaining({ name: 'lab_origin_requests_total', labels: { code: '200', service: 'web' }, value: 3 }))
    expect(series).toContainEqual(expect.objectContaining({ labels: { code: '503', service: 'web' }, value: 1 }))
    expect(series).toContainEqual(expect.objectContaining({ name: 'lab_origin_connections_active', value: 4 }))
  })

  it('binds a counter series once and counts into the same series as inc', () => {
    const registry = new MetricsRegistry()
    const requests = registry.scope({ service: 'cdn' }).counter('lab_edge_requests_total', 'Requests.')
    const hits = requests.bind({ result: 'Hit', code: '200' })
    hits.inc()
    hits.inc(2)
    requests.inc({ code: '200', result: 'Hit' })
    expect(registry.snapshot(0).series).toEqual([expect.objectContaining({ labels: { code: '200', result: 'Hit', service: 'cdn' }, value: 4 })])
    expect(() => hits.inc(-1)).toThrow(/only goes up/)
  })

  it('reports histogram percentiles within HDR precision', () => {
    const registry = new MetricsRegistry()
    const latency = registry.histogram('lab_x_duration_seconds', 'Latency.')
    // 1 ms .. 1000 ms, one each: p50 ≈ 0.5 s, p99 ≈ 0.99 s.
    for (let ms = 1; ms <= 1000; ms++) latency.observe(ms / 1000)
    const [series] = registry.snapshot(0).series
    expect(series?.count).toBe(1000)
    expect(series?.sum).toBeCloseTo(500.5, 6)
    expect(series?.percentiles?.p50).toBeCloseTo(0.5, 2)
    expect(series?.percentiles?.p90).toBeCloseTo(0.9, 2)
    expect(series?.percentiles?.p99).toBeCloseTo(0.99, 2)
    expect(series?.percentiles?.p999).toBeCloseTo(0.999, 2)
  })

  it('returns the same metric for the same name and refuses a type change', () => {
    const registry = new MetricsRegistry()
    registry.counter('a_total', 'A.').inc()
    registry.counter('a_total', 'A.').inc()
    expect(registry.snapshot(0).series[0]?.value).toBe(2)
    expect(() => registry.gauge('a_total', 'A.')).toThrow(/already a counter/)
    expect(() => registry.counter('a_total', 'A.').inc({}, -1)).toThrow(/only goes up/)
    expect(() => registry.counter('bad name', 'x')).toThrow(/invalid metric name/)
  })

  it('writes Prometheus text that parses back, with escaped labels', () => {
    const registry = new MetricsRegistry()
    registry.scope({ service: 'web' }).counter('lab_origin_requests_total', 'Requests\nserved.').inc({ path: 'a"b\\c\nd' })
    registry.histogram('lab_origin_request_duration_seconds', 'Latency.', { service: 'web' }).observe(0.25)
    const text = registry.prometheusText()
    expect(text).toContain('# HELP lab_origin_requests_total Requests\\nserved.\n# TYPE lab_origin_requests_total counter\n')
    expect(text).toContain('lab_origin_requests_total{path="a\\"b\\\\c\\nd",service="web"} 1\n')
    expect(text).toContain('# TYPE lab_origin_request_duration_seconds summary')
    expect(text).toContain('lab_origin_request_duration_seconds_count{service="web"} 1')
    const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? -?[0-9.e+-]+$/
    for (const line of text.trimEnd().split('\n')) if (!line.startsWith('#')) expect(line).toMatch(sample)
  })

  it('removes the series of a removed service', () => {
    const registry = new MetricsRegistry()
    registry.scope({ service: 'a' }).counter('c_total', 'C.').inc()
    registry.scope({ service: 'b' }).counter('c_total', 'C.').inc()
    registry.removeSeries({ service: 'a' })
    expect(registry.snapshot(0).series.map((s) => s.labels['service'])).toEqual(['b'])
    expect(registry.prometheusText()).not.toContain('service="a"')
  })
})
