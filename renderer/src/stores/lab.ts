import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Disposable } from '../../../main/common/base/disposable'
import type { LabEvents } from '../../../main/common/contract/lab-api'
import type { ApplyReport, LabSnapshot, ServiceSnapshot } from '../../../main/common/contract/lab-types'
import type { LabClient } from '../../../main/common/rpc/lab-client'
import { useConnectionStore } from './connection'

/** The running lab, as the engine last reported it. The engine is the source of truth. */
export const useLabStore = defineStore('lab', () => {
  const snapshot = ref<LabSnapshot>()
  const lastApply = ref<ApplyReport>()
  const busy = ref(false)

  const services = computed(() => snapshot.value?.services ?? [])
  const isEmpty = computed(() => !snapshot.value || snapshot.value.state === 'empty')

  /** Reads the lab and follows its events until the returned handle is disposed. */
  async function attach(client: LabClient): Promise<Disposable> {
    const subscriptions = [
      client.on('lab.changed', (lab) => (snapshot.value = lab)),
      client.on('services.stateChanged', patchService)
    ]
    snapshot.value = await client.call('lab.get', {})
    return { dispose: () => subscriptions.forEach((s) => s.dispose()) }
  }

  function patchService(change: LabEvents['services.stateChanged'] | ServiceSnapshot): void {
    const lab = snapshot.value
    if (!lab) return
    const index = lab.services.findIndex((s) => s.id === change.id)
    if (index < 0) return
    const next = { ...lab.services[index]!, ...change }
    if (!('error' in change) || change.error === undefined) delete next.error
    lab.services.splice(index, 1, next)
  }

  async function run<T>(action: (client: LabClient) => Promise<T>): Promise<T> {
    busy.value = true
    try {
      return await action(useConnectionStore().requireClient())
    } finally {
      busy.value = false
    }
  }

  async function apply(source: string, file?: string): Promise<ApplyReport> {
    const report = await run((c) => c.call('lab.apply', file ? { source, file } : { source }))
    lastApply.value = report
    snapshot.value = report.lab
    return report
  }

  async function stop(): Promise<void> {
    snapshot.value = await run((c) => c.call('lab.stop', {}))
  }

  async function serviceAction(action: 'start' | 'stop' | 'restart', id: string): Promise<void> {
    patchService(await run((c) => c.call(`services.${action}`, { id })))
  }

  function open(file: string): Promise<{ file: string; source: string }> {
    return run((c) => c.call('lab.open', { file }))
  }

  function save(source: string, file?: string): Promise<{ file: string }> {
    return run((c) => c.call('lab.save', file ? { source, file } : { source }))
  }

  return {
    snapshot,
    lastApply,
    busy,
    services,
    isEmpty,
    attach,
    patchService,
    apply,
    stop,
    serviceAction,
    open,
    save
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLabStore, import.meta.hot))
