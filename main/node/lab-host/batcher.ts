import type { Disposable } from '../../common/base/disposable'

/**
 * Collects items and flushes them at most once per interval, so per-request signals reach the UI as a few
 * batches a second instead of one message each.
 */
export class Batcher<T> implements Disposable {
  private pending: T[] = []
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly flushTo: (items: T[]) => void,
    private readonly intervalMs = 100,
    private readonly maxBatch = 1000
  ) {}

  add(item: T): void {
    this.pending.push(item)
    if (this.pending.length >= this.maxBatch) this.flush()
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs)
      this.timer.unref?.()
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.pending.length === 0) return
    const items = this.pending
    this.pending = []
    this.flushTo(items)
  }

  dispose(): void {
    this.flush()
  }
}
