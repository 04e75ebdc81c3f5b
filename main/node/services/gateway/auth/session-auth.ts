/**
 * Netloom's built-in session authorizer. AWS has no cookie sessions in API Gateway (reference §0: you
 * build them with a Lambda REQUEST authorizer reading the `Cookie` header); Netloom ships one ready so a
 * lab can put a login in front of an API without writing a function.
 *
 * - Login checks a user list from the lab file. Passwords are compared as SHA-256 digests with
 *   `timingSafeEqual`, so the comparison takes the same time whatever the input, and an unknown user
 *   costs the same as a wrong password.
 * - The session cookie is `base64url(JSON payload) "." base64url(HMAC-SHA256(secret, first part))`,
 *   payload `{ sub, iat, exp, claims }` (seconds), with `HttpOnly; SameSite=Lax; Path=/`. `Secure` is
 *   off by default because lab listeners are plain http on loopback, where browsers would drop it.
 * - The secret is per gateway: random at start (sessions end when the gateway restarts) unless the lab
 *   sets one.
 * - `reason` sentences are for the lab's request log, not for the client.
 */
import {
  createHash,
  createHmac,
  randomBytes as nodeRandomBytes,
  timingSafeEqual
} from 'node:crypto'
import { LabError } from '../../../../common/errors/lab-error'
import type { Clock } from '../../../base/clock'

export const DEFAULT_SESSION_COOKIE = 'netloom_session'
export const DEFAULT_SESSION_TTL_SECONDS = 3_600
/** A configured secret shorter than this is refused: HMAC-SHA256 keys should carry ≥ 128 bits. */
export const MIN_SECRET_BYTES = 16

export interface SessionUser {
  username: string
  /** As written in the lab file (a lab, not a production user store). */
  password: string
  /** Copied into the session, e.g. `{ role: 'admin' }`. */
  claims?: Record<string, unknown>
}

export interface SessionAuthConfig {
  users: SessionUser[]
  /** HMAC key; random per gateway start unless set. */
  secret?: string
  cookieName?: string
  ttlSeconds?: number
  /** Adds `Secure` to the cookie; off by default (lab listeners are http on loopback). */
  secure?: boolean
}

export interface Session {
  sub: string
  /** Seconds since the epoch. */
  iat: number
  exp: number
  claims: Record<string, unknown>
}

export type LoginResult =
  { ok: true; session: Session; setCookie: string } | { ok: false; reason: string }
export type VerifyResult = { ok: true; session: Session } | { ok: false; reason: string }

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
}

