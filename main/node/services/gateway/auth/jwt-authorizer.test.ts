import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT, type JWTPayload } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { JwtAuthorizer, stripBearer, tokenScopes, type JwtAuthResult } from './jwt-authorizer'
import {
  jwksOf,
  makeKey,
  signToken,
  tamperPayload,
  unsignedToken,
  type TestKey
} from './jwt-test-keys'

// 2026-11-25T10:00:00Z
const NOW = Date.UTC(2026, 10, 25, 10, 0, 0)
const NOW_S = NOW / 1000
const ISSUER = 'https://idp.lab.test/pool-1'

let dir: string
let jwksFile: string
let rsa: TestKey
let other: TestKey
const clock = new FakeClock(NOW)
let authorizer: JwtAuthorizer

function claims(extra: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: 'orders-app',
    sub: 'alice',
    iat: NOW_S - 60,
    exp: NOW_S + 3600,
    ...extra
  }
}

function denied(result: JwtAuthResult) {
  if (result.ok) throw new Error(`expected a refusal, got ${result.reason}`)
  return result
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netloom-jwt-'))
  rsa = await makeKey('k1', 'RS256')
  other = await makeKey('k-other', 'RS256')
  jwksFile = join(dir, 'jwks.json')
  await writeFile(jwksFile, JSON.stringify(jwksOf(rsa)))
  authorizer = new JwtAuthorizer(
    { issuer: ISSUER, audiences: ['orders-app', 'admin-app'], jwks: { file: jwksFile } },
    { clock }
  )
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('JwtAuthorizer: accepted tokens', () => {
  it('a valid token with a Bearer prefix, read from the Authorization header (any case)', async () => {
    const token = await signToken(rsa, claims({ scope: 'orders:read orders:write' }))
    const result = await authorizer.authorize({
      headers: { authorization: `Bearer ${token}` },
      rawQueryString: ''
    })
    expect(result).toMatchObject({ ok: true, scopes: ['orders:read', 'orders:write'] })
    if (result.ok) expect(result.claims.sub).toBe('alice')
  })

  it('a token without the prefix', async () => {
    expect((await authorizer.verifyToken(await signToken(rsa, claims()))).ok).toBe(true)
  })

  it.each(['RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'])(
    'algorithm %s',
    async (alg) => {
      const key = await makeKey(`k-${alg}`, alg)
      const file = join(dir, `jwks-${alg}.json`)
      await writeFile(file, JSON.stringify(jwksOf(key)))
      const auth = new JwtAuthorizer(
        { issuer: ISSUER, audiences: ['orders-app'], jwks: { file } },
        { clock }
      )
      expect((await auth.verifyToken(await signToken(key, claims()))).ok).toBe(true)
    }
  )

  it('client_id is the audience when the token has no aud', async () => {
    const token = await signToken(rsa, claims({ aud: undefined, client_id: 'admin-app' }))
    expect((await authorizer.verifyToken(token)).ok).toBe(true)
  })

  it('aud as an array: one match is enough', async () => {
    const token = await signToken(rsa, claims({ aud: ['elsewhere', 'admin-app'] }))
    expect((await authorizer.verifyToken(token)).ok).toBe(true)
  })

  it('nbf and iat equal to now are accepted', async () => {
    const token = await signToken(rsa, claims({ nbf: NOW_S, iat: NOW_S }))
    expect((await authorizer.verifyToken(token)).ok).toBe(true)
  })
})

describe('JwtAuthorizer: 401 Unauthorized', () => {
  it('missing token: 401 {"message":"Unauthorized"}', async () => {
    const result = denied(await authorizer.authorize({ headers: {}, rawQueryString: '' }))
    expect(result).toMatchObject({ status: 401, body: { message: 'Unauthorized' } })
    expect(result.reason).toBe('no token in $request.header.Authorization')
    expect(denied(await authorizer.verifyToken('Bearer ')).status).toBe(401)
  })

  it('garbage is not a JWT', async () => {
    const result = denied(await authorizer.verifyToken('Bearer not-a-jwt'))
    expect(result.status).toBe(401)
    expect(result.reason).toMatch(/not a JWT/)
  })

  it('expired: exp == now is already expired; the reason names the time', async () => {
    const result = denied(
      await authorizer.verifyToken(await signToken(rsa, claims({ exp: NOW_S })))
    )
    expect(result).toMatchObject({ status: 401, reason: 'token expired at 2026-11-25T10:00:00Z' })
    expect(result.wwwAuthenticate).toBe(
      'Bearer scope="" error="invalid_token" error_description="the token has expired"'
    )
  })

  it('no exp at all', async () => {
    const result = denied(
      await authorizer.verifyToken(await signToken(rsa, claims({ exp: undefined })))
    )
    expect(result.reason).toBe('the token has no exp claim')
  })

  it('nbf in the future', async () => {
    const result = denied(
      await authorizer.verifyToken(await signToken(rsa, claims({ nbf: NOW_S + 1 })))
    )
    expect(result.reason).toBe('token not valid before 2026-11-25T10:00:01Z')
  })

  it('iat in the future', async () => {
    const result = denied(
      await authorizer.verifyToken(await signToken(rsa, claims({ iat: NOW_S + 120 })))
    )
    expect(result.reason).toBe('token issued in the future, at 2026-11-25T10:02:00Z')
  })

  it('the token becomes valid when the clock reaches nbf', async () => {
    const token = await signToken(rsa, claims({ nbf: NOW_S + 10, iat: NOW_S }))
    const later = new FakeClock(NOW + 10_000)
    const auth = new JwtAuthorizer(
      { issuer: ISSUER, audiences: ['orders-app'], jwks: { file: jwksFile } },
      { clock: later }
    )
    expect((await auth.verifyToken(token)).ok).toBe(true)
  })

  it('nbf or iat that is not a number, and an exp far in the past, do not break the reason', async () => {
    const nbf = denied(
      await authorizer.verifyToken(await signToken(rsa, claims({ nbf: 'soon' as never })))
    )
    expect(nbf.reason).toBe("the token's nbf claim is not a number")
    const iat = denied(
      await authorizer.verifyToken(await signToken(rsa, claims({ iat: 'x' as never })))
    )
    expect(iat.reason).toBe("the token's iat claim is not a number")
    const old = denied(await authorizer.verifyToken(await signToken(rsa, claims({ exp: -1e20 }))))
    expect(old.reason).toBe('token expired at -100000000000000000000 (seconds)')
  })

  it('wrong issuer', async () => {
    const result = denied(
      await authorizer.verifyToken(await signToken(rsa, claims({ iss: 'https://evil.test' })))
    )
    expect(result.reason).toBe(`issuer "https://evil.test" is not the configured "${ISSUER}"`)
  })

  it('wrong audience: the www-authenticate description AWS documents', async () => {
    const result = denied(
      await authorizer.verifyToken(await signToken(rsa, claims({ aud: 'billing-app' })))
    )
    expect(result.wwwAuthenticate).toBe(
      'Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"'
    )
    expect(result.reason).toMatch(/audience "billing-app" is not one of/)
  })

  it('aud present and wrong: a matching client_id does not rescue it (AWS evaluates aud when both are present)', async () => {
    const token = await signToken(rsa, claims({ aud: 'billing-app', client_id: 'orders-app' }))
    expect(denied(await authorizer.verifyToken(token)).status).toBe(401)
  })

  it('neither aud nor client_id', async () => {
    const result = denied(
      await authorizer.verifyToken(await signToken(rsa, claims({ aud: undefined })))
    )
    expect(result.reason).toBe('the token has neither aud nor client_id')
  })

  it('wrong client_id', async () => {
    const token = await signToken(rsa, claims({ aud: undefined, client_id: 'x' }))
    expect(denied(await authorizer.verifyToken(token)).reason).toMatch(/client_id "x"/)
  })

  it('checks in AWS order: a bad issuer is reported before expiry', async () => {
    const token = await signToken(rsa, claims({ iss: 'https://evil.test', exp: NOW_S - 10 }))
    expect(denied(await authorizer.verifyToken(token)).reason).toMatch(/^issuer/)
  })

  it('alg none is refused', async () => {
    const result = denied(await authorizer.verifyToken(unsignedToken(claims(), 'k1')))
    expect(result.reason).toMatch(/algorithm none is refused/)
  })

  it('HS256 is refused, even signed with the public key material (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(rsa.publicJwk))
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(secret)
    expect(denied(await authorizer.verifyToken(token)).reason).toMatch(/algorithm HS256 is refused/)
  })

  it('a kid not in the JWKS', async () => {
    const token = await signToken(other, claims())
    expect(denied(await authorizer.verifyToken(token)).reason).toBe(
      `no key with kid "k-other" in the JWKS file ${jwksFile}`
    )
  })

  it('no kid in the header', async () => {
    const token = await signToken(rsa, claims(), null)
    expect(denied(await authorizer.verifyToken(token)).reason).toBe('the token header has no kid')
  })

  it('signed by another key under a known kid', async () => {
    const token = await signToken(other, claims(), 'k1')
    expect(denied(await authorizer.verifyToken(token)).reason).toMatch(
      /^signature does not verify with key "k1"/
    )
  })

  it('tampered payload (signature kept)', async () => {
    const token = tamperPayload(await signToken(rsa, claims()), claims({ sub: 'mallory' }))
    expect(denied(await authorizer.verifyToken(token)).reason).toMatch(/^signature does not verify/)
  })

  it('JWKS unreadable', async () => {
    const auth = new JwtAuthorizer(
      { issuer: ISSUER, audiences: ['orders-app'], jwks: { file: join(dir, 'missing.json') } },
      { clock }
    )
    expect(denied(await auth.verifyToken(await signToken(rsa, claims()))).reason).toMatch(
      /^signing keys unavailable/
    )
  })
})

