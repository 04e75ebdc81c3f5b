import { LabError } from '../../../../common/errors/lab-error'
import { parseCacheControl, parseDeltaSeconds } from './cache-control'
import { cacheKey, keyQueryString, splitUrl } from './cache-key'
import {
  headerValues,
  type CachedRequest,
  type CachedResponse,
  type CachePolicy,
  type HeaderMap,
  type StoredResponse
} from './cache-types'
import { selectForUpdate, updateFromNotModified } from './conditional'
import type { DiskRecord, DiskTier } from './disk-tier'
import { currentAge } from './freshness'
import { unsafeInvalidationTargets } from './invalidation'
import { checkStorable, hasValidator, headersForStorage, type NotStorableReason } from './storable'
import { cloudFrontVary, secondaryKey, varyHeaderNames, varyMatches, type ForwardedHeaders } from './vary'

export interface CacheStoreOptions {
  /** Byte budget: bodies plus header and key text. Least recently used variants go first. */
  maxBytes: number
  policy: CachePolicy
  /** The distribution's domain for cache keys; defaults to each request's Host header. */
  host?: string
  /** The behaviour caches OPTIONS responses. */
  cacheOptions?: boolean
  /** Headers that reach the origin, key headers included (they survive CloudFront's Vary filter); the key headers when absent. */
  forwardedHeaders?: ForwardedHeaders
}

/**
 * `fresh`: serve it. `stale`: expired; revalidate, or serve it while revalidating / on error when
 * `canServeStale` allows. `must-revalidate`: expired and the origin forbids serving it stale.
 */
export type LookupResult =
  /** `onDisk`: not in memory, but the on-disk tier has a matching variant; `promote` reads it. */
  | { status: 'miss'; key: string; onDisk?: true }
  | {
      status: 'fresh' | 'stale' | 'must-revalidate'
      key: string
      entry: StoredResponse
      ageSec: number
    }

export type StoreResult =
  { stored: true; key: string } | { stored: false; reason: NotStorableReason | 'too-large' }

export interface CacheStats {
  hits: number
  /** Lookups that found only an expired response (stale or must-revalidate). */
  staleHits: number
  misses: number
  stores: number
  evictions: number
  /** Variants removed by `invalidate`. */
  invalidated: number
  /** Lookups answered by reading the on-disk tier. */
  diskHits: number
  bytes: number
  objects: number
}

/** What every policy view of one store shares: the variants, the recency order and the budget. */
interface Shared {
  entries: Map<string, Map<string, Variant>>
  /** Insertion order is recency: a hit re-inserts the variant at the end. */
  lru: Map<string, Variant>
  counters: Omit<CacheStats, 'bytes' | 'objects'>
  bytes: number
  maxBytes: number
  /** The on-disk second tier, when the distribution has one. */
  disk: DiskTier | undefined
}

interface Variant {
  key: string
  path: string
  keyQuery: string
  varyNames: string[]
  secondary: string
  response: StoredResponse
  bytes: number
  /** The disk copy this variant was read from, while `response` is still what it holds. */
  diskCopy?: { record: DiskRecord; response: StoredResponse }
  /** Its LRU id (key and secondary key), made once: every hit touches it. */
  lruId?: string
}

/**
 * An in-memory edge cache for one distribution/behaviour: primary key from the cache policy,
 * variants by Vary (RFC 9111 §4.1), LRU eviction under a byte budget, CloudFront invalidations.
 * Time is always passed in, so tests drive it with a FakeClock.
 */
export class CacheStore {
  private readonly shared: Shared

  constructor(
    private readonly options: CacheStoreOptions,
    shared?: Shared
  ) {
    this.shared = shared ?? {
      entries: new Map(),
      lru: new Map(),
      counters: { hits: 0, staleHits: 0, misses: 0, stores: 0, evictions: 0, invalidated: 0, diskHits: 0 },
      bytes: 0,
      maxBytes: options.maxBytes,
      disk: undefined
    }
  }

  /**
   * A view of the same storage under another behaviour's policy: one distribution has one byte
   * budget and one LRU order, whatever behaviour stored an object. Keys do not collide across
   * behaviours because a path belongs to the first behaviour that matches it.
   */
  withPolicy(
    policy: CachePolicy,
    extra: Partial<Omit<CacheStoreOptions, 'maxBytes' | 'policy'>> = {}
  ): CacheStore {
    return new CacheStore({ ...this.options, ...extra, policy }, this.shared)
  }

