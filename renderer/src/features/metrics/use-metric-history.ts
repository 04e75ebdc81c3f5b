import { ref, watch, type Ref } from 'vue'
import type { MetricsSample } from '../../../../main/common/contract/lab-types'
import { historyLength, useMetricsStore } from '../../stores/metrics'

/**
 * Live chart points from the metrics store: on every new sample, one point per key, computed from
 * the previous sample and this one (rates need two), keeping the last `historyLength` per key. Keys
 * that disappear are dropped.
 */
export function useMetricHistory<P>(keys: () => readonly string[], point: (previous: MetricsSample, current: MetricsSample, key: string) => P): Ref<Record<string, P[]>> {
  const metrics = useMetricsStore()
  const history = ref({}) as Ref<Record<string, P[]>>
  let previous: MetricsSample | undefined
  watch(
    () => metrics.latest,
    (sample) => {
      if (!sample) return
      if (previous && sample.at > previous.at) {
        const next: Record<string, P[]> = {}
        for (const key of keys()) next[key] = [...(history.value[key] ?? []), point(previous, sample, key)].slice(-historyLength)
        history.value = next
      }
      previous = sample
    },
    { immediate: true }
  )
  return history
}
