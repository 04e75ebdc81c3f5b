import { createHistogram, type RecordableHistogram } from 'node:perf_hooks'
import type { MetricSeries, MetricsSample, MetricType } from '../../common/contract/lab-types'
import type { HostMetrics } from '../lab-host/lab-host'
import type { Counter, Gauge, Histogram, Labels, MetricsScope } from './metrics-scope'

/**
 * Histograms record integers; observations are scaled by this so that a latency in seconds keeps
 * microsecond resolution (and a size in bytes stays exact well past a terabyte).
 */
const histogramScale = 1e6
const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/

interface Series {
  labels: Labels
  value: number
  histogram?: RecordableHistogram
  sum: number
}

interface Family {
  name: string
  type: MetricType
  help: string
  series: Map<string, Series>
  /** The same series by their unsorted per-call keys (a cache in front of `series`). */
  fast: Map<string, Series>
}

/**
 * Counters, gauges and HDR latency histograms (node:perf_hooks, 3 significant digits) for every service,
 * sampled to the UI and exported as Prometheus text. Services see it through a MetricsScope that adds
 * their fixed labels (`service=<id>`).
 */
export class MetricsRegistry implements HostMetrics {
  private readonly families = new Map<string, Family>()

  scope(fixed: Labels): MetricsScope {
    return {
      counter: (name, help) => this.counter(name, help, fixed),
      gauge: (name, help) => this.gauge(name, help, fixed),
      histogram: (name, help) => this.histogram(name, help, fixed)
    }
  }

  counter(name: string, help: string, fixed: Labels = {}): Counter {
    const family = this.family(name, 'counter', help)
    return {
      inc: (labels, by = 1) => {
        if (by < 0) throw new RangeError(`${name}: a counter only goes up`)
        this.series(family, fixed, labels).value += by
      },
      bind: (labels) => {
        const series = this.series(family, fixed, labels)
        return {
          inc: (by = 1) => {
            if (by < 0) throw new RangeError(`${name}: a counter only goes up`)
            series.value += by
          }
        }
      }
    }
  }

  gauge(name: string, help: string, fixed: Labels = {}): Gauge {
    const family = this.family(name, 'gauge', help)
    return {
      set: (value, labels) => void (this.series(family, fixed, labels).value = value),
      inc: (labels, by = 1) => void (this.series(family, fixed, labels).value += by),
      dec: (labels, by = 1) => void (this.series(family, fixed, labels).value -= by)
    }
  }

  histogram(name: string, help: string, fixed: Labels = {}): Histogram {
    const family = this.family(name, 'histogram', help)
    return {
      observe: (value, labels) => {
        if (!Number.isFinite(value) || value < 0) return
        const series = this.series(family, fixed, labels)
        series.histogram ??= createHistogram()
        series.histogram.record(Math.max(1, Math.round(value * histogramScale)))
        series.sum += value
      }
    }
  }

  snapshot(at: number): MetricsSample {
    const series: MetricSeries[] = []
    for (const family of this.families.values())
      for (const entry of family.series.values()) series.push(this.describe(family, entry))
    return { at, series }
  }

  /** Prometheus text exposition format 0.0.4. Histograms are exported as summaries with quantiles. */
  prometheusText(): string {
    const lines: string[] = []
    for (const family of this.families.values()) {
      if (family.series.size === 0) continue
      const type = family.type === 'histogram' ? 'summary' : family.type
      lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${type}`)
      for (const entry of family.series.values()) {
        const metric = this.describe(family, entry)
        if (family.type !== 'histogram') {
          lines.push(`${family.name}${formatLabels(entry.labels)} ${formatNumber(metric.value ?? 0)}`)
          continue
        }
        const quantiles = { '0.5': metric.percentiles?.p50, '0.9': metric.percentiles?.p90, '0.99': metric.percentiles?.p99, '0.999': metric.percentiles?.p999 }
        for (const [quantile, value] of Object.entries(quantiles))
          lines.push(`${family.name}${formatLabels({ ...entry.labels, quantile })} ${formatNumber(value ?? 0)}`)
        lines.push(`${family.name}_sum${formatLabels(entry.labels)} ${formatNumber(metric.sum ?? 0)}`)
        lines.push(`${family.name}_count${formatLabels(entry.labels)} ${metric.count ?? 0}`)
      }
    }
    return lines.length ? `${lines.join('\n')}\n` : ''
  }

  /** Forgets every series whose labels include `match`, e.g. `{ service: 'web' }` when it is removed. */
  removeSeries(match: Labels): void {
    for (const family of this.families.values())
      for (const [key, entry] of family.series)
        if (Object.entries(match).every(([name, value]) => entry.labels[name] === value)) {
          family.series.delete(key)
          for (const [fast, cached] of family.fast) if (cached === entry) family.fast.delete(fast)
        }
  }

  private family(name: string, type: MetricType, help: string): Family {
    if (!metricName.test(name)) throw new Error(`invalid metric name "${name}"`)
    const existing = this.families.get(name)
    if (existing) {
      if (existing.type !== type) throw new Error(`metric "${name}" is already a ${existing.type}, not a ${type}`)
      return existing
    }
    const family: Family = { name, type, help, series: new Map(), fast: new Map() }
    this.families.set(name, family)
    return family
  }

  /**
   * The series for these labels. This runs on every request, so the lookup key is built without
   * sorting or copying: labels in the caller's order, then the scope's. A caller that passes the same
   * labels in another order gets a second key for the same series, which is found by its sorted key.
   */
  private series(family: Family, fixed: Labels, labels?: Labels): Series {
    let fast = ''
    if (labels) for (const name in labels) fast += `${name}=${labels[name]}\u0000`
    fast += '\u0001'
    for (const name in fixed) fast += `${name}=${fixed[name]}\u0000`
    let entry = family.fast.get(fast)
    if (entry) return entry
    const all = { ...labels, ...fixed }
    const key = Object.keys(all)
      .sort()
      .map((name) => `${name}=${all[name]}`)
      .join('\u0000')
    entry = family.series.get(key)
    if (!entry) {
      for (const name of Object.keys(all)) if (!labelName.test(name)) throw new Error(`invalid label name "${name}"`)
      entry = { labels: all, value: 0, sum: 0 }
      family.series.set(key, entry)
    }
    family.fast.set(fast, entry)
    return entry
  }

  private describe(family: Family, entry: Series): MetricSeries {
    const base = { name: family.name, type: family.type, help: family.help, labels: entry.labels }
    if (family.type !== 'histogram') return { ...base, value: entry.value }
    const histogram = entry.histogram
    const at = (p: number) => (histogram && histogram.count > 0 ? histogram.percentile(p) / histogramScale : 0)
    return {
      ...base,
      count: histogram?.count ?? 0,
      sum: entry.sum,
      percentiles: { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9) }
    }
  }
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function formatLabels(labels: Labels): string {
  const names = Object.keys(labels).sort()
  if (names.length === 0) return ''
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
  return `{${names.map((name) => `${name}="${escape(labels[name] ?? '')}"`).join(',')}}`
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}
