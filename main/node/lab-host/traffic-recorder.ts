import diagnosticsChannel from 'node:diagnostics_channel'
import { toDisposable, type Disposable } from '../../common/base/disposable'
import type { TrafficEntry } from '../../common/contract/lab-types'
import type { ServiceKind } from '../../common/services/service-kinds'
import { Batcher } from './batcher'
import { RingBuffer } from './ring-buffer'

/** What a service publishes on `lab:<kind>:request` for each exchange it handled. */
export type TrafficSignal = Omit<TrafficEntry, 'seq' | 'at' | 'kind'>

export function trafficTopic(kind: ServiceKind): string {
  return `lab:${kind}:request`
}

/**
 * Subscribes to the per-request diagnostics channels of every service kind, keeps the newest entries for
 * `traffic.recent`, and pushes new ones in batches. Services never import this: they only publish.
 */
export class TrafficRecorder implements Disposable {
  private seq = 0
  private readonly entries = new RingBuffer<TrafficEntry>(5000)
  private readonly batcher: Batcher<TrafficEntry>
  private readonly subscriptions: Disposable[] = []

  constructor(kinds: readonly ServiceKind[], publish: (entries: TrafficEntry[]) => void, now: () => number) {
    this.batcher = new Batcher(publish)
    for (const kind of kinds) {
      const listener = (message: unknown): void => {
        const entry: TrafficEntry = { seq: ++this.seq, at: now(), kind, ...(message as TrafficSignal) }
        this.entries.push(entry)
        this.batcher.add(entry)
      }
      diagnosticsChannel.subscribe(trafficTopic(kind), listener)
      this.subscriptions.push(toDisposable(() => diagnosticsChannel.unsubscribe(trafficTopic(kind), listener)))
    }
  }

  recent(limit: number, serviceId?: string): TrafficEntry[] {
    const all = this.entries.toArray()
    const matching = serviceId === undefined ? all : all.filter((e) => e.serviceId === serviceId)
    return matching.slice(-limit)
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose()
    this.batcher.dispose()
  }
}
