import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { makeCachePolicy } from './cache-policies'
import { CacheStore } from './cache-store'
import type { CachedRequest, CachedResponse, HeaderMap } from './cache-types'
import { DiskTier, fileName } from './disk-tier'

const policy = makeCachePolicy({ name: 'test', minTtl: 0, key: { queryStrings: { behavior: 'all' } } })
const get = (url: string, headers: HeaderMap = {}): CachedRequest => ({ method: 'GET', url, headers: { host: 'd1.cloudfront.net', ...headers } })
const body = (text: string) => new TextEncoder().encode(text)
function res(clock: FakeClock, text: string, headers: HeaderMap = { 'cache-control': 'max-age=600' }): CachedResponse {
  return { status: 200, headers, body: body(text), requestTime: clock.now(), responseTime: clock.now() }
}
/** The id of a variant without Vary. */
const id = (path: string) => `d1.cloudfront.net${path}\n[]`
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

let dir: string
let warnings: string[]
let opened: DiskTier[]
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netloom-disk-'))
  warnings = []
  opened = []
})
afterEach(async () => {
  // Writes run in the background: let them land before the folder goes.
  await Promise.all(opened.map((disk) => disk.flush()))
  await rm(dir, { recursive: true, force: true })
})

/** A memory tier that holds about one 1,000-byte object, over a disk tier of `diskBytes`. */
async function setup(clock = new FakeClock(), diskBytes = 100_000) {
  const disk = await DiskTier.open(dir, diskBytes, (m) => warnings.push(m), () => clock.now())
  opened.push(disk)
  const store = new CacheStore({ maxBytes: 1_500, policy })
  store.attachDisk(disk)
  return { clock, store, disk }
}
const big = (c: string) => c.repeat(1_000)