describe('JwtAuthorizer: route scopes (403 Forbidden)', () => {
  it.each([
    ['scope string', { scope: 'orders:read profile' }],
    ['scp array', { scp: ['orders:read', 'profile'] }],
    ['scp string', { scp: 'profile orders:read' }]
  ])('%s containing one of the route scopes passes', async (_label, extra) => {
    const result = await authorizer.verifyToken(await signToken(rsa, claims(extra)), [
      'orders:write',
      'orders:read'
    ])
    expect(result.ok).toBe(true)
  })

  it('none of the route scopes: 403 {"message":"Forbidden"}', async () => {
    const result = denied(
      await authorizer.verifyToken(await signToken(rsa, claims({ scope: 'profile' })), [
        'orders:read'
      ])
    )
    expect(result).toMatchObject({ status: 403, body: { message: 'Forbidden' } })
    expect(result.reason).toBe("token scopes [profile] include none of the route's [orders:read]")
    expect(result.wwwAuthenticate).toBeUndefined()
  })

  it('no scopes in the token and a route that requires some', async () => {
    expect(denied(await authorizer.verifyToken(await signToken(rsa, claims()), ['a'])).status).toBe(
      403
    )
  })

  it('a route without scopes accepts any valid token', async () => {
    expect((await authorizer.verifyToken(await signToken(rsa, claims()), [])).ok).toBe(true)
  })
})