  /** A new byte budget (a distribution update); a smaller one evicts least recently used first. */
  resize(maxBytes: number): void {
    this.shared.maxBytes = maxBytes
    this.evictToBudget()
  }

  /**
   * Adds (or, with undefined, detaches) the on-disk tier: from now on, what the memory LRU evicts
   * is written there instead of dropped, and lookups that miss in memory may find it there.
   */
  attachDisk(disk: DiskTier | undefined): void {
    this.shared.disk = disk
  }

  /** The on-disk tier, when there is one. */
  get disk(): DiskTier | undefined {
    return this.shared.disk
  }

  private get entries(): Map<string, Map<string, Variant>> {
    return this.shared.entries
  }

  private get lru(): Map<string, Variant> {
    return this.shared.lru
  }

  private get counters(): Shared['counters'] {
    return this.shared.counters
  }

  get policy(): CachePolicy {
    return this.options.policy
  }

  /** The cache key this store uses for a request. */
  keyOf(request: CachedRequest): string {
    const options = this.options.host === undefined ? {} : { host: this.options.host }
    return cacheKey(request, this.options.policy.key, options)
  }

  /** Finds the most recent stored variant matching the request (§4.1) and says whether it is fresh. */
  lookup(request: CachedRequest, nowMs: number): LookupResult {
    const key = this.keyOf(request)
    const serves = this.servesMethod(request.method)
    const variant = serves ? this.match(key, request) : undefined
    if (!variant) {
      // Only an index lookup: reading the file is `promote`'s, so a lookup never waits.
      if (serves && this.shared.disk !== undefined && this.matchOnDisk(this.shared.disk, key, request))
        return { status: 'miss', key, onDisk: true }
      this.counters.misses++
      return { status: 'miss', key }
    }
    this.touch(variant)
    return this.classify(key, variant.response, nowMs)
  }

  /**
   * The async half of a lookup that `lookup` sent to disk (`onDisk`): reads the variant, puts it
   * back into memory (it stays on disk too) and says whether it is fresh. A variant that reached
   * memory meanwhile (a store, another promotion) wins over the file.
   */
  async promote(request: CachedRequest, nowMs: number): Promise<LookupResult> {
    const key = this.keyOf(request)
    const disk = this.shared.disk
    const record = disk && this.servesMethod(request.method) ? this.matchOnDisk(disk, key, request) : undefined
    const response = record && (await disk!.read(record))
    const current = this.match(key, request)
    if (current) {
      this.touch(current)
      return this.classify(key, current.response, nowMs)
    }
    if (!record || !response) {
      this.counters.misses++
      return { status: 'miss', key }
    }
    const variant: Variant = { key, path: record.path, keyQuery: record.keyQuery, varyNames: record.varyNames, secondary: record.secondary, response, bytes: 0, diskCopy: { record, response } }
    variant.bytes = sizeOf(variant)
    // Larger than the memory budget (after a resize): served from disk without a memory copy.
    if (variant.bytes <= this.shared.maxBytes) {
      this.insert(variant)
      this.evictToBudget()
    }
    this.counters.diskHits++
    return this.classify(key, response, nowMs)
  }

  private classify(key: string, entry: StoredResponse, nowMs: number): LookupResult {
    const ageSec = currentAge(entry, nowMs)
    // §4.2: fresh while the current age is below the lifetime (isFresh, without computing the age twice).
    if (ageSec < entry.lifetimeSec) {
      this.counters.hits++
      return { status: 'fresh', key, entry, ageSec }
    }
    this.counters.staleHits++
    const cc = parseCacheControl(headerValues(entry.headers, 'cache-control'))
    const strict = cc.mustRevalidate || cc.proxyRevalidate || cc.noCache
    const status = strict ? 'must-revalidate' : 'stale'
    return { status, key, entry, ageSec }
  }

