import { acceptHMRUpdate, defineStore } from 'pinia'
import { shallowRef } from 'vue'
import type { Disposable } from '../../../main/common/base/disposable'
import type { TrafficEntry } from '../../../main/common/contract/lab-types'
import type { LabClient } from '../../../main/common/rpc/lab-client'
import { appendCapped } from './capped'

export const trafficCap = 1000

/** The last `trafficCap` exchanges, newest last: a ring replaced per batch (never deep-reactive). */
export const useTrafficStore = defineStore('traffic', () => {
  const entries = shallowRef<TrafficEntry[]>([])

  function append(batch: readonly TrafficEntry[]): void {
    entries.value = appendCapped(entries.value, batch, trafficCap)
  }

  async function attach(client: LabClient): Promise<Disposable> {
    const subscription = client.on('traffic.observed', append)
    const recent = await client.call('traffic.recent', { limit: 500 })
    entries.value = appendCapped(recent, entries.value.filter((e) => e.seq > (recent.at(-1)?.seq ?? -1)), trafficCap)
    return subscription
  }

  function clear(): void {
    entries.value = []
  }

  return { entries, append, attach, clear }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useTrafficStore, import.meta.hot))
