/**
 * Handler results → HTTP responses, by the Lambda proxy response rules (reference §1.5; DG
 * set-up-lambda-proxy-integrations "Output format", http-api-develop-integrations-lambda "Lambda
 * function response format"). A result API Gateway cannot use throws `MalformedResponseError`; the
 * gateway answers it as AWS does (REST 502 `{"message": "Internal server error"}`, HTTP APIs 500
 * `{"message":"Internal Server Error"}`) and logs "Malformed Lambda proxy response".
 */

/** The response a proxy result becomes (the gateway's `GatewayReply` has the same shape). */
export interface ProxyReply {
  status: number
  headers: [string, string][]
  body: Buffer
}

/** A result API Gateway cannot turn into a response. */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError'
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

const isAbsent = (value: unknown) => value === undefined || value === null

function bodyOf(result: Record<string, unknown>): Buffer {
  const body = result['body']
  if (isAbsent(body)) return Buffer.alloc(0)
  if (typeof body !== 'string') throw new MalformedResponseError(`body must be a string, not ${Array.isArray(body) ? 'an array' : typeof body}`)
  return result['isBase64Encoded'] === true ? Buffer.from(body, 'base64') : Buffer.from(body)
}

function statusOf(result: Record<string, unknown>): number {
  const raw = result['statusCode']
  const status = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new MalformedResponseError(`statusCode ${JSON.stringify(raw)} is not an HTTP status`)
  }
  return status
}

/** A header value: strings, numbers and booleans are written as text; `null` leaves the header out. */
function headerText(where: string, value: unknown): string | undefined {
  if (value === null) return undefined
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new MalformedResponseError(`${where} must be a string, not ${Array.isArray(value) ? 'an array' : typeof value}`)
}

function mapOf(result: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = result[key]
  if (isAbsent(value)) return {}
  if (!isObject(value)) throw new MalformedResponseError(`${key} must be an object`)
  return value
}

/** `headers`, plus (1.0) `multiValueHeaders`: where both name a header, the multi values win (DG). */
function headerPairs(result: Record<string, unknown>, withMultiValue: boolean): [string, string][] {
  const single = mapOf(result, 'headers')
  const multi = withMultiValue ? mapOf(result, 'multiValueHeaders') : {}
  const multiNames = new Set(Object.keys(multi).map((name) => name.toLowerCase()))
  const pairs: [string, string][] = []
  for (const [name, value] of Object.entries(single)) {
    if (multiNames.has(name.toLowerCase())) continue
    const text = headerText(`headers.${name}`, value)
    if (text !== undefined) pairs.push([name, text])
  }
  for (const [name, values] of Object.entries(multi)) {
    if (isAbsent(values)) continue
    if (!Array.isArray(values)) throw new MalformedResponseError(`multiValueHeaders.${name} must be an array`)
    for (const value of values) {
      const text = headerText(`multiValueHeaders.${name}[]`, value)
      if (text !== undefined) pairs.push([name, text])
    }
  }
  return pairs
}

/** Format 1.0: an object with a statusCode, `headers` and/or `multiValueHeaders`, and a string body. */
export function replyFromV1(result: unknown): ProxyReply {
  if (!isObject(result)) throw new MalformedResponseError(`the function returned ${result === null ? 'null' : Array.isArray(result) ? 'an array' : typeof result}, not an object with statusCode`)
  if (result['statusCode'] === undefined) throw new MalformedResponseError('the result has no statusCode')
  return { status: statusOf(result), headers: headerPairs(result, true), body: bodyOf(result) }
}

/**
 * Format 2.0: an object with a statusCode (its `cookies[]` become Set-Cookie headers; 2.0 has no
 * `multiValueHeaders`: several values share one comma-separated header), or else any value JSON can
 * carry, which AWS "infers" into a 200 with `content-type: application/json` and the value as a
 * JSON body. A string is the body as it is.
 */
export function replyFromV2(result: unknown): ProxyReply {
  if (isObject(result) && result['statusCode'] !== undefined) {
    const headers = headerPairs(result, false)
    const cookies = result['cookies']
    if (!isAbsent(cookies)) {
      if (!Array.isArray(cookies) || cookies.some((cookie) => typeof cookie !== 'string')) throw new MalformedResponseError('cookies must be an array of strings')
      for (const cookie of cookies as string[]) headers.push(['set-cookie', cookie])
    }
    return { status: statusOf(result), headers, body: bodyOf(result) }
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null)
  return { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body) }
}

/** The reply for a payload format version. */
export function replyFrom(format: '1.0' | '2.0', result: unknown): ProxyReply {
  return format === '1.0' ? replyFromV1(result) : replyFromV2(result)
}