  /** Stores an origin response if RFC 9111 §3 and the policy allow it, replacing the same variant. */
  store(
    request: CachedRequest,
    response: CachedResponse,
    nowMs: number = response.responseTime
  ): StoreResult {
    const { policy } = this.options
    const decision = checkStorable(request, response, policy, {
      nowMs,
      ...(this.options.cacheOptions === undefined
        ? {}
        : { cacheOptions: this.options.cacheOptions })
    })
    if (!decision.storable) return { stored: false, reason: decision.reason }
    const key = this.keyOf(request)
    const headers = headersForStorage(response.headers)
    // RFC 9110 §6.6.1: a cache that keeps a response without Date adds one (its receipt time).
    if (headerValues(headers, 'date').length === 0)
      headers['date'] = new Date(response.responseTime).toUTCString()
    const names = varyHeaderNames(headers)
    const varyNames = names === '*' ? [] : cloudFrontVary(names, this.options.forwardedHeaders ?? policy.key.headers)
    const { path, query } = splitUrl(request.url)
    const stored: StoredResponse = {
      ...response,
      headers,
      lifetimeSec: decision.freshness.lifetimeSec,
      source: decision.freshness.source
    }
    const variant: Variant = {
      key,
      path,
      keyQuery: keyQueryString(query, policy.key.queryStrings),
      varyNames,
      secondary: secondaryKey(request, varyNames, policy.key),
      response: stored,
      bytes: 0
    }
    variant.bytes = sizeOf(variant)
    if (variant.bytes > this.shared.maxBytes) return { stored: false, reason: 'too-large' }
    this.insert(variant)
    this.counters.stores++
    this.evictToBudget()
    return { stored: true, key }
  }

  /**
   * Applies an origin 304 to the stored responses it selects (§4.3.4) and returns the variant
   * matching the request afterwards, or undefined when nothing usable is left.
   */
  revalidated(
    request: CachedRequest,
    response304: CachedResponse,
    nowMs: number
  ): StoredResponse | undefined {
    const key = this.keyOf(request)
    const variants = [...(this.entries.get(key)?.values() ?? [])]
    const selected = new Set(
      selectForUpdate(
        variants.map((v) => v.response),
        response304
      )
    )
    for (const variant of variants) {
      if (!selected.has(variant.response)) continue
      const updated = updateFromNotModified(
        variant.response,
        response304,
        this.options.policy,
        nowMs
      )
      this.remove(variant)
      if (updated.source === 'not-cacheable') {
        this.shared.disk?.dropId(lruId(variant))
        continue
      }
      const next: Variant = { ...variant, response: updated }
      next.bytes = sizeOf(next)
      this.insert(next)
    }
    this.evictToBudget()
    return this.match(key, request)?.response
  }

  /**
   * CloudFront invalidation (reference §1.5): the path must start with `/`, is case-sensitive, and
   * may end in `*` (prefix match; `*` elsewhere is rejected). Every variant of a matching object
   * goes. Returns the count removed.
   */
  invalidate(pathPattern: string): number {
    const pattern = parseInvalidationPath(pathPattern)
    // Without `*`, the path's query goes through the policy like a request's would, so `/a?x=1`
    // finds `/a` when query strings are not in the key.
    let text = pattern.path
    if (!pattern.prefix) {
      const qs = keyQueryString(pattern.query, this.options.policy.key.queryStrings)
      if (qs !== '') text += `?${qs}`
    } else if (pathPattern.slice(0, -1).includes('?')) {
      text += `?${pattern.query}`
    }
    const matches = (v: { path: string; keyQuery: string }): boolean => {
      const target = v.keyQuery === '' ? v.path : `${v.path}?${v.keyQuery}`
      return pattern.prefix ? target.startsWith(text) : target === text
    }
    return this.removeWhere(matches)
  }

  /** The stored variants, least recently used first, with their age now: what the cache browser lists. */
  list(nowMs: number): { id: string; path: string; status: number; bytes: number; ageSec: number; lifetimeSec: number; source: string; contentType: string }[] {
    return [...this.lru.entries()].map(([id, variant]) => ({
      id,
      path: variant.keyQuery === '' ? variant.path : `${variant.path}?${variant.keyQuery}`,
      status: variant.response.status,
      bytes: variant.bytes,
      ageSec: Math.floor(currentAge(variant.response, nowMs)),
      lifetimeSec: variant.response.lifetimeSec,
      source: variant.response.source,
      contentType: String(variant.response.headers['content-type'] ?? '')
    }))
  }

