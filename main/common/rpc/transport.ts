import type { Disposable } from '../base/disposable'
import type { SerializedLabError } from '../errors/lab-error'

/** One RPC message. Payloads may contain Uint8Array anywhere; transports must carry them as bytes. */
export type RpcMessage =
  | { t: 'call'; id: number; method: string; params: unknown }
  | { t: 'result'; id: number; result: unknown }
  | { t: 'error'; id: number; error: SerializedLabError }
  | { t: 'event'; name: string; payload: unknown }

/**
 * A message pipe between a LabClient and the engine (VS Code's IMessagePassingProtocol). Implementations:
 * in-memory pair (tests), WebSocket (web mode), MessagePort (Electron preload ↔ main ↔ engine process).
 */
export interface Transport extends Disposable {
  send(message: RpcMessage): void
  onMessage(listener: (message: RpcMessage) => void): Disposable
  /** Fires once when the pipe closes, from either side. */
  onClose(listener: (reason: string) => void): Disposable
}

/**
 * What the Electron preload exposes on `window.netloomBridge`: a transport, not an API, so that adding a
 * LabApi method never touches the preload.
 */
export interface PreloadBridge {
  postMessage(message: RpcMessage): void
  onMessage(listener: (message: RpcMessage) => void): () => void
}
