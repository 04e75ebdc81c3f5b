/**
 * Request collapsing per cache key (reference §1.8): while one origin request for a key is under
 * way, later requests for that key wait for its result instead of sending their own. The first is
 * the leader; the others learn they were collapsed. A failure reaches every waiter.
 */
export class RequestCollapser<T> {
  private readonly inflight = new Map<string, Promise<T>>()

  async run(key: string, work: () => Promise<T>): Promise<{ value: T; leader: boolean }> {
    const waiting = this.inflight.get(key)
    if (waiting) return { value: await waiting, leader: false }
    const started = work()
    this.inflight.set(key, started)
    try {
      return { value: await started, leader: true }
    } finally {
      this.inflight.delete(key)
    }
  }

  /** Whether an origin request for this key is under way. */
  busy(key: string): boolean {
    return this.inflight.has(key)
  }

  get size(): number {
    return this.inflight.size
  }
}
