import { acceptHMRUpdate, defineStore } from 'pinia'
import { shallowRef } from 'vue'
import type { Disposable } from '../../../main/common/base/disposable'
import type { LogEntry } from '../../../main/common/contract/lab-types'
import type { LabClient } from '../../../main/common/rpc/lab-client'
import { appendCapped } from './capped'

export const logCap = 2000

/** Recent log lines, newest last. A shallowRef: lines are replaced per batch, never deep-watched. */
export const useLogsStore = defineStore('logs', () => {
  const entries = shallowRef<LogEntry[]>([])

  function append(batch: readonly LogEntry[]): void {
    entries.value = appendCapped(entries.value, batch, logCap)
  }

  async function attach(client: LabClient): Promise<Disposable> {
    const subscription = client.on('logs.appended', append)
    const recent = await client.call('logs.recent', { limit: 500 })
    // Events may have arrived while `recent` was in flight: merge by seq instead of replacing.
    entries.value = appendCapped(recent, entries.value.filter((e) => e.seq > (recent.at(-1)?.seq ?? -1)), logCap)
    return subscription
  }

  function clear(): void {
    entries.value = []
  }

  return { entries, append, attach, clear }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLogsStore, import.meta.hot))
