import { createHash } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, unlink, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import type { FreshnessSource, HeaderMap, StoredResponse } from './cache-types'

/** A variant as the memory tier hands it over: its identity in the cache and its stored response. */
export interface DiskEntry {
  key: string
  secondary: string
  varyNames: string[]
  path: string
  keyQuery: string
  response: StoredResponse
}

/** One variant on disk as the index keeps it: everything needed to match and invalidate it, no body. */
export interface DiskRecord {
  /** `key\nsecondary`, the same id the memory tier and the cache browser use. */
  readonly id: string
  /** The file's name in the store's folder: a hash of the id. */
  readonly file: string
  readonly key: string
  readonly secondary: string
  readonly varyNames: string[]
  readonly path: string
  readonly keyQuery: string
  readonly responseTime: number
  /** The file's size: what counts against the disk budget. */
  readonly bytes: number
  /** Until its file is written, the response itself: a promotion need not wait for the write. */
  pending: StoredResponse | undefined
}

/** What the store warns about (damaged or foreign files, failed writes); it never throws for them. */
export type DiskWarn = (message: string) => void

const MAGIC = Buffer.from('NLC1')
const HEAD = 8
/** Metadata is headers and keys; anything larger than this is not one of our files. */
const MAX_META = 16 * 1024 * 1024
const ENTRY = /^[0-9a-f]{64}\.entry$/
const TEMP = /^[0-9a-f]{64}\.entry\.\d+\.tmp$/
const SOURCES: ReadonlySet<string> = new Set<FreshnessSource>([
  's-maxage',
  'max-age',
  'expires',
  'heuristic',
  'default-ttl',
  'min-ttl-override',
  'error-caching',
  'no-cache',
  'not-cacheable'
])

/**
 * The on-disk second tier of the edge cache: what the memory tier evicts is written here, one file
 * per variant (metadata then body, named by a hash of the variant's key), under its own byte budget
 * with least-recently-used eviction. The index lives in memory and is rebuilt from the files when the
 * store opens, so objects survive a restart. Writes are atomic (temp file, then rename) and queued per
 * file, so a later write or removal never loses to an earlier one. Only files this store names are
 * ever written or removed, and only inside its folder.
 */
export class DiskTier {
  /** Insertion order is recency (file mtimes carry it across restarts). */
  private readonly lru = new Map<string, DiskRecord>()
  private readonly byKey = new Map<string, Map<string, DiskRecord>>()
  private readonly ops = new Map<string, Promise<void>>()
  private readonly reads = new Map<DiskRecord, Promise<StoredResponse | undefined>>()
  private total = 0
  private stamp = 0
  private temps = 0

  private constructor(
    readonly dir: string,
    private maxBytes: number,
    private readonly warn: DiskWarn,
    private readonly now: () => number
  ) {}

