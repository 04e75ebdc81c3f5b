import { decodeFrame, encodeFrame } from './frame-codec'
import { PipeTransport } from './pipe-transport'
import type { RpcMessage } from './transport'

/**
 * Two connected transports in one process, for tests. Delivery is asynchronous, like a real pipe, and by
 * default every message goes through the WebSocket frame codec so that tests exercise the wire format.
 */
export function createMemoryTransportPair(options: { codec?: boolean } = {}): [PipeTransport, PipeTransport] {
  const codec = options.codec ?? true
  const carry = (message: RpcMessage): RpcMessage => (codec ? decodeFrame(encodeFrame(message)) : message)
  const ends: PipeTransport[] = []
  const close = () =>
    queueMicrotask(() => {
      for (const end of ends) end.closed('peer closed')
    })
  const to = (index: number) => (message: RpcMessage) => {
    const copy = carry(message)
    queueMicrotask(() => ends[index]?.receive(copy))
  }
  const a = new PipeTransport(to(1), close)
  const b = new PipeTransport(to(0), close)
  ends.push(a, b)
  return [a, b]
}
