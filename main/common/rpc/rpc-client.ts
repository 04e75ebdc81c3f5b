import { DisposableStore, toDisposable } from '../base/disposable'
import { Emitter } from '../base/emitter'
import type { LabEvents, LabMethod, LabParams, LabResults } from '../contract/lab-api'
import { LabError } from '../errors/lab-error'
import type { LabClient } from './lab-client'
import type { Transport } from './transport'

export interface LabClientOptions {
  /** A call that gets no answer in this time rejects with LAB_ERR_RPC_TIMEOUT. Default 30 s. */
  timeoutMs?: number
}

interface Pending {
  method: string
  resolve(result: unknown): void
  reject(error: LabError): void
  timer: ReturnType<typeof setTimeout>
}

/** A LabClient over any transport. Calls are matched to answers by id; events fan out to listeners. */
export function createLabClient(transport: Transport, options: LabClientOptions = {}): LabClient {
  const timeoutMs = options.timeoutMs ?? 30_000
  const pending = new Map<number, Pending>()
  const events = new Emitter<LabEvents>()
  const closed = new Emitter<{ close: string }>()
  const store = new DisposableStore()
  let nextId = 1
  let closeReason: string | undefined

  store.add(
    transport.onMessage((message) => {
      if (message.t === 'event') {
        events.emit(message.name as keyof LabEvents, message.payload as never)
        return
      }
      if (message.t === 'call') return
      const call = pending.get(message.id)
      if (!call) return
      pending.delete(message.id)
      clearTimeout(call.timer)
      if (message.t === 'result') call.resolve(message.result)
      else call.reject(LabError.fromJSON(message.error))
    })
  )
  store.add(transport.onClose((reason) => close(reason)))

  function close(reason: string): void {
    if (closeReason !== undefined) return
    closeReason = reason
    for (const [id, call] of pending) {
      clearTimeout(call.timer)
      call.reject(new LabError('LAB_ERR_TRANSPORT_CLOSED', `${call.method}: connection closed (${reason})`))
      pending.delete(id)
    }
    closed.emit('close', reason)
  }

  return {
    call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResults[M]> {
      if (closeReason !== undefined)
        return Promise.reject(new LabError('LAB_ERR_TRANSPORT_CLOSED', `${method}: connection closed (${closeReason})`))
      const id = nextId++
      return new Promise<LabResults[M]>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new LabError('LAB_ERR_RPC_TIMEOUT', `${method}: no answer from the engine within ${timeoutMs} ms`))
        }, timeoutMs)
        pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject, timer })
        try {
          transport.send({ t: 'call', id, method, params })
        } catch (error) {
          clearTimeout(timer)
          pending.delete(id)
          reject(LabError.from(error, 'LAB_ERR_TRANSPORT_CLOSED'))
        }
      })
    },
    on(event, listener) {
      return events.on(event, listener)
    },
    onDidClose(listener) {
      if (closeReason !== undefined) {
        const reason = closeReason
        queueMicrotask(() => listener(reason))
        return toDisposable(() => {})
      }
      return closed.on('close', listener)
    },
    dispose() {
      close('client disposed')
      store.dispose()
      events.clear()
      closed.clear()
      transport.dispose()
    }
  }
}
