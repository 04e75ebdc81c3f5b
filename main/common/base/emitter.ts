import { toDisposable, type Disposable } from './disposable'

/** A tiny typed event emitter whose `on` returns a Disposable. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>()

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): Disposable {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as (payload: never) => void)
    return toDisposable(() => set.delete(listener as (payload: never) => void))
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) (listener as (p: Events[E]) => void)(payload)
  }

  hasListeners(event: keyof Events): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0
  }

  clear(): void {
    this.listeners.clear()
  }
}
