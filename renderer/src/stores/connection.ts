import { acceptHMRUpdate, defineStore } from 'pinia'
import { markRaw, ref, shallowRef } from 'vue'
import type { Disposable } from '../../../main/common/base/disposable'
import { LabError } from '../../../main/common/errors/lab-error'
import type { LabClient } from '../../../main/common/rpc/lab-client'

export type ConnectionState = 'connecting' | 'connected' | 'closed'

/**
 * The link to the engine. It holds the LabClient (rather than `app.provide`) because the client only
 * exists once the connection is up, and the shell must render the "connecting" and "lost" states first.
 */
export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState>('connecting')
  const error = ref<string>()
  const client = shallowRef<LabClient>()
  let closeWatch: Disposable | undefined

  /** Adopts a connected client; `onLost` runs once if it later closes. */
  function useClient(next: LabClient, onLost?: (reason: string) => void): void {
    closeWatch?.dispose()
    client.value = markRaw(next)
    state.value = 'connected'
    error.value = undefined
    closeWatch = next.onDidClose((reason) => {
      state.value = 'closed'
      error.value = reason || 'The connection to the engine closed.'
      onLost?.(reason)
    })
  }

  function fail(reason: unknown): void {
    state.value = 'closed'
    error.value = reason instanceof Error ? reason.message : String(reason)
  }

  /** The client, or a LabError that the caller shows like any failed call. */
  function requireClient(): LabClient {
    if (!client.value || state.value !== 'connected')
      throw new LabError('LAB_ERR_TRANSPORT_CLOSED', 'Not connected to the engine.')
    return client.value
  }

  return { state, error, client, useClient, fail, requireClient }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useConnectionStore, import.meta.hot))
