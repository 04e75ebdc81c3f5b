/**
 * CloudFront's standard log (legacy) line: 33 tab-separated fields in AWS's order, W3C extended log
 * format. Pure: the service gathers an AccessLogEntry, this only writes it. Field list, the `-` for
 * missing values and the URL encoding follow the CloudFront Developer Guide, "Standard log file
 * format" and "Standard log file fields".
 */

/** The W3C field names, in the order of every line. */
export const accessLogFields = [
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs-method',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'cs(Referer)',
  'cs(User-Agent)',
  'cs-uri-query',
  'cs(Cookie)',
  'x-edge-result-type',
  'x-edge-request-id',
  'x-host-header',
  'cs-protocol',
  'cs-bytes',
  'time-taken',
  'x-forwarded-for',
  'ssl-protocol',
  'ssl-cipher',
  'x-edge-response-result-type',
  'cs-protocol-version',
  'fle-status',
  'fle-encrypted-fields',
  'c-port',
  'time-to-first-byte',
  'x-edge-detailed-result-type',
  'sc-content-type',
  'sc-content-len',
  'sc-range-start',
  'sc-range-end'
] as const

/** The two directives that open a log file. */
export const accessLogHeader: readonly string[] = ['#Version: 1.0', `#Fields: ${accessLogFields.join(' ')}`]

/** What one viewer request's line says. Optional values are written as `-`. */
export interface AccessLogEntry {
  /** Epoch milliseconds when the response was finished (the line's date and time, UTC). */
  at: number
  edgeLocation: string
  /** Bytes sent to the viewer, headers included. */
  scBytes: number
  clientIp: string
  method: string
  /** The distribution's domain, `d111111abcdef8.cloudfront.net`. */
  distributionHost: string
  /** The path as the viewer sent it, without the query string. */
  uriStem: string
  /** The query string without `?`; empty for none. */
  uriQuery: string
  status: number
  referer?: string
  userAgent?: string
  /** Only when the distribution logs cookies. */
  cookie?: string
  /** Hit, RefreshHit, Miss, Error, Redirect, … */
  resultType: string
  /** The `x-amz-cf-id` the viewer got. */
  requestId: string
  /** The viewer's Host header. */
  hostHeader?: string
  protocol: 'http' | 'https'
  /** Bytes the viewer sent, headers included. */
  csBytes: number
  /** Seconds from request to last byte queued. */
  timeTaken: number
  forwardedFor?: string
  sslProtocol?: string
  sslCipher?: string
  responseResultType: string
  /** `HTTP/1.1`, `HTTP/2.0`. */
  protocolVersion: string
  clientPort: number
  timeToFirstByte: number
  /** The result type, or for `Error` the kind of error (`OriginConnectError`, …). */
  detailedResultType: string
  contentType?: string
  contentLength?: number
  rangeStart?: number
  rangeEnd?: number
}

/**
 * What AWS URL-encodes in field values: ASCII 0–32 (tab and space included, so a value never splits
 * a line), 127 and above, and `< > " # % { } | \ ^ ~ [ ] ` '`.
 */
// eslint-disable-next-line no-control-regex -- control characters are what AWS encodes
const needsEncoding = /[\u0000-\u0020\u007f-\uffff<>"#%{}|\\^~[\]`']/
// eslint-disable-next-line no-control-regex -- as above
const needsEncodingAll = /[\u0000-\u0020\u007f<>"#%{}|\\^~[\]`']|[\u0080-\uffff]+/g

function encodeMatch(match: string): string {
  if (match.length === 1 && match.charCodeAt(0) < 0x80) return `%${match.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  // Non-ASCII: its UTF-8 bytes; a lone surrogate (not valid UTF-16) as U+FFFD.
  try {
    return encodeURIComponent(match)
  } catch {
    return encodeURIComponent(match.replace(/[\ud800-\udfff]/g, '\ufffd'))
  }
}

/** A field value as CloudFront writes it: `-` when missing or empty, otherwise URL-encoded as above. */
export function logValue(value: string | undefined): string {
  if (value === undefined || value === '') return '-'
  // Most values (paths, IPs, ids) need nothing: test before building a new string.
  return needsEncoding.test(value) ? value.replace(needsEncodingAll, encodeMatch) : value
}

const number = (value: number | undefined) => (value === undefined ? '-' : String(value))
const seconds = (value: number) => Math.max(0, value).toFixed(3)
const two = (value: number) => (value < 10 ? `0${value}` : String(value))

/** One line (no newline) with the 33 fields, tab-separated. */
export function formatAccessLogLine(entry: AccessLogEntry): string {
  const at = new Date(entry.at)
  const date = `${at.getUTCFullYear()}-${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())}`
  const time = `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}`
  return [
    date,
    time,
    logValue(entry.edgeLocation),
    String(entry.scBytes),
    logValue(entry.clientIp),
    logValue(entry.method),
    logValue(entry.distributionHost),
    logValue(entry.uriStem),
    // AWS writes 000 when the viewer left before any answer.
    entry.status === 0 ? '000' : String(entry.status),
    logValue(entry.referer),
    logValue(entry.userAgent),
    logValue(entry.uriQuery),
    logValue(entry.cookie),
    logValue(entry.resultType),
    logValue(entry.requestId),
    logValue(entry.hostHeader),
    entry.protocol,
    String(entry.csBytes),
    seconds(entry.timeTaken),
    logValue(entry.forwardedFor),
    logValue(entry.sslProtocol),
    logValue(entry.sslCipher),
    logValue(entry.responseResultType),
    logValue(entry.protocolVersion),
    // Field-level encryption is not simulated.
    '-',
    '-',
    String(entry.clientPort),
    seconds(entry.timeToFirstByte),
    logValue(entry.detailedResultType),
    logValue(entry.contentType),
    number(entry.contentLength),
    number(entry.rangeStart),
    number(entry.rangeEnd)
  ].join('\t')
}