  /** Removes one variant by the id `list` gave it; false when it is already gone. */
  evict(id: string): boolean {
    const variant = this.lru.get(id)
    if (variant) this.remove(variant)
    const onDisk = this.shared.disk?.dropId(id) === true
    return variant !== undefined || onDisk
  }

  /** Drops everything, on disk too (counters are kept). */
  clear(): void {
    this.entries.clear()
    this.lru.clear()
    this.shared.bytes = 0
    this.shared.disk?.clear()
  }

  /** Bytes held now (bodies, headers and keys): read per request, so without building the stats. */
  get bytes(): number {
    return this.shared.bytes
  }

  stats(): CacheStats {
    return { ...this.counters, bytes: this.shared.bytes, objects: this.lru.size }
  }

  /**
   * Removes every variant stored for a request target (path and query as this policy keys them),
   * whatever its headers and cookies: what RFC 9111 §4.4 asks after an unsafe request.
   */
  removeUri(url: string): number {
    const { path, query } = splitUrl(url)
    const keyQuery = keyQueryString(query, this.options.policy.key.queryStrings)
    return this.removeWhere((v) => v.path === path && v.keyQuery === keyQuery)
  }

  /** Removes the variants that match from both tiers; one in both counts once. */
  private removeWhere(matches: (v: { path: string; keyQuery: string }) => boolean): number {
    const gone = new Set<string>()
    for (const [id, variant] of [...this.lru.entries()]) {
      if (!matches(variant)) continue
      this.remove(variant)
      gone.add(id)
    }
    for (const record of this.shared.disk?.records() ?? []) {
      if (!matches(record)) continue
      this.shared.disk!.dropId(record.id)
      gone.add(record.id)
    }
    this.counters.invalidated += gone.size
    return gone.size
  }

  /**
   * RFC 9111 §4.4: after a non-error response to an unsafe method, the target URI and the
   * same-host Location / Content-Location are invalidated. Returns the URIs that were.
   */
  invalidateAfterUnsafe(request: CachedRequest, response: CachedResponse): string[] {
    const host = this.options.host ?? headerValues(request.headers, 'host')[0] ?? ''
    const targets = unsafeInvalidationTargets(request, response, host)
    for (const target of targets) this.removeUri(target)
    return targets
  }

  /**
   * CloudFront §1.8: an expired object served because the origin failed is then treated as fresh
   * for `seconds` (the error caching minimum TTL) before the origin is asked again.
   */
  keepFresh(request: CachedRequest, seconds: number, nowMs: number): StoredResponse | undefined {
    const variant = this.match(this.keyOf(request), request)
    if (!variant) return undefined
    const lifetimeSec = Math.floor(currentAge(variant.response, nowMs)) + seconds
    variant.response = { ...variant.response, lifetimeSec, source: 'error-caching' }
    return variant.response
  }

  /**
   * RFC 9111 §4.3.5: a 200 to a HEAD updates the stored GET response it stands for (same
   * validators, same length), or invalidates it when it shows the representation changed.
   */
  freshenFromHead(
    request: CachedRequest,
    head: CachedResponse,
    nowMs: number
  ): 'updated' | 'invalidated' | 'none' {
    if (head.status !== 200) return 'none'
    const variant = this.match(this.keyOf(request), request)
    if (!variant) return 'none'
    const length = parseDeltaSeconds(headerValues(head.headers, 'content-length')[0] ?? '')
    const sameLength = length === undefined || length === variant.response.body.byteLength
    const selected = selectForUpdate([variant.response], head).length === 1
    const validators = hasValidator(head.headers)
    if (!sameLength || (validators && !selected)) {
      this.remove(variant)
      this.shared.disk?.dropId(lruId(variant))
      this.counters.invalidated++
      return 'invalidated'
    }
    if (!validators) return 'none'
    const updated = updateFromNotModified(variant.response, head, this.options.policy, nowMs)
    this.remove(variant)
    if (updated.source === 'not-cacheable') {
      this.shared.disk?.dropId(lruId(variant))
      return 'invalidated'
    }
    const next: Variant = { ...variant, response: updated }
    next.bytes = sizeOf(next)
    this.insert(next)
    this.evictToBudget()
    return 'updated'
  }

