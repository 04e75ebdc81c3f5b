import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../base/clock'
import { listen } from '../../net/listen'
import type { EdgeService } from './edge-service'
import { edgeForTest } from './testing-edge'

let origin: Server
let originPort = 0
let hits: string[] = []
let dir: string
let edge: EdgeService | undefined

beforeEach(async () => {
  hits = []
  dir = await mkdtemp(join(tmpdir(), 'netloom-edge-disk-'))
  origin = createServer((request, response) => {
    hits.push(request.url ?? '')
    const text = `body of ${request.url}`
    response.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=600', 'content-length': Buffer.byteLength(text) })
    response.end(text)
  })
  originPort = (await listen(origin, { host: '127.0.0.1', port: 0 }, 'origin')).port
})

afterEach(async () => {
  await edge?.stop()
  edge = undefined
  await new Promise((resolve) => origin.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

/** An edge whose memory holds about one object, over an on-disk store in the test's folder. */
async function startEdge(clock: FakeClock) {
  edge = edgeForTest({ origins: [{ id: 'web', url: `http://127.0.0.1:${originPort}` }], defaultBehavior: { origin: 'web' }, cacheBytes: 250, diskCache: { dir, maxBytes: 1_000_000 } }, { clock })
  await edge.start()
  const base = edge.endpoints()[0]!.url!
  return async (path: string) => {
    const response = await fetch(`${base}${path.slice(1)}`)
    return { status: response.status, cache: response.headers.get('x-cache'), age: response.headers.get('age'), body: await response.text() }
  }
}

describe('edge on-disk store', () => {
  it('serves an object the memory evicted from disk (Hit), and again after a restart', async () => {
    const clock = new FakeClock()
    let get = await startEdge(clock)
    expect(await get('/a')).toMatchObject({ cache: 'Miss from cloudfront', body: 'body of /a' })
    expect(await get('/b')).toMatchObject({ cache: 'Miss from cloudfront', body: 'body of /b' })
    expect(edge!.cacheEntries().entries.map((e) => e.path)).toEqual(['/b'])
    clock.advance(5_000)
    expect(await get('/a')).toMatchObject({ status: 200, cache: 'Hit from cloudfront', age: '5', body: 'body of /a' })
    expect(hits).toEqual(['/a', '/b'])

    await edge!.stop()
    expect((await readdir(dir)).length).toBe(2)
    clock.advance(5_000)
    get = await startEdge(clock)
    expect(await get('/b')).toMatchObject({ cache: 'Hit from cloudfront', age: '10', body: 'body of /b' })
    expect(await get('/a')).toMatchObject({ cache: 'Hit from cloudfront', age: '10', body: 'body of /a' })
    expect(hits).toEqual(['/a', '/b'])
    // An invalidation reaches the disk too.
    expect(edge!.invalidate(['/*'])).toBe(2)
    expect(await get('/a')).toMatchObject({ cache: 'Miss from cloudfront' })
  })
})
