import type { Disposable } from '../base/disposable'
import type { LabEvents, LabMethod, LabParams, LabResults } from '../contract/lab-api'

/**
 * What the renderer (and tests, and the CLI) hold to talk to an engine. The same client works over every
 * transport: the Electron preload bridge, a WebSocket (web mode), or an in-memory pair (tests).
 */
export interface LabClient extends Disposable {
  call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResults[M]>
  on<E extends keyof LabEvents>(event: E, listener: (payload: LabEvents[E]) => void): Disposable
  /** Fires when the connection drops for good (engine gone, token refused). */
  onDidClose(listener: (reason: string) => void): Disposable
}