  /**
   * Opens (creating) the folder and rebuilds the index from the files in it. Damaged and foreign
   * files are skipped with a warning naming them and left where they are; temp files of an
   * interrupted write of ours are removed.
   */
  static async open(dir: string, maxBytes: number, warn: DiskWarn, now: () => number = Date.now): Promise<DiskTier> {
    const tier = new DiskTier(dir, maxBytes, warn, now)
    await mkdir(dir, { recursive: true })
    const found: { record: DiskRecord; mtime: number }[] = []
    for (const item of await readdir(dir, { withFileTypes: true })) {
      const where = join(dir, item.name)
      if (item.isFile() && TEMP.test(item.name)) {
        await unlink(where).catch(() => undefined)
        continue
      }
      if (!item.isFile() || !ENTRY.test(item.name)) {
        warn(`edge disk cache: skipped ${where}: not a cache file`)
        continue
      }
      try {
        found.push(await readIndexEntry(where, item.name))
      } catch (error) {
        warn(`edge disk cache: skipped ${where}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    found.sort((a, b) => a.mtime - b.mtime)
    for (const { record, mtime } of found) {
      tier.index(record)
      tier.stamp = Math.max(tier.stamp, mtime)
    }
    tier.evictToBudget()
    return tier
  }

  get bytes(): number {
    return this.total
  }

  get size(): number {
    return this.lru.size
  }

  /** The records, least recently used first (a copy: callers drop while iterating). */
  records(): DiskRecord[] {
    return [...this.lru.values()]
  }

  /** The variants stored under a primary key, by secondary key. */
  variants(key: string): ReadonlyMap<string, DiskRecord> | undefined {
    return this.byKey.get(key)
  }

  get(id: string): DiskRecord | undefined {
    return this.lru.get(id)
  }

  /** Whether this record is still the one stored under its id (not dropped or replaced). */
  holds(record: DiskRecord): boolean {
    return this.lru.get(record.id) === record
  }

  /**
   * Stores a variant, replacing the one with the same id, and evicts least recently used records
   * beyond the budget. The index changes now; the file is written in the background.
   * Returns undefined when the variant alone is larger than the budget.
   */
  put(entry: DiskEntry): DiskRecord | undefined {
    const id = `${entry.key}\n${entry.secondary}`
    const meta = encodeMeta(entry)
    const bytes = HEAD + meta.byteLength + entry.response.body.byteLength
    if (bytes > this.maxBytes) {
      this.dropId(id)
      return undefined
    }
    const { key, secondary, varyNames, path, keyQuery, response } = entry
    const record: DiskRecord = { id, file: fileName(id), key, secondary, varyNames, path, keyQuery, responseTime: response.responseTime, bytes, pending: response }
    this.dropId(id)
    this.index(record)
    const stamp = this.nextStamp()
    this.queue(record.file, async () => {
      if (!this.holds(record)) return
      await this.write(record, meta, response.body, stamp)
      record.pending = undefined
    }).catch(() => undefined)
    this.evictToBudget()
    return record
  }

  /**
   * The stored response of a record, read from its file (one read at a time per record), or
   * undefined when the record went meanwhile or its file is damaged (then the record is dropped).
   * Reading makes it the most recently used.
   */
  async read(record: DiskRecord): Promise<StoredResponse | undefined> {
    if (!this.holds(record)) return undefined
    this.touch(record)
    if (record.pending) return record.pending
    let reading = this.reads.get(record)
    if (!reading) {
      reading = this.readFile(record).finally(() => this.reads.delete(record))
      this.reads.set(record, reading)
    }
    const response = await reading
    return this.holds(record) ? response : undefined
  }

  /** Removes a variant (its file follows in the background); false when none is stored under the id. */
  dropId(id: string): boolean {
    const record = this.lru.get(id)
    if (!record) return false
    this.unindex(record)
    this.queue(record.file, () => removeFile(join(this.dir, record.file))).catch(() => undefined)
    return true
  }

  /** Removes every variant this store indexes. */
  clear(): void {
    for (const id of [...this.lru.keys()]) this.dropId(id)
  }

  /** A new byte budget; a smaller one evicts least recently used first. */
  resize(maxBytes: number): void {
    this.maxBytes = maxBytes
    this.evictToBudget()
  }

  /** Resolves when every queued write and removal has finished (before a stop, and in tests). */
  async flush(): Promise<void> {
    while (this.ops.size > 0) await Promise.allSettled([...this.ops.values()])
  }

  private async readFile(record: DiskRecord): Promise<StoredResponse | undefined> {
    const where = join(this.dir, record.file)
    try {
      const decoded = decode(await readFile(where))
      if (decoded.entry.key !== record.key || decoded.entry.secondary !== record.secondary) throw new Error('it holds another object')
      return decoded.entry.response
    } catch (error) {
      this.warn(`edge disk cache: cannot read ${where}: ${error instanceof Error ? error.message : String(error)}; dropped`)
      if (this.holds(record)) this.dropId(record.id)
      return undefined
    }
  }

  private async write(record: DiskRecord, meta: Buffer, body: Uint8Array, stamp: number): Promise<void> {
    const target = join(this.dir, record.file)
    const temp = `${target}.${this.temps++}.tmp`
    try {
      const handle = await open(temp, 'w')
      try {
        const head = Buffer.alloc(HEAD)
        MAGIC.copy(head, 0)
        head.writeUInt32BE(meta.byteLength, 4)
        await handle.writev([head, meta, body])
      } finally {
        await handle.close()
      }
      await utimes(temp, stamp / 1000, stamp / 1000)
      await rename(temp, target)
    } catch (error) {
      await removeFile(temp).catch(() => undefined)
      this.warn(`edge disk cache: cannot write ${target}: ${error instanceof Error ? error.message : String(error)}`)
      if (this.holds(record)) this.dropId(record.id)
    }
  }

  /** Runs file work after the work already queued for the same file. */
  private queue(file: string, work: () => Promise<void>): Promise<void> {
    const before = this.ops.get(file) ?? Promise.resolve()
    const next = before.then(work, work)
    this.ops.set(file, next)
    const forget = (): void => {
      if (this.ops.get(file) === next) this.ops.delete(file)
    }
    next.then(forget, forget)
    return next
  }

  private touch(record: DiskRecord): void {
    this.lru.delete(record.id)
    this.lru.set(record.id, record)
    // The file's mtime keeps the order for the next start; a file still being written gets it then.
    if (record.pending) return
    const stamp = this.nextStamp()
    const where = join(this.dir, record.file)
    this.queue(record.file, async () => {
      if (this.holds(record)) await utimes(where, stamp / 1000, stamp / 1000).catch(() => undefined)
    }).catch(() => undefined)
  }

  /** Strictly increasing mtimes, so recency survives a restart even within one millisecond. */
  private nextStamp(): number {
    this.stamp = Math.max(this.stamp + 1, this.now())
    return this.stamp
  }

  private index(record: DiskRecord): void {
    let variants = this.byKey.get(record.key)
    if (!variants) this.byKey.set(record.key, (variants = new Map()))
    variants.set(record.secondary, record)
    this.lru.set(record.id, record)
    this.total += record.bytes
  }

  private unindex(record: DiskRecord): void {
    const variants = this.byKey.get(record.key)
    variants?.delete(record.secondary)
    if (variants?.size === 0) this.byKey.delete(record.key)
    this.lru.delete(record.id)
    this.total -= record.bytes
  }

  private evictToBudget(): void {
    for (const record of this.lru.values()) {
      if (this.total <= this.maxBytes) break
      this.dropId(record.id)
    }
  }
}

/** The file a variant is kept in: a hash, so no key text reaches the file system. */
export function fileName(id: string): string {
  return `${createHash('sha256').update(id).digest('hex')}.entry`
}

async function removeFile(where: string): Promise<void> {
  await unlink(where).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error
  })
}

type Meta = Omit<DiskEntry, 'response'> & Omit<StoredResponse, 'body'>

function encodeMeta(entry: DiskEntry): Buffer {
  const { body: _body, ...response } = entry.response
  const meta: Meta = { key: entry.key, secondary: entry.secondary, varyNames: entry.varyNames, path: entry.path, keyQuery: entry.keyQuery, ...response }
  return Buffer.from(JSON.stringify(meta))
}

/** Reads only a file's metadata (not its body): what the index needs at start. */
async function readIndexEntry(where: string, name: string): Promise<{ record: DiskRecord; mtime: number }> {
  const handle = await open(where, 'r')
  try {
    const { size, mtimeMs } = await handle.stat()
    const head = Buffer.alloc(HEAD)
    if (size < HEAD || (await handle.read(head, 0, HEAD, 0)).bytesRead < HEAD) throw new Error('it is too short')
    const length = metaLength(head, size)
    const meta = Buffer.alloc(length)
    if ((await handle.read(meta, 0, length, HEAD)).bytesRead < length) throw new Error('it is truncated')
    const parsed = parseMeta(meta)
    const id = `${parsed.key}\n${parsed.secondary}`
    if (fileName(id) !== name) throw new Error('its name is not the hash of its key')
    const record: DiskRecord = { id, file: name, key: parsed.key, secondary: parsed.secondary, varyNames: parsed.varyNames, path: parsed.path, keyQuery: parsed.keyQuery, responseTime: parsed.responseTime, bytes: size, pending: undefined }
    return { record, mtime: mtimeMs }
  } finally {
    await handle.close()
  }
}

function metaLength(head: Buffer, size: number): number {
  if (!head.subarray(0, 4).equals(MAGIC)) throw new Error('it is not a Netloom cache file')
  const length = head.readUInt32BE(4)
  if (length > MAX_META || HEAD + length > size) throw new Error('its metadata length is wrong')
  return length
}

function decode(file: Buffer): { entry: DiskEntry } {
  if (file.byteLength < HEAD) throw new Error('it is too short')
  const length = metaLength(file, file.byteLength)
  const meta = parseMeta(file.subarray(HEAD, HEAD + length))
  const { key, secondary, varyNames, path, keyQuery, ...rest } = meta
  const body = file.subarray(HEAD + length)
  return { entry: { key, secondary, varyNames, path, keyQuery, response: { ...rest, body } } }
}

/** Parses and checks stored metadata; throws with a reason when anything is missing or mistyped. */
function parseMeta(bytes: Buffer): Meta {
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new Error('its metadata is not JSON')
  }
  const m = value as Record<string, unknown>
  const strings = ['key', 'secondary', 'path', 'keyQuery'] as const
  const numbers = ['status', 'requestTime', 'responseTime', 'lifetimeSec'] as const
  const ok =
    typeof value === 'object' &&
    value !== null &&
    strings.every((name) => typeof m[name] === 'string') &&
    numbers.every((name) => typeof m[name] === 'number' && Number.isFinite(m[name])) &&
    Array.isArray(m['varyNames']) &&
    (m['varyNames'] as unknown[]).every((v) => typeof v === 'string') &&
    typeof m['source'] === 'string' &&
    SOURCES.has(m['source']) &&
    isHeaderMap(m['headers'])
  if (!ok) throw new Error('its metadata is incomplete')
  const { key, secondary, path, keyQuery, varyNames, status, requestTime, responseTime, lifetimeSec, source, headers } = m as unknown as Meta
  return { key, secondary, path, keyQuery, varyNames, status, requestTime, responseTime, lifetimeSec, source, headers }
}

function isHeaderMap(value: unknown): value is HeaderMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  return Object.values(value).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')))
}
