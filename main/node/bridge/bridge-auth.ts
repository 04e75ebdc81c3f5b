import { randomBytes, timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'

/** 128 random bits as hex: the key to a running lab in web mode. */
export function createToken(): string {
  return randomBytes(16).toString('hex')
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response timings. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The token from `?token=` or an `Authorization: Bearer` header. */
export function tokenOf(url: URL, authorization: string | undefined): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
  return bearer?.[1] ?? url.searchParams.get('token')
}

/** The bridge only ever listens on loopback: the token is a key, not a wall. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1'
  return false
}

/**
 * Browsers always send `Origin` on WebSocket handshakes; a page from any other site must not drive the
 * lab even if it learned the token. Non-browser clients (the CLI, tests) send no Origin.
 */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`].includes(origin)
}

/**
 * DNS rebinding guard: a hostile site can point its own name at 127.0.0.1, and the browser would then
 * send that name as `Host`. Only loopback names and addresses (with this port) are ours.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false
  const match = /^(.+):(\d+)$/.exec(host.toLowerCase())
  if (!match || Number(match[2]) !== port) return false
  const name = match[1]!
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}
