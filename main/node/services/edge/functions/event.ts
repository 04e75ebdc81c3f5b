/**
 * The CloudFront Functions event object (version "1.0") built from the edge's request and response, and
 * what a function's returned object means: the request to continue with, or a response for the viewer.
 * Shapes from AWS's "CloudFront Functions event structure" page and the reference §2.1.
 */
import { isDisallowedHeader, isReadOnlyHeader, isValidHeaderName, isValidHeaderValue } from './header-rules'
import { MAX_RESULT_BYTES, type FunctionEventType } from './limits'

/** Header, query string or request cookie entry; `multiValue` only when the name repeats. */
export interface CfValue {
  value: string
  multiValue?: { value: string }[]
}

/** A Set-Cookie entry of a response: `attributes` is everything after `name=value;`. */
export interface CfCookie {
  value: string
  attributes?: string
  multiValue?: { value: string; attributes?: string }[]
}

export interface CfRequest {
  /** Read-only: a returned request with another method fails validation. */
  method: string
  uri: string
  querystring: Record<string, CfValue>
  /** Lower-case names; no `cookie` (see `cookies`) and no disallowed header. */
  headers: Record<string, CfValue>
  cookies: Record<string, CfValue>
}

export interface CfResponse {
  statusCode: number
  statusDescription?: string
  headers: Record<string, CfValue>
  cookies: Record<string, CfCookie>
  /** Only in a returned response: replaces the body (the origin's body is never visible). */
  body?: string | { encoding: 'text' | 'base64'; data: string }
}

export interface CfEvent {
  version: '1.0'
  context: { distributionDomainName: string; distributionId: string; eventType: FunctionEventType; requestId: string }
  viewer: { ip: string }
  request: CfRequest
  response?: CfResponse
}

/** Node-style headers: lower-case names, an array where the name repeats. */
export type HeaderMap = Record<string, string | string[]>

/** The viewer's request as the edge holds it. */
export interface EdgeRequest {
  method: string
  /** Path only, starting with `/`. */
  uri: string
  /** Raw query string without `?` (values stay percent-encoded, as CloudFront passes them). */
  querystring: string
  headers: HeaderMap
  viewerIp: string
}

/** The response on its way to the viewer (viewer-response), or one a function generated. */
export interface EdgeResponse {
  statusCode: number
  statusDescription?: string
  headers: HeaderMap
}

export interface EventContext {
  distributionDomainName: string
  distributionId: string
  requestId: string
}

/** A returned object CloudFront would refuse (its 502 "validation error"). */
export class FunctionReturnError extends Error {
  constructor(
    readonly kind: 'invalid-return' | 'too-large',
    message: string
  ) {
    super(message)
    this.name = 'FunctionReturnError'
  }
}

export type ViewerRequestOutcome =
  | { type: 'request'; request: Omit<EdgeRequest, 'viewerIp'> }
  | { type: 'response'; response: EdgeResponse; body?: Buffer }

export interface ViewerResponseOutcome {
  response: EdgeResponse
  /** Present when the function replaced the body. */
  body?: Buffer
}

function valuesOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

function entry(values: string[]): CfValue {
  return values.length > 1 ? { value: values[0], multiValue: values.map((v) => ({ value: v })) } : { value: values[0] }
}

function group(pairs: [string, string][]): Record<string, CfValue> {
  const byName = new Map<string, string[]>()
  for (const [name, value] of pairs) byName.set(name, [...(byName.get(name) ?? []), value])
  return Object.fromEntries([...byName].map(([name, values]) => [name, entry(values)]))
}

/** `a=1&a=2&b` → `{ a: { value: '1', multiValue: [...] }, b: { value: '' } }`; values are not decoded. */
export function parseQuerystring(raw: string): Record<string, CfValue> {
  const pairs: [string, string][] = []
  for (const part of raw.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    pairs.push(eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)])
  }
  return group(pairs)
}

