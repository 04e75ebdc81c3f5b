import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import { readCookie, SessionAuth, type SessionAuthConfig } from './session-auth'

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0)
const SECRET = 'lab-secret-0123456789abcdef'

const users: SessionAuthConfig['users'] = [
  { username: 'alice', password: 'wonderland', claims: { role: 'admin' } },
  { username: 'bob', password: 'builder' }
]

function setup(config: Partial<SessionAuthConfig> = {}) {
  const clock = new FakeClock(NOW)
  return { clock, auth: new SessionAuth({ users, secret: SECRET, ...config }, { clock }) }
}

/** The `name=value` part of a Set-Cookie, as a browser would send it back. */
function cookieOf(setCookie: string): string {
  return setCookie.split(';')[0]!
}

function login(auth: SessionAuth, username = 'alice', password = 'wonderland'): string {
  const result = auth.login(username, password)
  if (!result.ok) throw new Error(result.reason)
  return result.setCookie
}

describe('SessionAuth.login', () => {
  it('issues an HttpOnly, SameSite=Lax, Path=/ cookie, not Secure by default', () => {
    const { auth } = setup()
    const result = auth.login('alice', 'wonderland')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.session).toEqual({
      sub: 'alice',
      iat: NOW / 1000,
      exp: NOW / 1000 + 3600,
      claims: { role: 'admin' }
    })
    expect(result.setCookie).toMatch(
      /^netloom_session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600$/
    )
  })

  it('Secure when configured; cookie name and TTL configurable', () => {
    const { auth } = setup({ secure: true, cookieName: 'sid', ttlSeconds: 60 })
    expect(login(auth)).toMatch(/^sid=.*; Max-Age=60; Secure$/)
  })

  it('refuses a wrong password and an unknown user, with a reason for the log', () => {
    const { auth } = setup()
    expect(auth.login('alice', 'nope')).toEqual({
      ok: false,
      reason: 'login refused: wrong password for "alice"'
    })
    expect(auth.login('carol', 'x')).toEqual({
      ok: false,
      reason: 'login refused: no user "carol"'
    })
    expect(auth.login('alice', '')).toMatchObject({ ok: false })
  })
})

describe('SessionAuth.verify: round trip', () => {
  it('accepts the cookie it issued, among other cookies', () => {
    const { auth } = setup()
    const cookie = cookieOf(login(auth))
    const result = auth.verify(`theme=dark; ${cookie}; other=1`)
    expect(result).toMatchObject({ ok: true, session: { sub: 'alice', claims: { role: 'admin' } } })
  })

  it('a configured secret survives a restart; a random one does not', () => {
    const { auth, clock } = setup()
    const cookie = cookieOf(login(auth))
    expect(new SessionAuth({ users, secret: SECRET }, { clock }).verify(cookie).ok).toBe(true)
    const random1 = new SessionAuth({ users }, { clock })
    const random2 = new SessionAuth({ users }, { clock })
    expect(random2.verify(cookieOf(login(random1))).ok).toBe(false)
  })

  it('the random secret comes from the injected source', () => {
    const clock = new FakeClock(NOW)
    const fixed = () => Buffer.alloc(32, 7)
    const a = new SessionAuth({ users }, { clock, randomBytes: fixed })
    const b = new SessionAuth({ users }, { clock, randomBytes: fixed })
    expect(b.verify(cookieOf(login(a))).ok).toBe(true)
  })
})

