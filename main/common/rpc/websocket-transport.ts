import { LabError } from '../errors/lab-error'
import { decodeFrame, encodeFrame } from './frame-codec'
import { PipeTransport } from './pipe-transport'
import type { Transport } from './transport'

/**
 * The subset of the standard WebSocket that the transport needs. The browser's WebSocket and the `ws`
 * package's WebSocket both have it, so one transport serves the renderer and Node clients.
 */
export interface WebSocketLike {
  readonly readyState: number
  binaryType: string
  send(data: string | Uint8Array<ArrayBuffer>): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void
  addEventListener(type: 'error', listener: (event: unknown) => void): void
}

const open = 1
/** RFC 6455: "received data within a message that was not consistent with the type of the message". */
const closeInvalidPayload = 1007

/** A transport over an open WebSocket: text frames for plain messages, binary frames for bytes. */
export function createWebSocketTransport(socket: WebSocketLike): Transport {
  socket.binaryType = 'arraybuffer'
  const transport = new PipeTransport(
    (message) => {
      if (socket.readyState !== open) throw new LabError('LAB_ERR_TRANSPORT_CLOSED', 'the WebSocket is not open')
      socket.send(encodeFrame(message))
    },
    () => socket.close(1000, 'closed')
  )
  socket.addEventListener('message', ({ data }) => {
    let payload: string | ArrayBuffer | Uint8Array
    if (typeof data === 'string' || data instanceof ArrayBuffer || data instanceof Uint8Array) payload = data
    else {
      socket.close(closeInvalidPayload, 'unsupported frame type')
      return
    }
    try {
      transport.receive(decodeFrame(payload))
    } catch (error) {
      // A peer that speaks garbage is not worth talking to; the reason tells its developer why.
      socket.close(closeInvalidPayload, LabError.from(error).message.slice(0, 120))
    }
  })
  socket.addEventListener('close', ({ code, reason }) => transport.closed(reason || `WebSocket closed (${code})`))
  socket.addEventListener('error', () => transport.closed('WebSocket error'))
  if (socket.readyState > open) transport.closed('WebSocket already closed')
  return transport
}
