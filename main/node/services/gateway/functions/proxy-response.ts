import type { GatewayReply } from '../gateway-exchange'

/** A result API Gateway cannot turn into a response (AWS logs "Malformed Lambda proxy response"). */
export class MalformedResponseError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function bodyOf(result: Record<string, unknown>): Buffer {
  const body = result['body']
  if (body === undefined || body === null) return Buffer.alloc(0)
  if (typeof body !== 'string') throw new MalformedResponseError(`body must be a string, not ${Array.isArray(body) ? 'an array' : typeof body}`)
  return result['isBase64Encoded'] === true ? Buffer.from(body, 'base64') : Buffer.from(body)
}

function statusOf(result: Record<string, unknown>): number {
  const status = Number(result['statusCode'])
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new MalformedResponseError(`statusCode ${JSON.stringify(result['statusCode'])} is not an HTTP status`)
  return status
}

function headerPairs(result: Record<string, unknown>): [string, string][] {
  const pairs: [string, string][] = []
  const single = result['headers']
  const multi = result['multiValueHeaders']
  if (single !== undefined && single !== null && !isObject(single)) throw new MalformedResponseError('headers must be an object')
  if (multi !== undefined && multi !== null && !isObject(multi)) throw new MalformedResponseError('multiValueHeaders must be an object')
  const multiNames = new Set(Object.keys(isObject(multi) ? multi : {}).map((name) => name.toLowerCase()))
  for (const [name, value] of Object.entries(isObject(single) ? single : {})) if (!multiNames.has(name.toLowerCase())) pairs.push([name, String(value)])
  for (const [name, values] of Object.entries(isObject(multi) ? multi : {})) {
    if (!Array.isArray(values)) throw new MalformedResponseError(`multiValueHeaders.${name} must be an array`)
    for (const value of values) pairs.push([name, String(value)])
  }
  return pairs
}

/** Format 1.0: an object with a statusCode, headers and/or multiValueHeaders, and a string body. */
export function replyFromV1(result: unknown): GatewayReply {
  if (!isObject(result)) throw new MalformedResponseError(`the function returned ${result === null ? 'null' : typeof result}, not an object with statusCode`)
  if (result['statusCode'] === undefined) throw new MalformedResponseError('the result has no statusCode')
  return { status: statusOf(result), headers: headerPairs(result), body: bodyOf(result) }
}

/**
 * Format 2.0: the same object (with `cookies[]` turned into Set-Cookie), or, when the function returns
 * anything else that JSON can carry, a 200 with that value as a JSON body (DG
 * http-api-develop-integrations-lambda: "API Gateway infers the response format"). A string is the body.
 */
export function replyFromV2(result: unknown): GatewayReply {
  if (isObject(result) && result['statusCode'] !== undefined) {
    const headers = headerPairs(result)
    const cookies = result['cookies']
    if (cookies !== undefined) {
      if (!Array.isArray(cookies)) throw new MalformedResponseError('cookies must be an array of strings')
      for (const cookie of cookies) headers.push(['set-cookie', String(cookie)])
    }
    return { status: statusOf(result), headers, body: bodyOf(result) }
  }
  if (typeof result === 'string') return { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(result) }
  return { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(JSON.stringify(result ?? null)) }
}