function parseCookieHeader(values: string[]): Record<string, CfValue> {
  const pairs: [string, string][] = []
  for (const line of values) {
    for (const part of line.split(';')) {
      const trimmed = part.trim()
      if (trimmed === '') continue
      const eq = trimmed.indexOf('=')
      pairs.push(eq < 0 ? [trimmed, ''] : [trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim()])
    }
  }
  return group(pairs)
}

function parseSetCookies(values: string[]): Record<string, CfCookie> {
  const byName = new Map<string, { value: string; attributes?: string }[]>()
  for (const line of values) {
    const semi = line.indexOf(';')
    const pair = semi < 0 ? line : line.slice(0, semi)
    const attributes = semi < 0 ? undefined : line.slice(semi + 1).trim()
    const eq = pair.indexOf('=')
    const name = (eq < 0 ? pair : pair.slice(0, eq)).trim()
    const value = eq < 0 ? '' : pair.slice(eq + 1).trim()
    const item = attributes ? { value, attributes } : { value }
    byName.set(name, [...(byName.get(name) ?? []), item])
  }
  return Object.fromEntries(
    [...byName].map(([name, items]) => [name, items.length > 1 ? { ...items[0], multiValue: items } : items[0]])
  )
}

function exposedHeaders(headers: HeaderMap, skip: string): Record<string, CfValue> {
  const pairs: [string, string][] = []
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (lower === skip || isDisallowedHeader(lower)) continue
    for (const v of valuesOf(value)) pairs.push([lower, v])
  }
  return group(pairs)
}

function requestObject(request: EdgeRequest): CfRequest {
  return {
    method: request.method,
    uri: request.uri,
    querystring: parseQuerystring(request.querystring),
    headers: exposedHeaders(request.headers, 'cookie'),
    cookies: parseCookieHeader(valuesOf(request.headers.cookie))
  }
}

function baseEvent(eventType: FunctionEventType, request: EdgeRequest, context: EventContext): CfEvent {
  return {
    version: '1.0',
    context: { ...context, eventType },
    viewer: { ip: request.viewerIp },
    request: requestObject(request)
  }
}

/** The event a viewer-request function receives. */
export function viewerRequestEvent(request: EdgeRequest, context: EventContext): CfEvent {
  return baseEvent('viewer-request', request, context)
}

/** The event a viewer-response function receives: the request as the viewer sent it, and the response. */
export function viewerResponseEvent(request: EdgeRequest, response: EdgeResponse, context: EventContext): CfEvent {
  const headers = Object.fromEntries(Object.entries(response.headers).map(([name, v]) => [name.toLowerCase(), v]))
  return {
    ...baseEvent('viewer-response', request, context),
    response: {
      statusCode: response.statusCode,
      statusDescription: response.statusDescription ?? '',
      headers: exposedHeaders(headers, 'set-cookie'),
      cookies: parseSetCookies(valuesOf(headers['set-cookie']))
    }
  }
}

/** Refuses a returned object whose JSON is over CloudFront's size limit. */
export function checkResultSize(json: string): void {
  const bytes = Buffer.byteLength(json)
  if (bytes > MAX_RESULT_BYTES) {
    throw new FunctionReturnError('too-large', `The returned object is ${bytes} bytes; the limit is ${MAX_RESULT_BYTES}`)
  }
}

