import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { JWKS_FETCH_TIMEOUT_MS, JWKS_MAX_BYTES, JwksSource, parseJwks } from './jwks-source'

const KEY_A = { kty: 'RSA', kid: 'a', n: 'xx', e: 'AQAB' }
const KEY_B = { kty: 'RSA', kid: 'b', n: 'yy', e: 'AQAB' }

describe('parseJwks', () => {
  it.each([
    ['not json', '{'],
    ['no keys', '{}'],
    ['keys not objects', '{"keys":[1]}'],
    ['no kty', '{"keys":[{}]}']
  ])('refuses %s', (_label, text) => {
    expect(() => parseJwks(text, 'test')).toThrow(/test/)
  })
})

describe('JwksSource: file', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netloom-jwks-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads once while the file is unchanged, again when its mtime changes', async () => {
    const file = join(dir, 'keys.json')
    await writeFile(file, JSON.stringify({ keys: [KEY_A] }))
    await utimes(file, 1_000, 1_000)
    const clock = new FakeClock()
    const source = new JwksSource({ file }, { clock })
    expect((await source.keySet()).keys.map((k) => k.kid)).toEqual(['a'])
    clock.advance(1_000)
    expect((await source.keySet()).keys.map((k) => k.kid)).toEqual(['a'])
    expect(source.loads).toBe(1)

    await writeFile(file, JSON.stringify({ keys: [KEY_B] }))
    await utimes(file, 2_000, 2_000)
    // Looked at no more than once a second.
    expect((await source.keySet()).keys.map((k) => k.kid)).toEqual(['a'])
    clock.advance(1_000)
    expect((await source.keySet()).keys.map((k) => k.kid)).toEqual(['b'])
    expect(source.loads).toBe(2)
  })

  it('a missing file is a LAB_ERR_FILE_IO', async () => {
    const source = new JwksSource({ file: join(dir, 'nope.json') }, { clock: new FakeClock() })
    await expect(source.keySet()).rejects.toMatchObject({ code: 'LAB_ERR_FILE_IO' })
  })
})

describe('JwksSource: URL (local server on 127.0.0.1:0)', () => {
  let server: Server
  let base: string
  let served = 0
  let current = { keys: [KEY_A] }

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/jwks') {
        served++
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(current))
      } else if (req.url === '/big-declared') {
        res.writeHead(200, { 'content-length': String(JWKS_MAX_BYTES + 1) })
        res.end('x'.repeat(JWKS_MAX_BYTES + 1))
      } else if (req.url === '/big-chunked') {
        // No content-length: the limit must be enforced while reading.
        res.writeHead(200, { 'content-type': 'application/json' })
        const chunk = ' '.repeat(10_000)
        for (let i = 0; i < 16; i++) res.write(chunk)
        res.end('{"keys":[]}')
      } else if (req.url === '/exact-limit') {
        const body = JSON.stringify({ keys: [KEY_A] })
        res.writeHead(200)
        res.end(body + ' '.repeat(JWKS_MAX_BYTES - Buffer.byteLength(body)))
      } else if (req.url === '/slow') {
        // Never answers: the 1,500 ms timeout must fire.
      } else {
        res.writeHead(404)
        res.end()
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('fetches once, then serves from cache until the TTL passes', async () => {
    const clock = new FakeClock()
    served = 0
    const source = new JwksSource({ url: `${base}/jwks` }, { clock, cacheTtlMs: 60_000 })
    await source.keySet('a')
    await source.keySet('a')
    expect(served).toBe(1)
    clock.advance(60_000)
    await source.keySet('a')
    expect(served).toBe(2)
  })

  it('an unknown kid refetches (key rotation), but not more than once per cooldown', async () => {
    const clock = new FakeClock()
    served = 0
    current = { keys: [KEY_A] }
    const source = new JwksSource({ url: `${base}/jwks` }, { clock, refetchCooldownMs: 30_000 })
    await source.keySet('a')
    current = { keys: [KEY_A, KEY_B] }
    expect((await source.keySet('b')).keys.map((k) => k.kid)).toEqual(['a']) // within cooldown
    expect(served).toBe(1)
    clock.advance(30_000)
    expect((await source.keySet('b')).keys.map((k) => k.kid)).toEqual(['a', 'b'])
    expect(served).toBe(2)
    current = { keys: [KEY_A] }
  })

  it(`refuses a body over ${JWKS_MAX_BYTES} bytes, declared or streamed`, async () => {
    const clock = new FakeClock()
    for (const path of ['/big-declared', '/big-chunked']) {
      const source = new JwksSource({ url: `${base}${path}` }, { clock })
      await expect(source.keySet()).rejects.toThrow(/150000-byte limit/)
    }
  })

  it('accepts a body of exactly the limit', async () => {
    const source = new JwksSource({ url: `${base}/exact-limit` }, { clock: new FakeClock() })
    expect((await source.keySet()).keys).toHaveLength(1)
  })

  it(`gives up after ${JWKS_FETCH_TIMEOUT_MS} ms`, async () => {
    const source = new JwksSource({ url: `${base}/slow` }, { clock: new FakeClock() })
    const started = Date.now()
    await expect(source.keySet()).rejects.toThrow(/did not answer within 1500 ms/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(JWKS_FETCH_TIMEOUT_MS - 50)
  })

  it('a non-200 answer is an error', async () => {
    const source = new JwksSource({ url: `${base}/missing` }, { clock: new FakeClock() })
    await expect(source.keySet()).rejects.toThrow(/HTTP 404/)
  })
})