describe('DiskTier under CacheStore', () => {
  it('writes what the memory LRU evicts to disk instead of dropping it', async () => {
    const { clock, store, disk } = await setup()
    store.store(get('/a'), res(clock, big('a')))
    store.store(get('/b'), res(clock, big('b')))
    expect(store.stats()).toMatchObject({ objects: 1, evictions: 1 })
    expect(disk.size).toBe(1)
    await disk.flush()
    const files = await readdir(dir)
    expect(files).toEqual([fileName(id('/a'))])
    // The key text never reaches the file system; the body is in the file.
    expect((await readFile(join(dir, files[0]!))).includes(Buffer.from(big('a')))).toBe(true)
  })

  it('promotes a variant found on disk back into memory on lookup, with its metadata', async () => {
    const { clock, store, disk } = await setup()
    store.store(get('/a'), res(clock, big('a'), { 'cache-control': 'max-age=600', etag: '"1"' }), clock.now())
    store.store(get('/b'), res(clock, big('b')))
    await disk.flush()
    clock.advance(30_000)
    const first = store.lookup(get('/a'), clock.now())
    expect(first).toMatchObject({ status: 'miss', onDisk: true })
    const found = await store.promote(get('/a'), clock.now())
    expect(found).toMatchObject({ status: 'fresh', ageSec: 30 })
    if (found.status === 'miss') throw new Error('unreachable')
    expect(text(found.entry.body)).toBe(big('a'))
    expect(found.entry).toMatchObject({ status: 200, lifetimeSec: 600, source: 'max-age' })
    expect(found.entry.headers['etag']).toBe('"1"')
    // Now in memory: a plain lookup hits without the disk, and /b went to disk in its place.
    expect(store.lookup(get('/a'), clock.now()).status).toBe('fresh')
    expect(store.stats()).toMatchObject({ diskHits: 1, objects: 1 })
    expect(disk.get(id('/b'))).toBeDefined()
  })

  it('keeps its own LRU byte budget, least recently used out first', async () => {
    const { clock, store, disk } = await setup(new FakeClock(), 3_000)
    for (const name of ['a', 'b', 'c']) store.store(get(`/${name}`), res(clock, big(name)))
    // a and b are on disk (about 1,250 bytes each, two fit); reading a makes b the least recently
    // used, so when c comes down from memory in a's place, b goes.
    expect(disk.records().map((r) => r.path)).toEqual(['/a', '/b'])
    await store.promote(get('/a'), clock.now())
    expect(disk.records().map((r) => r.path)).toEqual(['/a', '/c'])
    expect(disk.bytes).toBeLessThanOrEqual(3_000)
    await disk.flush()
    expect((await readdir(dir)).sort()).toEqual([fileName(id('/a')), fileName(id('/c'))].sort())
  })

  it('survives a restart: a new store on the same folder finds the entries, in their order', async () => {
    const clock = new FakeClock()
    const first = await setup(clock)
    for (const name of ['a', 'b', 'c']) first.store.store(get(`/${name}`), res(clock, big(name)))
    await first.disk.flush()
    // Reading a makes it more recent than b; c comes down from memory after it.
    await first.store.promote(get('/a'), clock.now())
    await first.disk.flush()
    clock.advance(10_000)
    const disk = await DiskTier.open(dir, 100_000, (m) => warnings.push(m), () => clock.now())
    expect(disk.records().map((r) => r.path)).toEqual(['/b', '/a', '/c'])
    const store = new CacheStore({ maxBytes: 1_500, policy })
    store.attachDisk(disk)
    const found = await store.promote(get('/b'), clock.now())
    expect(found).toMatchObject({ status: 'fresh', ageSec: 10 })
    expect(warnings).toEqual([])
  })

  it('invalidation, removeUri, evict and clear reach both tiers', async () => {
    const { clock, store, disk } = await setup()
    for (const name of ['x/1', 'x/2', 'y']) store.store(get(`/${name}`), res(clock, big('z')))
    expect(disk.size).toBe(2)
    expect(store.invalidate('/x/*')).toBe(2)
    expect(disk.size).toBe(0)
    expect(store.lookup(get('/x/1'), clock.now()).status).toBe('miss')
    store.store(get('/u'), res(clock, big('u')))
    expect(store.removeUri('/y')).toBe(1)
    store.store(get('/v'), res(clock, big('v')))
    expect(store.evict(id('/u'))).toBe(true)
    expect(disk.size).toBe(0)
    store.store(get('/w'), res(clock, big('w')))
    store.clear()
    expect(disk.size).toBe(0)
    await disk.flush()
    expect(await readdir(dir)).toEqual([])
  })

  it('a newer response for a variant drops its outdated disk copy', async () => {
    const { clock, store, disk } = await setup()
    store.store(get('/a'), res(clock, big('a')))
    store.store(get('/b'), res(clock, big('b')))
    expect(disk.get(id('/a'))).toBeDefined()
    store.store(get('/a'), res(clock, big('A')))
    expect(disk.get(id('/a'))).toBeUndefined()
  })

  it('an invalidation during a disk read does not bring the object back', async () => {
    const { clock, store, disk } = await setup()
    store.store(get('/a'), res(clock, big('a')))
    store.store(get('/b'), res(clock, big('b')))
    await disk.flush()
    const reading = store.promote(get('/a'), clock.now())
    store.invalidate('/a')
    expect(await reading).toMatchObject({ status: 'miss' })
    expect(store.lookup(get('/a'), clock.now()).status).toBe('miss')
  })

  it('skips damaged and foreign files with a warning naming them, and leaves them alone', async () => {
    const clock = new FakeClock()
    const first = await setup(clock)
    first.store.store(get('/a'), res(clock, big('a')))
    first.store.store(get('/b'), res(clock, big('b')))
    first.store.store(get('/c'), res(clock, big('c')))
    await first.disk.flush()
    const damaged = join(dir, fileName(id('/a')))
    await writeFile(damaged, 'NLC1\0\0\0\x05{"ke')
    const foreign = join(dir, 'notes.txt')
    await writeFile(foreign, 'mine')
    const renamed = join(dir, 'f'.repeat(64) + '.entry')
    await writeFile(renamed, await readFile(join(dir, fileName(id('/b')))))
    const disk = await DiskTier.open(dir, 100_000, (m) => warnings.push(m), () => clock.now())
    expect(disk.records().map((r) => r.path)).toEqual(['/b'])
    expect(warnings).toHaveLength(3)
    expect(warnings.some((w) => w.includes(damaged))).toBe(true)
    expect(warnings.some((w) => w.includes(foreign))).toBe(true)
    expect(warnings.some((w) => w.includes(renamed) && w.includes('hash'))).toBe(true)
    expect(await readFile(foreign, 'utf8')).toBe('mine')
    expect((await readdir(dir)).length).toBe(4)
  })

  it('a file damaged after start is dropped on read with a warning, and the lookup misses', async () => {
    const { clock, store, disk } = await setup()
    store.store(get('/a'), res(clock, big('a')))
    store.store(get('/b'), res(clock, big('b')))
    await disk.flush()
    await writeFile(join(dir, fileName(id('/a'))), 'garbage')
    expect(await store.promote(get('/a'), clock.now())).toMatchObject({ status: 'miss' })
    expect(disk.size).toBe(0)
    expect(warnings[0]).toContain(fileName(id('/a')))
  })

  it('without a disk tier nothing is written and lookups never say onDisk', async () => {
    const clock = new FakeClock()
    const store = new CacheStore({ maxBytes: 1_500, policy })
    store.store(get('/a'), res(clock, big('a')))
    store.store(get('/b'), res(clock, big('b')))
    expect(store.lookup(get('/a'), clock.now())).toEqual({ status: 'miss', key: 'd1.cloudfront.net/a' })
    expect(await readdir(dir)).toEqual([])
  })
})