function invalid(message: string): never {
  throw new FunctionReturnError('invalid-return', message)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * The values an entry stands for. A `multiValue` that the function changed wins over `value`; otherwise a
 * changed `value` replaces them all (the reference: "modified multiValue wins over value").
 */
function entryValues(where: string, raw: unknown, original: CfValue | undefined): string[] {
  if (!isObject(raw)) invalid(`${where} must be an object with a string "value"`)
  const multi = raw.multiValue
  if (multi !== undefined) {
    if (!Array.isArray(multi) || !multi.every((m) => isObject(m) && typeof m.value === 'string')) {
      invalid(`${where}.multiValue must be an array of { value: string }`)
    }
  }
  if (typeof raw.value !== 'string' && multi === undefined) invalid(`${where}.value must be a string`)
  const multiValues = (multi as { value: string }[] | undefined)?.map((m) => m.value)
  if (multiValues && multiValues.length > 0 && (!original || !same(multi, original.multiValue))) return multiValues
  if (typeof raw.value === 'string' && raw.value !== original?.value) return [raw.value]
  if (multiValues && multiValues.length > 0) return multiValues
  return [raw.value as string]
}

function entries(where: string, raw: unknown, original: Record<string, CfValue>): [string, string[]][] {
  if (raw === undefined) return []
  if (!isObject(raw)) invalid(`${where} must be an object`)
  return Object.entries(raw).map(([name, value]) => [name, entryValues(`${where}.${name}`, value, original[name])])
}

function checkedHeaders(
  eventType: FunctionEventType,
  where: string,
  raw: unknown,
  original: Record<string, CfValue>,
  readOnly: boolean
): HeaderMap {
  const result: HeaderMap = {}
  for (const [name, values] of entries(where, raw, original)) {
    if (!isValidHeaderName(name)) invalid(`${where}: "${name}" is not a lower-case header name`)
    if (isDisallowedHeader(name)) invalid(`${where}: "${name}" is a disallowed header and cannot be added`)
    if (name === 'cookie' || name === 'set-cookie') invalid(`${where}: "${name}" belongs in cookies, not headers`)
    const bad = values.find((v) => !isValidHeaderValue(v))
    if (bad !== undefined) invalid(`${where}.${name}: the value contains CR, LF or NUL`)
    result[name] = values.length === 1 ? values[0] : values
  }
  if (readOnly) {
    const names = new Set([...Object.keys(original), ...Object.keys(result)])
    for (const name of names) {
      if (!isReadOnlyHeader(eventType, name)) continue
      const before = original[name] ? entryValues(name, original[name], original[name]) : []
      if (!same(before, valuesOf(result[name]))) invalid(`${where}: "${name}" is read-only in ${eventType} functions`)
    }
  }
  return result
}

function rebuildPairs(pairs: [string, string[]][], join: string): string {
  return pairs.flatMap(([name, values]) => values.map((v) => `${name}=${v}`)).join(join)
}

function returnedRequest(event: CfEvent, raw: Record<string, unknown>, rawQuerystring: string, rawCookie: string[]) {
  const original = event.request
  if (raw.method !== undefined && raw.method !== original.method) invalid('request.method is read-only')
  if (typeof raw.uri !== 'string' || !raw.uri.startsWith('/')) invalid('request.uri must be a string starting with "/"')
  const headers = checkedHeaders('viewer-request', 'request.headers', raw.headers, original.headers, true)
  const querystring = same(raw.querystring, original.querystring)
    ? rawQuerystring
    : rebuildPairs(entries('request.querystring', raw.querystring, original.querystring), '&')
  const cookies = same(raw.cookies, original.cookies)
    ? rawCookie
    : [rebuildPairs(entries('request.cookies', raw.cookies, original.cookies), '; ')].filter((c) => c !== '')
  if (cookies.length > 0) headers.cookie = cookies.length === 1 ? cookies[0] : cookies
  return { method: original.method, uri: raw.uri, querystring, headers }
}

function setCookieLines(raw: unknown): string[] {
  if (raw === undefined) return []
  if (!isObject(raw)) invalid('response.cookies must be an object')
  const lines: string[] = []
  for (const [name, cookie] of Object.entries(raw)) {
    if (!isObject(cookie)) invalid(`response.cookies.${name} must be an object`)
    const items = Array.isArray(cookie.multiValue) && cookie.multiValue.length > 0 ? cookie.multiValue : [cookie]
    for (const item of items) {
      if (!isObject(item) || typeof item.value !== 'string') invalid(`response.cookies.${name}.value must be a string`)
      if (item.attributes !== undefined && typeof item.attributes !== 'string') {
        invalid(`response.cookies.${name}.attributes must be a string`)
      }
      const line = item.attributes ? `${name}=${item.value}; ${item.attributes}` : `${name}=${item.value}`
      if (!isValidHeaderValue(line)) invalid(`response.cookies.${name}: the cookie contains CR, LF or NUL`)
      lines.push(line)
    }
  }
  return lines
}

function bodyOf(raw: unknown): Buffer | undefined {
  if (raw === undefined) return undefined
  if (typeof raw === 'string') return Buffer.from(raw)
  if (!isObject(raw) || typeof raw.data !== 'string') invalid('response.body must be a string or { encoding, data }')
  if (raw.encoding === undefined || raw.encoding === 'text') return Buffer.from(raw.data)
  if (raw.encoding !== 'base64') invalid('response.body.encoding must be "text" or "base64"')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw.data) || raw.data.length % 4 !== 0) invalid('response.body.data is not valid base64')
  return Buffer.from(raw.data, 'base64')
}

