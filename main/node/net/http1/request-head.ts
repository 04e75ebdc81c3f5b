import type { IncomingHttpHeaders } from 'node:http'

/** Node's default limit on a request head (`--max-http-header-size`), so both paths refuse the same. */
export const maxHeadBytes = 16 * 1024

/** A request head, parsed. `body`: whether a body follows (the request then goes to node:http). */
export interface RequestHead {
  method: string
  url: string
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: 0 | 1
  headers: IncomingHttpHeaders
  /** Names and values as sent, alternating, as `IncomingMessage.rawHeaders`. */
  rawHeaders: string[]
  /** Offset just past the blank line that ends the head. */
  end: number
  /** A body, an upgrade, an `Expect` or a CONNECT follows: node:http's job, not the fast path's. */
  needsFullServer: boolean
  keepAlive: boolean
}

export type HeadResult = { kind: 'incomplete' } | { kind: 'head'; head: RequestHead } | { kind: 'refused'; status: 400 | 431 | 505; reason: string }

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// RFC 9110 §5.5: field values are visible characters, spaces, tabs and obs-text; never CR, LF or NUL.
const fieldValue = /^[\t\x20-\x7e\x80-\xff]*$/
// RFC 9112 §3.2: origin-form, absolute-form or asterisk-form; visible ASCII, no spaces.
const requestTarget = /^(?:\/[\x21-\x7e]*|https?:\/\/[\x21-\x7e]+|\*)$/
/** Fields of which Node keeps only the first (IncomingMessage), so both paths see the same headers. */
const firstOnly = new Set(['age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent'])

const refuse = (status: 400 | 431 | 505, reason: string): HeadResult => ({ kind: 'refused', status, reason })

/**
 * Parses one HTTP/1.x request head from `buffer` at `start` (at most `limit` bytes), strictly (RFC 9112): CRLF line ends
 * only, no obs-fold, no whitespace before a colon, tokens where tokens belong, one Host. Anything
 * it does not take whole (a body, Transfer-Encoding, Upgrade, Expect, CONNECT) is marked for
 * node:http, which is the authority for everything but plain bodyless requests.
 */
export function parseRequestHead(buffer: Buffer, start: number, length: number, limit = maxHeadBytes): HeadResult {
  const stop = buffer.indexOf('\r\n\r\n', start, 'latin1')
  if (stop === -1 || stop + 4 > length) {
    return length - start > limit ? refuse(431, `the request head is over ${limit} bytes`) : { kind: 'incomplete' }
  }
  if (stop + 4 - start > limit) return refuse(431, `the request head is over ${limit} bytes`)
  const text = buffer.toString('latin1', start, stop)
  const lines = text.split('\r\n')
  const requestLine = lines[0]!
  const firstSpace = requestLine.indexOf(' ')
  const lastSpace = requestLine.lastIndexOf(' ')
  if (firstSpace <= 0 || lastSpace === firstSpace) return refuse(400, 'the request line is not "method target version"')
  const method = requestLine.slice(0, firstSpace)
  const url = requestLine.slice(firstSpace + 1, lastSpace)
  const version = requestLine.slice(lastSpace + 1)
  if (!token.test(method)) return refuse(400, 'the method is not a token')
  if (!requestTarget.test(url)) return refuse(400, 'the request target is not a path, an absolute URL or *')
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') return /^HTTP\/\d\.\d$/.test(version) ? refuse(505, `${version} is not supported`) : refuse(400, 'the request line has no HTTP version')

  const headers: IncomingHttpHeaders = {}
  const rawHeaders: string[] = []
  let hosts = 0
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    const colon = line.indexOf(':')
    if (colon <= 0) return refuse(400, line.startsWith(' ') || line.startsWith('\t') ? 'a folded header line (obs-fold)' : 'a header line without a name and a colon')
    const name = line.slice(0, colon)
    if (!token.test(name)) return refuse(400, `the header name "${name.slice(0, 40)}" is not a token`)
    // Checked before trimming, and trimmed of OWS only (SP and HTAB, RFC 9110 §5.6.3): String#trim
    // would also take away a bare CR or LF at either end and let it through.
    const raw = line.slice(colon + 1)
    if (!fieldValue.test(raw)) return refuse(400, `the value of ${name.slice(0, 40)} holds a control character`)
    const value = trimOws(raw)
    rawHeaders.push(name, value)
    const lower = name.toLowerCase()
    if (lower === 'host') hosts++
    const existing = headers[lower]
    if (existing === undefined) headers[lower] = lower === 'set-cookie' ? [value] : value
    else if (lower === 'set-cookie') (existing as string[]).push(value)
    else if (!firstOnly.has(lower)) headers[lower] = `${existing as string}${lower === 'cookie' ? '; ' : ', '}${value}`
  }
  const minor = version === 'HTTP/1.1' ? 1 : 0
  if (hosts > 1) return refuse(400, 'more than one Host header')
  if (minor === 1 && hosts === 0) return refuse(400, 'an HTTP/1.1 request without a Host header')

  const length_ = headers['content-length']
  const needsFullServer = (length_ !== undefined && length_ !== '0') || headers['transfer-encoding'] !== undefined || headers['upgrade'] !== undefined || headers['expect'] !== undefined || method === 'CONNECT'
  const connection = headers['connection']
  const options = connection === undefined ? undefined : connection.toLowerCase().split(',').map((option) => option.trim())
  const keepAlive = minor === 1 ? !options?.includes('close') : options?.includes('keep-alive') === true
  return { kind: 'head', head: { method, url, minor, headers, rawHeaders, end: stop + 4, needsFullServer, keepAlive } }
}

function trimOws(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--
  return start === 0 && end === text.length ? text : text.slice(start, end)
}
