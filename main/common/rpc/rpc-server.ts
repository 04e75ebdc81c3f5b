import { DisposableStore, type Disposable } from '../base/disposable'
import { labApiParams, labEventNames, type LabApi, type LabEvents, type LabMethod } from '../contract/lab-api'
import { LabError } from '../errors/lab-error'
import type { RpcMessage, Transport } from './transport'

/** The events side of the contract, as the engine offers it. */
export interface LabEventSource {
  on<E extends keyof LabEvents>(event: E, listener: (payload: LabEvents[E]) => void): Disposable
}

/**
 * Serves a LabApi over one transport: every call is checked against the contract's runtime schema before
 * it reaches the engine (a browser tab is less trusted than our preload), answers carry a result or a
 * serialized LabError, and every LabEvent is forwarded. Disposing stops both.
 */
export function serveLabApi(transport: Transport, api: LabApi, events: LabEventSource): Disposable {
  const store = new DisposableStore()
  const send = (message: RpcMessage): void => {
    try {
      transport.send(message)
    } catch {
      // The peer is gone; its transport reports the close.
    }
  }

  store.add(
    transport.onMessage((message) => {
      if (message.t === 'call') void answer(message.id, message.method, message.params)
    })
  )
  for (const name of labEventNames)
    store.add(events.on(name, (payload) => send({ t: 'event', name, payload })))

  async function answer(id: number, method: string, params: unknown): Promise<void> {
    try {
      const result = await invoke(api, method, params)
      send({ t: 'result', id, result })
    } catch (error) {
      send({ t: 'error', id, error: LabError.from(error).toJSON() })
    }
  }
  return store
}

function isLabMethod(method: string): method is LabMethod {
  return Object.hasOwn(labApiParams, method)
}

async function invoke(api: LabApi, method: string, params: unknown): Promise<unknown> {
  if (!isLabMethod(method)) throw new LabError('LAB_ERR_RPC_METHOD_NOT_FOUND', `no API method "${method}"`)
  const parsed = labApiParams[method].safeParse(params ?? {})
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.')
      return path ? `${path}: ${issue.message}` : issue.message
    })
    throw new LabError('LAB_ERR_RPC_BAD_REQUEST', `${method}: ${details.join('; ')}`, {
      details: { method, issues: details }
    })
  }
  const handler = api[method] as (params: unknown) => Promise<unknown>
  return handler(parsed.data)
}
