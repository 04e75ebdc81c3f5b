/** One stored response. */
export interface CachedObject {
  key: string
  path: string
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
  storedAt: number
  ttl: number
  ttlWhy: string
}

/**
 * The edge's object store: a byte budget with least-recently-used eviction (a Map keeps insertion order;
 * a hit moves the entry to the end).
 */
export class EdgeCache {
  private readonly objects = new Map<string, CachedObject>()
  private used = 0

  constructor(private readonly budget: number) {}

  get bytes(): number {
    return this.used
  }

  get size(): number {
    return this.objects.size
  }

  /** The stored objects, most recently used last. */
  list(): CachedObject[] {
    return [...this.objects.values()]
  }

  get(key: string): CachedObject | undefined {
    const object = this.objects.get(key)
    if (!object) return undefined
    this.objects.delete(key)
    this.objects.set(key, object)
    return object
  }

  set(object: CachedObject): void {
    this.delete(object.key)
    if (object.body.length > this.budget) return
    this.objects.set(object.key, object)
    this.used += object.body.length
    for (const [key, oldest] of this.objects) {
      if (this.used <= this.budget) break
      this.objects.delete(key)
      this.used -= oldest.body.length
    }
  }

  delete(key: string): void {
    const object = this.objects.get(key)
    if (!object) return
    this.objects.delete(key)
    this.used -= object.body.length
  }

  /**
   * CloudFront invalidation paths: case-sensitive, starting with `/`, `*` only as the last character
   * (`/images/*`, `/logo.*`, `/*`). Every cached variant of a matching path goes. Returns how many.
   */
  invalidate(paths: readonly string[]): number {
    let removed = 0
    for (const [key, object] of [...this.objects]) {
      const matches = paths.some((path) => (path.endsWith('*') ? object.path.startsWith(path.slice(0, -1)) : object.path === path))
      if (matches) {
        this.delete(key)
        removed++
      }
    }
    return removed
  }
}

/** Checks invalidation paths as CloudFront's API does; returns the problem or undefined. */
export function invalidationProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `"${path}" must start with "/"`
  if (path.length > 4000) return 'a path may be at most 4,000 characters'
  if (path.slice(0, -1).includes('*')) return `"${path}": "*" may only be the last character`
  return undefined
}
