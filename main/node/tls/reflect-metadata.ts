/**
 * The few `Reflect` metadata functions @peculiar/x509's dependency injection (tsyringe) calls at load:
 * it refuses to start without a polyfill. A WeakMap is all it needs, so this stands in for the
 * `reflect-metadata` package. It only fills gaps: a real polyfill loaded first is left alone.
 */
const store = new WeakMap<object, Map<unknown, unknown>>()
const reflect = Reflect as unknown as Record<string, unknown>

if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = (key: unknown, value: unknown, target: object) => {
    let entries = store.get(target)
    if (!entries) store.set(target, (entries = new Map()))
    entries.set(key, value)
  }
  reflect.getOwnMetadata = (key: unknown, target: object) => store.get(target)?.get(key)
  reflect.getMetadata = (key: unknown, target: object) => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
      const entries = store.get(o)
      if (entries?.has(key)) return entries.get(key)
    }
    return undefined
  }
}

export {}
