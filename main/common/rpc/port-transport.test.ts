import { describe, expect, it, vi } from 'vitest'
import type { RpcMessage } from './transport'
import { createPortTransport, createPreloadTransport, type PortLike } from './port-transport'

function fakePort() {
  const listeners = new Map<string, ((event?: unknown) => void)[]>()
  const posted: unknown[] = []
  const on = (event: string, listener: (event?: unknown) => void): void => {
    listeners.set(event, [...(listeners.get(event) ?? []), listener])
  }
  const port = {
    postMessage: (message: unknown) => void posted.push(message),
    on: on as PortLike['on'],
    start: vi.fn(),
    close: vi.fn(),
    emit: (event: string, value?: unknown) => listeners.get(event)?.forEach((l) => l(value))
  }
  return { port, posted }
}

describe('port transport', () => {
  it('posts and receives messages as they are (structured clone keeps bytes)', () => {
    const { port, posted } = fakePort()
    const transport = createPortTransport(port)
    expect(port.start).toHaveBeenCalled()
    const body = new Uint8Array([1, 2])
    transport.send({ t: 'result', id: 1, result: { body } })
    expect((posted[0] as { result: { body: Uint8Array } }).result.body).toBe(body)
    const got: RpcMessage[] = []
    transport.onMessage((m) => got.push(m))
    port.emit('message', { data: { t: 'call', id: 3, method: 'lab.get', params: {} } })
    expect(got).toEqual([{ t: 'call', id: 3, method: 'lab.get', params: {} }])
  })

  it('drops malformed messages and reports the close once', () => {
    const { port } = fakePort()
    const transport = createPortTransport(port)
    const got: RpcMessage[] = []
    const closes: string[] = []
    transport.onMessage((m) => got.push(m))
    transport.onClose((reason) => closes.push(reason))
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    port.emit('message', { data: { t: 'call' } })
    expect(got).toEqual([])
    expect(error).toHaveBeenCalledOnce()
    port.emit('close')
    port.emit('close')
    expect(closes).toEqual(['window closed'])
    expect(() => transport.send({ t: 'event', name: 'x', payload: 1 })).toThrow(/closed/)
  })
})

describe('preload transport', () => {
  it('talks through window.netloomBridge and unsubscribes on dispose', () => {
    let listener: ((m: RpcMessage) => void) | undefined
    const posted: RpcMessage[] = []
    const unsubscribe = vi.fn()
    const transport = createPreloadTransport({
      postMessage: (m) => void posted.push(m),
      onMessage: (l) => {
        listener = l
        return unsubscribe
      }
    })
    const got: RpcMessage[] = []
    transport.onMessage((m) => got.push(m))
    listener?.({ t: 'event', name: 'lab.changed', payload: {} })
    transport.send({ t: 'call', id: 1, method: 'lab.get', params: {} })
    expect(got).toHaveLength(1)
    expect(posted).toHaveLength(1)
    transport.dispose()
    expect(unsubscribe).toHaveBeenCalled()
  })
})
