import type { MetricSeries, MetricsSample } from '../../../../main/common/contract/lab-types'

/** The series of one service, split by type for the Metrics cards. */
export interface ServiceMetrics {
  serviceId: string
  counters: MetricSeries[]
  gauges: MetricSeries[]
  histograms: MetricSeries[]
}

/** The registry labels every series with the service that owns it (`service`). */
export function serviceOf(series: MetricSeries): string {
  return series.labels['service'] ?? 'lab'
}

export function groupByService(sample: MetricsSample | undefined): ServiceMetrics[] {
  const groups = new Map<string, ServiceMetrics>()
  for (const series of sample?.series ?? []) {
    const id = serviceOf(series)
    let group = groups.get(id)
    if (!group) groups.set(id, (group = { serviceId: id, counters: [], gauges: [], histograms: [] }))
    if (series.type === 'counter') group.counters.push(series)
    else if (series.type === 'gauge') group.gauges.push(series)
    else group.histograms.push(series)
  }
  return [...groups.values()].sort((a, b) => a.serviceId.localeCompare(b.serviceId))
}

/** Total requests per service: the sum of every `*_requests_total` counter series it exports. */
export function requestTotals(sample: MetricsSample): Map<string, number> {
  const totals = new Map<string, number>()
  for (const series of sample.series) {
    if (series.type !== 'counter' || !series.name.endsWith('_requests_total')) continue
    const id = serviceOf(series)
    totals.set(id, (totals.get(id) ?? 0) + (series.value ?? 0))
  }
  return totals
}

/** Requests per second between two samples; a counter that went down (service restarted) counts as 0. */
export function requestRates(previous: MetricsSample, current: MetricsSample): Map<string, number> {
  const seconds = (current.at - previous.at) / 1000
  const before = requestTotals(previous)
  const rates = new Map<string, number>()
  for (const [id, total] of requestTotals(current)) {
    const delta = total - (before.get(id) ?? 0)
    rates.set(id, seconds > 0 && delta > 0 ? delta / seconds : 0)
  }
  return rates
}

/** `name{code="200",method="GET"}` without the `service` label (the card already names the service). */
export function seriesLabel(series: MetricSeries): string {
  const labels = Object.entries(series.labels)
    .filter(([key]) => key !== 'service')
    .map(([key, value]) => `${key}="${value}"`)
  return labels.length > 0 ? `${series.name}{${labels.join(',')}}` : series.name
}

export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–'
  if (Number.isInteger(value)) return value.toLocaleString('en-US')
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3)
}
