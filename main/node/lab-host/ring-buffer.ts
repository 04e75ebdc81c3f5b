/** A fixed-capacity FIFO that overwrites its oldest entries. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[]
  private start = 0
  private length = 0

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity)
  }

  push(item: T): void {
    const end = (this.start + this.length) % this.capacity
    this.items[end] = item
    if (this.length < this.capacity) this.length++
    else this.start = (this.start + 1) % this.capacity
  }

  /** The newest `limit` items (all by default), oldest first. */
  toArray(limit = this.length): T[] {
    const count = Math.min(limit, this.length)
    const out: T[] = []
    for (let i = this.length - count; i < this.length; i++) out.push(this.items[(this.start + i) % this.capacity]!)
    return out
  }

  get size(): number {
    return this.length
  }
}
