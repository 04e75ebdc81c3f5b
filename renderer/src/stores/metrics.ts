import { acceptHMRUpdate, defineStore } from 'pinia'
import { shallowRef } from 'vue'
import type { Disposable } from '../../../main/common/base/disposable'
import type { MetricsSample } from '../../../main/common/contract/lab-types'
import type { LabClient } from '../../../main/common/rpc/lab-client'
import { requestRates } from '../features/metrics/metrics-summary'

/** Points kept per sparkline: about a minute at the engine's 1–2 Hz sampling. */
export const historyLength = 60

/** The latest metrics sample, plus a short request-rate history per service for sparklines. */
export const useMetricsStore = defineStore('metrics', () => {
  const latest = shallowRef<MetricsSample>()
  /** serviceId → requests/s, oldest first. Replaced as a whole per sample. */
  const rateHistory = shallowRef<Record<string, number[]>>({})

  function record(sample: MetricsSample): void {
    const previous = latest.value
    latest.value = sample
    if (!previous || sample.at <= previous.at) return
    const next: Record<string, number[]> = {}
    for (const [id, rate] of requestRates(previous, sample)) {
      const points = [...(rateHistory.value[id] ?? []), rate]
      next[id] = points.length > historyLength ? points.slice(points.length - historyLength) : points
    }
    rateHistory.value = next
  }

  async function attach(client: LabClient): Promise<Disposable> {
    const subscription = client.on('metrics.sampled', record)
    const first = await client.call('metrics.snapshot', {})
    if (!latest.value) record(first)
    return subscription
  }

  return { latest, rateHistory, record, attach }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useMetricsStore, import.meta.hot))
