import { LabError } from '../errors/lab-error'
import { checkMessage } from './frame-codec'
import { PipeTransport } from './pipe-transport'
import type { PreloadBridge, Transport } from './transport'

/**
 * The subset of Electron's MessagePortMain the engine process uses (typed here: main/ never imports
 * electron). Structured clone carries Uint8Array as bytes, so no frame codec is needed on ports.
 */
export interface PortLike {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  on(event: 'close', listener: () => void): void
  start(): void
  close(): void
}

/** The engine's end of a MessageChannel whose other end the main process gave to a window. */
export function createPortTransport(port: PortLike): Transport {
  const transport = new PipeTransport(
    (message) => port.postMessage(message),
    () => port.close()
  )
  port.on('message', ({ data }) => {
    try {
      transport.receive(checkMessage(data))
    } catch (error) {
      // Only our own renderer holds the other end, so a bad message is a bug: drop it and say so.
      console.error(`netloom: dropped a message from the window: ${LabError.from(error).message}`)
    }
  })
  port.on('close', () => transport.closed('window closed'))
  port.start()
  return transport
}

/** The renderer's end, through the preload's `window.netloomBridge`. */
export function createPreloadTransport(bridge: PreloadBridge): Transport {
  let unsubscribe: () => void = () => {}
  const transport = new PipeTransport(
    (message) => bridge.postMessage(message),
    () => unsubscribe()
  )
  unsubscribe = bridge.onMessage((message) => transport.receive(checkMessage(message)))
  return transport
}
