import type { Disposable } from '../../../main/common/base/disposable'
import type { LabEvents, LabMethod, LabParams, LabResults } from '../../../main/common/contract/lab-api'
import type { LabSnapshot } from '../../../main/common/contract/lab-types'
import type { LabClient } from '../../../main/common/rpc/lab-client'

export type FakeHandlers = { [M in LabMethod]?: (params: LabParams<M>) => LabResults[M] | Promise<LabResults[M]> }

/** A LabClient for component and store tests: canned answers, recorded calls, events pushed by hand. */
export interface FakeLabClient extends LabClient {
  calls: { method: LabMethod; params: unknown }[]
  emit<E extends keyof LabEvents>(event: E, payload: LabEvents[E]): void
  close(reason: string): void
}

export const emptyLab: LabSnapshot = { state: 'empty', services: [], layout: {} }

export function createFakeLabClient(handlers: FakeHandlers = {}): FakeLabClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const closeListeners = new Set<(reason: string) => void>()
  const calls: FakeLabClient['calls'] = []
  const defaults: FakeHandlers = {
    'lab.get': () => emptyLab,
    'logs.recent': () => [],
    'traffic.recent': () => [],
    'metrics.snapshot': () => ({ at: 0, series: [] })
  }
  const subscribe = (set: Set<(value: never) => void>, listener: (value: never) => void): Disposable => {
    set.add(listener)
    return { dispose: () => set.delete(listener) }
  }
  return {
    calls,
    async call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResults[M]> {
      calls.push({ method, params })
      const handler = (handlers[method] ?? defaults[method]) as ((p: LabParams<M>) => LabResults[M]) | undefined
      if (!handler) throw new Error(`fake LabClient: no handler for ${method}`)
      return handler(params)
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set())
      return subscribe(listeners.get(event)!, listener as (value: never) => void)
    },
    onDidClose(listener) {
      return subscribe(closeListeners, listener)
    },
    emit(event, payload) {
      listeners.get(event)?.forEach((listener) => listener(payload))
    },
    close(reason) {
      closeListeners.forEach((listener) => listener(reason))
    },
    dispose() {
      listeners.clear()
    }
  }
}
