import type { MetricsSample } from '../../../../main/common/contract/lab-types'

/** Label values a series must have, e.g. `{ service: 'cdn', source: 'cache' }`. */
export type LabelMatch = Readonly<Record<string, string>>

const matches = (labels: Record<string, string>, match: LabelMatch) => {
  for (const name in match) if (labels[name] !== match[name]) return false
  return true
}

/** The sum of a metric's series that carry these labels (counters and gauges). */
export function sumSeries(sample: MetricsSample, name: string, match: LabelMatch): number {
  let sum = 0
  for (const series of sample.series) if (series.name === name && matches(series.labels, match)) sum += series.value ?? 0
  return sum
}

/** Seconds between two samples, never zero (a divisor). */
export function secondsBetween(previous: MetricsSample, current: MetricsSample): number {
  return Math.max((current.at - previous.at) / 1000, 0.001)
}

/** How much a counter grew between two samples; a counter that went down (a restart) grew by 0. */
export function increase(previous: MetricsSample, current: MetricsSample, name: string, match: LabelMatch): number {
  return Math.max(0, sumSeries(current, name, match) - sumSeries(previous, name, match))
}

/** A counter's growth per second between two samples. */
export function ratePerSecond(previous: MetricsSample, current: MetricsSample, name: string, match: LabelMatch): number {
  return increase(previous, current, name, match) / secondsBetween(previous, current)
}

/** The worst p99 of a histogram's matching series, in the metric's unit; 0 without observations. */
export function worstP99(sample: MetricsSample, name: string, match: LabelMatch): number {
  let worst = 0
  for (const series of sample.series) if (series.name === name && matches(series.labels, match)) worst = Math.max(worst, series.percentiles?.p99 ?? 0)
  return worst
}