describe('SessionAuth.verify: refusals', () => {
  it('no header, no cookie, empty cookie', () => {
    const { auth } = setup()
    expect(auth.verify(undefined)).toEqual({ ok: false, reason: 'no Cookie header' })
    expect(auth.verify('theme=dark')).toEqual({ ok: false, reason: 'no netloom_session cookie' })
    expect(auth.verify('netloom_session=')).toEqual({
      ok: false,
      reason: 'no netloom_session cookie'
    })
  })

  it('expires on the injected clock: valid until exp, refused at exp', () => {
    const { auth, clock } = setup()
    const cookie = cookieOf(login(auth))
    clock.advance(3_599_999)
    expect(auth.verify(cookie).ok).toBe(true)
    clock.advance(1)
    expect(auth.verify(cookie)).toEqual({
      ok: false,
      reason: 'session expired at 2026-11-25T11:00:00Z'
    })
  })

  it('a tampered payload (role raised) is refused', () => {
    const { auth } = setup()
    const [name, value] = cookieOf(login(auth, 'bob', 'builder')).split('=') as [string, string]
    const [, signature] = value.split('.')
    const forged = Buffer.from(
      JSON.stringify({
        sub: 'bob',
        iat: NOW / 1000,
        exp: NOW / 1000 + 3600,
        claims: { role: 'admin' }
      })
    ).toString('base64url')
    const result = auth.verify(`${name}=${forged}.${signature}`)
    expect(result).toEqual({
      ok: false,
      reason: 'session signature does not match (tampered, or signed with another secret)'
    })
  })

  it('a cookie forged with another secret is refused', () => {
    const { auth } = setup()
    const payload = Buffer.from(
      JSON.stringify({ sub: 'alice', iat: NOW / 1000, exp: NOW / 1000 + 3600, claims: {} })
    ).toString('base64url')
    const signature = createHmac('sha256', 'some-other-secret-value')
      .update(payload)
      .digest('base64url')
    expect(auth.verify(`netloom_session=${payload}.${signature}`).ok).toBe(false)
  })

  it('any changed signature character, even a padding bit, or a truncated signature is refused', () => {
    const { auth } = setup()
    const cookie = cookieOf(login(auth))
    const signatureStart = cookie.indexOf('.') + 1
    for (let i = signatureStart; i < cookie.length; i++) {
      const swapped = cookie[i] === 'A' ? 'B' : 'A'
      expect(auth.verify(cookie.slice(0, i) + swapped + cookie.slice(i + 1)).ok).toBe(false)
    }
    expect(auth.verify(cookie.slice(0, -5)).ok).toBe(false)
  })

  it.each(['abc', 'a.b.c', 'a b.c', '.sig'])('malformed value %s', (value) => {
    const { auth } = setup()
    expect(auth.verify(`netloom_session=${value}`).ok).toBe(false)
  })

  it('a correctly signed but incomplete payload is refused', () => {
    const { auth } = setup()
    const payload = Buffer.from(JSON.stringify({ sub: 'alice' })).toString('base64url')
    const signature = createHmac('sha256', SECRET).update(payload).digest('base64url')
    expect(auth.verify(`netloom_session=${payload}.${signature}`)).toEqual({
      ok: false,
      reason: 'session payload lacks sub, iat, exp or claims'
    })
  })

  it('a session of a user removed from the lab file is refused', () => {
    const { auth, clock } = setup()
    const cookie = cookieOf(login(auth, 'bob', 'builder'))
    const without = new SessionAuth({ users: users.slice(0, 1), secret: SECRET }, { clock })
    expect(without.verify(cookie)).toEqual({
      ok: false,
      reason: 'user "bob" is no longer configured'
    })
  })
})

describe('logout', () => {
  it('clears the cookie with Max-Age=0 and the same attributes', () => {
    expect(setup().auth.logout()).toBe(
      'netloom_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0'
    )
    expect(setup({ secure: true }).auth.logout()).toMatch(/Max-Age=0; Secure$/)
  })
})

describe('configuration', () => {
  it('refuses a short secret, duplicate users, empty passwords, bad cookie names, bad TTLs', () => {
    const clock = new FakeClock()
    expect(() => new SessionAuth({ users, secret: 'short' }, { clock })).toThrow(
      /at least 16 bytes/
    )
    expect(() => new SessionAuth({ users: [...users, users[0]!] }, { clock })).toThrow(
      /listed twice/
    )
    expect(() => new SessionAuth({ users: [{ username: 'x', password: '' }] }, { clock })).toThrow(
      /password/
    )
    expect(() => new SessionAuth({ users, cookieName: 'a b' }, { clock })).toThrow(/cookie name/)
    expect(() => new SessionAuth({ users, ttlSeconds: 0 }, { clock })).toThrow(/TTL/)
  })

  it('readCookie takes the first cookie of that name', () => {
    expect(readCookie('a=1; b=2; a=3', 'a')).toBe('1')
    expect(readCookie('ab=1', 'a')).toBeUndefined()
  })
})