  /** GET and HEAD share the stored GET response; OPTIONS only when the behaviour caches it. */
  private servesMethod(method: string): boolean {
    const m = method.toUpperCase()
    return m === 'GET' || m === 'HEAD' || (m === 'OPTIONS' && this.options.cacheOptions === true)
  }

  private match(key: string, request: CachedRequest): Variant | undefined {
    let best: Variant | undefined
    for (const variant of this.entries.get(key)?.values() ?? []) {
      if (!varyMatches(variant.varyNames, variant.secondary, request, this.options.policy.key))
        continue
      if (!best || variant.response.responseTime > best.response.responseTime) best = variant
    }
    return best
  }

  /** The most recent variant on disk matching the request (§4.1), from the index alone. */
  private matchOnDisk(disk: DiskTier, key: string, request: CachedRequest): DiskRecord | undefined {
    let best: DiskRecord | undefined
    for (const record of disk.variants(key)?.values() ?? []) {
      if (!varyMatches(record.varyNames, record.secondary, request, this.options.policy.key)) continue
      if (!best || record.responseTime > best.responseTime) best = record
    }
    return best
  }

  private insert(variant: Variant): void {
    const existing = this.entries.get(variant.key)?.get(variant.secondary)
    if (existing) this.remove(existing)
    // A new response for this variant (a store, a 304 update) outdates its disk copy.
    if (this.shared.disk !== undefined && variant.diskCopy?.response !== variant.response)
      this.shared.disk.dropId(lruId(variant))
    let variants = this.entries.get(variant.key)
    if (!variants) this.entries.set(variant.key, (variants = new Map()))
    variants.set(variant.secondary, variant)
    this.lru.set(lruId(variant), variant)
    this.shared.bytes += variant.bytes
  }

  private remove(variant: Variant): void {
    const variants = this.entries.get(variant.key)
    if (variants?.get(variant.secondary) !== variant) return
    variants.delete(variant.secondary)
    if (variants.size === 0) this.entries.delete(variant.key)
    this.lru.delete(lruId(variant))
    this.shared.bytes -= variant.bytes
  }

  private touch(variant: Variant): void {
    const id = lruId(variant)
    this.lru.delete(id)
    this.lru.set(id, variant)
  }

  private evictToBudget(): void {
    for (const variant of this.lru.values()) {
      if (this.shared.bytes <= this.shared.maxBytes) break
      this.remove(variant)
      this.counters.evictions++
      this.spill(variant)
    }
  }

  /** An evicted variant goes to the disk tier, unless the file there already holds this response. */
  private spill(variant: Variant): void {
    const disk = this.shared.disk
    if (disk === undefined) return
    const copy = variant.diskCopy
    if (copy && copy.response === variant.response && disk.holds(copy.record)) return
    const { key, secondary, varyNames, path, keyQuery, response } = variant
    disk.put({ key, secondary, varyNames, path, keyQuery, response })
  }
}

/** Validates a CloudFront invalidation path; throws LAB_ERR_RPC_BAD_REQUEST when it is not one. */
export function parseInvalidationPath(path: string): {
  path: string
  query: string
  prefix: boolean
} {
  const bad = (why: string): never => {
    throw new LabError('LAB_ERR_RPC_BAD_REQUEST', `Invalid invalidation path "${path}": ${why}`, {
      details: { path }
    })
  }
  if (!path.startsWith('/')) bad('it must start with /')
  if (path.length > 4000) bad('it is longer than 4000 characters')
  const star = path.indexOf('*')
  if (star !== -1 && star !== path.length - 1) bad('* is allowed only as the last character')
  const prefix = star !== -1
  const body = prefix ? path.slice(0, -1) : path
  const q = body.indexOf('?')
  if (q === -1) return { path: body, query: '', prefix }
  return { path: body.slice(0, q), query: body.slice(q + 1), prefix }
}

function lruId(variant: Variant): string {
  return (variant.lruId ??= `${variant.key}\n${variant.secondary}`)
}

function sizeOf(variant: Variant): number {
  return (
    variant.response.body.byteLength +
    headerBytes(variant.response.headers) +
    variant.key.length +
    variant.secondary.length
  )
}

function headerBytes(headers: HeaderMap): number {
  let total = 0
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) total += name.length + v.length + 4
  }
  return total
}
