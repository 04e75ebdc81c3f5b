/**
 * Which headers a function never sees or may not add (disallowed) and which it may read but not change
 * (read-only). Lists from the reference §2.1 and AWS's "Restrictions on all edge functions → HTTP headers".
 */
import type { FunctionEventType } from './limits'

const DISALLOWED = new Set([
  'connection', 'expect', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'trailer', 'upgrade', 'x-accel-buffering', 'x-accel-charset', 'x-accel-limit-rate', 'x-accel-redirect',
  'x-amzn-auth', 'x-amzn-cf-billing', 'x-amzn-cf-id', 'x-amzn-cf-xff', 'x-amzn-errortype',
  'x-amzn-fle-profile', 'x-amzn-header-count', 'x-amzn-header-order', 'x-amzn-lambda-integration-tag',
  'x-amzn-requestid', 'x-cache', 'x-forwarded-proto', 'x-real-ip'
])
const DISALLOWED_PREFIXES = ['x-amz-cf-', 'x-edge-']

/**
 * Read-only per event. Viewer request: from the reference. Viewer response: AWS's list for viewer
 * response events of edge functions (not re-confirmed for CloudFront Functions in the pages read).
 */
const READ_ONLY: Record<FunctionEventType, ReadonlySet<string>> = {
  'viewer-request': new Set(['content-length', 'host', 'transfer-encoding', 'via']),
  'viewer-response': new Set(['content-encoding', 'content-length', 'transfer-encoding', 'warning', 'via'])
}

/** Not exposed to functions, and a function that adds one fails validation. Name in lower case. */
export function isDisallowedHeader(name: string): boolean {
  return DISALLOWED.has(name) || DISALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix))
}

/** Visible to the function, but adding, changing or removing it fails validation. Name in lower case. */
export function isReadOnlyHeader(eventType: FunctionEventType, name: string): boolean {
  return READ_ONLY[eventType].has(name)
}

/** A header name as HTTP allows it (RFC 9110 token), lower case as CloudFront requires in the object. */
export function isValidHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)
}

/** A header value: no CR, LF or NUL (they would split or end the header on the wire). */
export function isValidHeaderValue(value: string): boolean {
  return !/[\r\n\0]/.test(value)
}