function returnedResponse(
  eventType: FunctionEventType,
  raw: Record<string, unknown>,
  original: CfResponse | undefined
): { response: EdgeResponse; body?: Buffer } {
  const status = raw.statusCode
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    invalid('response.statusCode must be an integer from 100 to 599')
  }
  if (raw.statusDescription !== undefined && typeof raw.statusDescription !== 'string') {
    invalid('response.statusDescription must be a string')
  }
  const headers = checkedHeaders(eventType, 'response.headers', raw.headers, original?.headers ?? {}, original !== undefined)
  const cookies = setCookieLines(raw.cookies)
  if (cookies.length > 0) headers['set-cookie'] = cookies
  const body = bodyOf(raw.body)
  const response: EdgeResponse = { statusCode: status, headers }
  if (raw.statusDescription) response.statusDescription = raw.statusDescription as string
  return body === undefined ? { response } : { response, body }
}

/**
 * What a viewer-request function's returned object means. An object with `statusCode` is a response for
 * the viewer (the request goes no further); anything else must be the request, changed or not.
 */
export function applyViewerRequestResult(event: CfEvent, request: EdgeRequest, returned: unknown): ViewerRequestOutcome {
  if (!isObject(returned)) invalid('The function must return the request or a response object')
  if ('statusCode' in returned) return { type: 'response', ...returnedResponse('viewer-request', returned, undefined) }
  return { type: 'request', request: returnedRequest(event, returned, request.querystring, valuesOf(request.headers.cookie)) }
}

/** What a viewer-response function's returned object means: the response the viewer gets. */
export function applyViewerResponseResult(event: CfEvent, returned: unknown): ViewerResponseOutcome {
  if (!isObject(returned)) invalid('The function must return the response object')
  return returnedResponse('viewer-response', returned, event.response)
}

/** The edge request an event was built from, as far as the event shows it (for validation alone). */
function requestFromEvent(event: CfEvent): EdgeRequest {
  const pairs = (map: Record<string, CfValue>): [string, string[]][] =>
    Object.entries(map).map(([name, e]) => [name, e.multiValue?.map((m) => m.value) ?? [e.value]])
  const cookie = rebuildPairs(pairs(event.request.cookies), '; ')
  const headers: HeaderMap = Object.fromEntries(pairs(event.request.headers))
  if (cookie) headers.cookie = cookie
  return {
    method: event.request.method,
    uri: event.request.uri,
    querystring: rebuildPairs(pairs(event.request.querystring), '&'),
    headers,
    viewerIp: event.viewer.ip
  }
}

/** Throws `FunctionReturnError` when CloudFront would refuse what the function returned. */
export function validateReturned(event: CfEvent, returned: unknown): void {
  if (event.context.eventType === 'viewer-request') applyViewerRequestResult(event, requestFromEvent(event), returned)
  else applyViewerResponseResult(event, returned)
}
