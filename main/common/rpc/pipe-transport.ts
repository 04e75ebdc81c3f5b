import type { Disposable } from '../base/disposable'
import { Emitter } from '../base/emitter'
import type { RpcMessage, Transport } from './transport'

/**
 * The bookkeeping every transport shares: message and close listeners, and a close that fires once.
 * A concrete transport supplies how to send and how to shut its pipe; it calls `receive` and `closed`.
 */
export class PipeTransport implements Transport {
  private readonly emitter = new Emitter<{ message: RpcMessage; close: string }>()
  private closeReason: string | undefined

  constructor(
    private readonly write: (message: RpcMessage) => void,
    private readonly shut: () => void
  ) {}

  get isClosed(): boolean {
    return this.closeReason !== undefined
  }

  send(message: RpcMessage): void {
    if (this.closeReason !== undefined) throw new Error(`transport closed (${this.closeReason})`)
    this.write(message)
  }

  onMessage(listener: (message: RpcMessage) => void): Disposable {
    return this.emitter.on('message', listener)
  }

  onClose(listener: (reason: string) => void): Disposable {
    return this.emitter.on('close', listener)
  }

  /** For the concrete transport: a message arrived. */
  receive(message: RpcMessage): void {
    if (this.closeReason === undefined) this.emitter.emit('message', message)
  }

  /** For the concrete transport: the pipe closed (from either side). Fires listeners once. */
  closed(reason: string): void {
    if (this.closeReason !== undefined) return
    this.closeReason = reason
    this.emitter.emit('close', reason)
    this.emitter.clear()
  }

  dispose(): void {
    if (this.closeReason !== undefined) return
    this.closed('disposed')
    this.shut()
  }
}