describe('JwtAuthorizer: JWKS file changes', () => {
  it('a key added to the file is picked up after the file changes', async () => {
    const file = join(dir, 'rotating.json')
    await writeFile(file, JSON.stringify(jwksOf(rsa)))
    await utimes(file, 1_000, 1_000)
    const auth = new JwtAuthorizer(
      { issuer: ISSUER, audiences: ['orders-app'], jwks: { file } },
      { clock }
    )
    const token = await signToken(other, claims())
    expect((await auth.verifyToken(token)).ok).toBe(false)
    await writeFile(file, JSON.stringify(jwksOf(rsa, other)))
    await utimes(file, 2_000, 2_000)
    clock.advance(1_000)
    expect((await auth.verifyToken(token)).ok).toBe(true)
    expect(auth.jwks.loads).toBe(2)
  })
})

describe('config and helpers', () => {
  it('refuses no audiences, more than 50, or a relative JWKS path', () => {
    const base = { issuer: ISSUER, jwks: { file: '/x.json' } }
    expect(() => new JwtAuthorizer({ ...base, audiences: [] }, { clock })).toThrow(
      /1 to 50 audiences/
    )
    const many = Array.from({ length: 51 }, (_, i) => `a${i}`)
    expect(() => new JwtAuthorizer({ ...base, audiences: many }, { clock })).toThrow(/1 to 50/)
    expect(
      () =>
        new JwtAuthorizer(
          { issuer: ISSUER, audiences: ['a'], jwks: { file: 'keys.json' } },
          { clock }
        )
    ).toThrow(/absolute/)
  })

  it('stripBearer and tokenScopes', () => {
    expect(stripBearer('Bearer abc')).toBe('abc')
    expect(stripBearer('bearer   abc ')).toBe('abc')
    expect(stripBearer('abc')).toBe('abc')
    expect(tokenScopes({ scope: 'a  b', scp: ['b', 'c', 3] })).toEqual(['a', 'b', 'c'])
  })
})

describe('JwtAuthorizer: JWKS by URL (local server on 127.0.0.1:0)', () => {
  let server: Server
  let base: string
  let fetches = 0

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/jwks') {
        fetches++
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(jwksOf(rsa)))
      } else if (req.url === '/huge') {
        res.writeHead(200)
        res.end(JSON.stringify({ keys: [rsa.publicJwk], pad: 'x'.repeat(200_000) }))
      }
      // '/slow' never answers
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const byUrl = (path: string, timeoutMs?: number) =>
    new JwtAuthorizer(
      { issuer: ISSUER, audiences: ['orders-app'], jwks: { url: `${base}${path}` } },
      { clock, ...(timeoutMs ? { timeoutMs } : {}) }
    )

  it('verifies against fetched keys and fetches once for many tokens', async () => {
    const auth = byUrl('/jwks')
    fetches = 0
    for (let i = 0; i < 3; i++) {
      expect((await auth.verifyToken(await signToken(rsa, claims({ jti: `t${i}` })))).ok).toBe(true)
    }
    expect(fetches).toBe(1)
  })

  it('a JWKS over 150,000 bytes: 401 with the reason', async () => {
    const result = denied(await byUrl('/huge').verifyToken(await signToken(rsa, claims())))
    expect(result.status).toBe(401)
    expect(result.reason).toMatch(/^signing keys unavailable: .*150000-byte limit/)
  })

  it('a JWKS that does not answer in time: 401 with the reason', async () => {
    const result = denied(await byUrl('/slow', 200).verifyToken(await signToken(rsa, claims())))
    expect(result.reason).toMatch(/did not answer within 200 ms/)
  })
})