/** The first cookie called `name` in a `Cookie` header (RFC 6265 §5.4 puts the most specific path first). */
export function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export class SessionAuth {
  readonly cookieName: string
  readonly ttlSeconds: number
  private readonly secret: Buffer
  private readonly users = new Map<string, { digest: Buffer; claims: Record<string, unknown> }>()
  /** Compared against when the user is unknown, so that path costs the same. */
  private readonly decoy = sha256('netloom-decoy')

  constructor(
    private readonly config: SessionAuthConfig,
    private readonly deps: { clock: Clock; randomBytes?: (size: number) => Buffer }
  ) {
    this.cookieName = config.cookieName ?? DEFAULT_SESSION_COOKIE
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(this.cookieName)) {
      throw new LabError(
        'LAB_ERR_CONFIG_INVALID',
        `"${this.cookieName}" is not a valid cookie name`
      )
    }
    this.ttlSeconds = config.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds <= 0) {
      throw new LabError(
        'LAB_ERR_CONFIG_INVALID',
        `Session TTL must be a positive whole number of seconds (got ${this.ttlSeconds})`
      )
    }
    if (config.secret !== undefined && Buffer.byteLength(config.secret) < MIN_SECRET_BYTES) {
      throw new LabError(
        'LAB_ERR_CONFIG_INVALID',
        `The session secret must be at least ${MIN_SECRET_BYTES} bytes`
      )
    }
    this.secret =
      config.secret !== undefined
        ? Buffer.from(config.secret, 'utf8')
        : (deps.randomBytes ?? nodeRandomBytes)(32)
    for (const user of config.users) {
      if (user.username === '' || user.password === '') {
        throw new LabError('LAB_ERR_CONFIG_INVALID', 'Session users need a username and a password')
      }
      if (this.users.has(user.username)) {
        throw new LabError(
          'LAB_ERR_CONFIG_INVALID',
          `Session user "${user.username}" is listed twice`
        )
      }
      this.users.set(user.username, { digest: sha256(user.password), claims: user.claims ?? {} })
    }
  }

  /** Checks credentials; on success returns the session and its `Set-Cookie` value. */
  login(username: string, password: string): LoginResult {
    const user = this.users.get(username)
    const matches = timingSafeEqual(sha256(password), user?.digest ?? this.decoy)
    if (!user) return { ok: false, reason: `login refused: no user "${username}"` }
    if (!matches) return { ok: false, reason: `login refused: wrong password for "${username}"` }
    const iat = Math.floor(this.deps.clock.now() / 1000)
    const session: Session = { sub: username, iat, exp: iat + this.ttlSeconds, claims: user.claims }
    return { ok: true, session, setCookie: this.cookie(this.encode(session), this.ttlSeconds) }
  }

  /** A `Set-Cookie` value that removes the session cookie. */
  logout(): string {
    return this.cookie('', 0)
  }

  /** Checks the session cookie in a request's `Cookie` header. */
  verify(cookieHeader: string | undefined): VerifyResult {
    if (cookieHeader === undefined || cookieHeader.trim() === '')
      return { ok: false, reason: 'no Cookie header' }
    const value = readCookie(cookieHeader, this.cookieName)
    if (value === undefined || value === '')
      return { ok: false, reason: `no ${this.cookieName} cookie` }
    const parts = value.split('.')
    if (parts.length !== 2 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) {
      return { ok: false, reason: 'malformed session cookie (expected payload.signature)' }
    }
    const [payloadPart, signaturePart] = parts as [string, string]
    // Compared as text, so a non-canonical base64url spelling of the right bytes is refused too.
    const expected = Buffer.from(this.sign(payloadPart).toString('base64url'), 'ascii')
    const given = Buffer.from(signaturePart, 'ascii')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return {
        ok: false,
        reason: 'session signature does not match (tampered, or signed with another secret)'
      }
    }
    let session: Session
    try {
      session = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as Session
    } catch {
      return { ok: false, reason: 'session payload is not JSON' }
    }
    if (
      typeof session !== 'object' ||
      session === null ||
      typeof session.sub !== 'string' ||
      !Number.isFinite(session.iat) ||
      !Number.isFinite(session.exp) ||
      typeof session.claims !== 'object' ||
      session.claims === null
    ) {
      return { ok: false, reason: 'session payload lacks sub, iat, exp or claims' }
    }
    const now = this.deps.clock.now()
    if (session.exp * 1000 <= now)
      return { ok: false, reason: `session expired at ${iso(session.exp)}` }
    if (session.iat * 1000 > now)
      return { ok: false, reason: `session issued in the future, at ${iso(session.iat)}` }
    if (!this.users.has(session.sub))
      return { ok: false, reason: `user "${session.sub}" is no longer configured` }
    return { ok: true, session }
  }

  private sign(payloadPart: string): Buffer {
    return createHmac('sha256', this.secret).update(payloadPart, 'ascii').digest()
  }

  private encode(session: Session): string {
    const payloadPart = Buffer.from(JSON.stringify(session), 'utf8').toString('base64url')
    return `${payloadPart}.${this.sign(payloadPart).toString('base64url')}`
  }

  private cookie(value: string, maxAge: number): string {
    const secure = this.config.secure ? '; Secure' : ''
    return `${this.cookieName}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`
  }
}
