/**
 * The events a Lambda proxy integration receives (reference §1.5; DG set-up-lambda-proxy-integrations,
 * http-api-develop-integrations-lambda, apigateway-websocket-api-integrations): format 1.0 (REST APIs,
 * and HTTP APIs that ask for it), format 2.0 (HTTP APIs) and the WebSocket event. Built from a
 * `ProxyRequest`, so nothing here knows how the gateway routed the request.
 */
import { createHash } from 'node:crypto'
import { isUtf8 } from 'node:buffer'
import { formatRequestTime } from '../auth/lambda-events'
import { headerOf } from '../gateway-exchange'
import { queryValues, singleAndMulti } from '../query-maps'

/** The account id every Netloom API reports (there is no AWS account behind a lab). */
export const labAccountId = '000000000000'

type HeaderPairs = readonly (readonly [string, string])[]

/** One request as a proxy event needs it, after routing. */
export interface ProxyRequest {
  /** REST APIs send format 1.0 without `version`, and decide base64 bodies by `binaryMediaTypes`. */
  readonly apiType: 'rest' | 'http'
  readonly method: string
  /** Path as received, without the query: a named stage's segment included, percent-encoding kept. */
  readonly rawPath: string
  /** Path after the stage segment (REST's `event.path`). */
  readonly path: string
  /** Query string without `?`. */
  readonly rawQuery: string
  /** Header pairs in arrival order, names as sent. */
  readonly headers: HeaderPairs
  readonly body: Buffer
  readonly sourceIp: string
  /** Default: the last `User-Agent` header, else empty. */
  readonly userAgent?: string
  /** `HTTP/1.1`. */
  readonly protocol: string
  readonly stage: string
  /** HTTP APIs: `GET /pets/{id}` or `$default`; REST: `GET /pets/{id}` too (shown only in 2.0). */
  readonly routeKey: string
  /** REST: the resource template (`/pets/{id}`); HTTP APIs: the route's path. */
  readonly resourcePath: string
  readonly pathParameters: Readonly<Record<string, string>>
  readonly stageVariables: Readonly<Record<string, string>>
  readonly requestId: string
  /** Default: `requestId`. */
  readonly extendedRequestId?: string
  readonly apiId: string
  /** Default: the `Host` header, else `<apiId>.execute-api.localhost`. */
  readonly domainName?: string
  /** `requestContext.authorizer`, already in the shape of its authorizer type and format. */
  readonly authorizer?: Readonly<Record<string, unknown>>
  /** REST: the API key the request used (`identity.apiKey`, `identity.apiKeyId`). */
  readonly apiKey?: { readonly value: string; readonly id: string }
  /** REST: the API's binary media types (`image/png`, `image/*`, `*\/*`); absent means none. HTTP APIs ignore it. */
  readonly binaryMediaTypes?: readonly string[]
  /** Epoch milliseconds when the gateway received the request. */
  readonly timeEpoch: number
}

/** A WebSocket API event: a connection opening, one message, or the connection closing. */
export interface WebSocketEventRequest {
  readonly eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT'
  /** `$connect`, `$disconnect`, `$default` or the selected route (`sendMessage`). */
  readonly routeKey: string
  readonly connectionId: string
  /** Epoch milliseconds when the connection opened. */
  readonly connectedAt: number
  /** MESSAGE: AWS's id for the frame. */
  readonly messageId?: string
  /** MESSAGE: text frames as a string; a Buffer is a binary frame and arrives base64-encoded. */
  readonly body?: string | Buffer
  /** CONNECT (the upgrade request's headers) and DISCONNECT. */
  readonly headers?: HeaderPairs
  /** CONNECT: the upgrade request's query string. */
  readonly rawQuery?: string
  readonly sourceIp: string
  readonly userAgent?: string
  readonly stage: string
  readonly stageVariables?: Readonly<Record<string, string>>
  readonly apiId: string
  readonly domainName: string
  readonly requestId: string
  readonly extendedRequestId?: string
  readonly authorizer?: Readonly<Record<string, unknown>>
  /** DISCONNECT: the close code and reason. */
  readonly disconnectStatusCode?: number
  readonly disconnectReason?: string
  readonly timeEpoch: number
}

/**
 * HTTP APIs pass these bodies as text and base64-encode the rest: `text/*`, JSON (`application/json`,
 * `*+json`), XML, JavaScript and form posts. Without a content type, a body that is valid UTF-8 is text.
 */
export function isTextual(contentType: string | undefined): boolean {
  if (contentType === undefined) return true
  const type = mediaType(contentType)
  return type.startsWith('text/') || /^application\/(json|xml|javascript|x-javascript|ecmascript|x-www-form-urlencoded|graphql)$/.test(type) || type.endsWith('+json') || type.endsWith('+xml')
}

/** REST: a body is binary when its content type matches one of the API's binary media types. */
export function isBinaryMediaType(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (contentType === undefined) return false
  const type = mediaType(contentType)
  return binaryMediaTypes.some((pattern) => {
    const wanted = pattern.trim().toLowerCase()
    if (wanted === '*/*') return true
    if (wanted.endsWith('/*')) return type.startsWith(wanted.slice(0, -1))
    return type === wanted
  })
}

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase()
}

function bodyOf(request: ProxyRequest): { body: string | null; isBase64Encoded: boolean } {
  if (request.body.length === 0) return { body: null, isBase64Encoded: false }
  const type = headerOf(request, 'content-type')
  // REST decides by the API's binary media types only (none: every body is text, as on AWS).
  const binary =
    request.apiType === 'rest'
      ? isBinaryMediaType(type, request.binaryMediaTypes ?? [])
      : type === undefined
        ? !isUtf8(request.body)
        : !isTextual(type)
  return binary ? { body: request.body.toString('base64'), isBase64Encoded: true } : { body: request.body.toString('utf8'), isBase64Encoded: false }
}

/** Header values grouped by case-insensitive name, under the name's first spelling. */
function headerValues(headers: HeaderPairs): Map<string, string[]> {
  const spelling = new Map<string, string>()
  const values = new Map<string, string[]>()
  for (const [name, value] of headers) {
    const lower = name.toLowerCase()
    const key = spelling.get(lower) ?? name
    spelling.set(lower, key)
    const list = values.get(key)
    if (list) list.push(value)
    else values.set(key, [value])
  }
  return values
}

const orNull = (record: Readonly<Record<string, string>>) => (Object.keys(record).length ? { ...record } : null)

function domainOf(request: { headers: HeaderPairs; domainName?: string; apiId: string }): string {
  return request.domainName ?? headerOf(request, 'host') ?? `${request.apiId}.execute-api.localhost`
}

/** `domainPrefix`: the first label of the domain name (the API id on an execute-api host). */
function prefixOf(domainName: string): string {
  return domainName.split(':')[0]!.split('.')[0]!
}

function userAgentOf(request: { headers: HeaderPairs; userAgent?: string }): string {
  return request.userAgent ?? headerOf(request, 'user-agent') ?? ''
}

/** A stable six-character REST `resourceId` per resource path (AWS's are random, fixed per resource). */
function resourceIdOf(resourcePath: string): string {
  return BigInt(`0x${createHash('sha256').update(resourcePath).digest('hex').slice(0, 12)}`).toString(36).slice(-6).padStart(6, '0')
}

/** The Lambda proxy event, format 1.0 (REST APIs; HTTP APIs with `payloadFormatVersion: '1.0'`). */
export function proxyEventV1(request: ProxyRequest): Record<string, unknown> {
  const headers = singleAndMulti(headerValues(request.headers))
  const query = singleAndMulti(queryValues(request.rawQuery))
  const domainName = domainOf(request)
  const rest = request.apiType === 'rest'
  return {
    ...(rest ? {} : { version: '1.0' }),
    resource: request.resourcePath,
    // REST gives the path after the stage; an HTTP API keeps a named stage's segment (as rawPath in 2.0).
    path: rest ? request.path : request.rawPath,
    httpMethod: request.method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    requestContext: {
      accountId: labAccountId,
      apiId: request.apiId,
      ...(request.authorizer ? { authorizer: request.authorizer } : {}),
      domainName,
      domainPrefix: prefixOf(domainName),
      extendedRequestId: request.extendedRequestId ?? request.requestId,
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: request.apiKey?.value ?? null,
        apiKeyId: request.apiKey?.id ?? null,
        caller: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: userAgentOf(request),
        userArn: null
      },
      path: request.rawPath,
      protocol: request.protocol,
      requestId: request.requestId,
      requestTime: formatRequestTime(request.timeEpoch),
      requestTimeEpoch: request.timeEpoch,
      resourceId: rest ? resourceIdOf(request.resourcePath) : request.routeKey,
      resourcePath: request.resourcePath,
      stage: request.stage
    },
    pathParameters: orNull(request.pathParameters),
    stageVariables: orNull(request.stageVariables),
    ...bodyOf(request)
  }
}

/** The Lambda proxy event, format 2.0 (HTTP APIs). Empty parts are left out, not `null`. */
export function proxyEventV2(request: ProxyRequest): Record<string, unknown> {
  const headers: Record<string, string> = {}
  const cookies: string[] = []
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase()
    if (lower === 'cookie') {
      cookies.push(...value.split(';').map((cookie) => cookie.trim()).filter(Boolean))
      continue
    }
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]},${value}`
  }
  const query = queryValues(request.rawQuery)
  const domainName = domainOf(request)
  const payload = bodyOf(request)
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQuery,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(query.size ? { queryStringParameters: Object.fromEntries([...query].map(([name, values]) => [name, values.join(',')])) } : {}),
    requestContext: {
      accountId: labAccountId,
      apiId: request.apiId,
      ...(request.authorizer ? { authorizer: request.authorizer } : {}),
      domainName,
      domainPrefix: prefixOf(domainName),
      http: { method: request.method, path: request.rawPath, protocol: request.protocol, sourceIp: request.sourceIp, userAgent: userAgentOf(request) },
      requestId: request.requestId,
      routeKey: request.routeKey,
      stage: request.stage,
      time: formatRequestTime(request.timeEpoch),
      timeEpoch: request.timeEpoch
    },
    ...(payload.body !== null ? { body: payload.body } : {}),
    ...(Object.keys(request.pathParameters).length ? { pathParameters: { ...request.pathParameters } } : {}),
    isBase64Encoded: payload.isBase64Encoded,
    ...(Object.keys(request.stageVariables).length ? { stageVariables: { ...request.stageVariables } } : {})
  }
}

/**
 * The WebSocket API event. `$connect` carries the upgrade request's headers and query; a message
 * carries its body (binary frames base64-encoded); `$disconnect` carries the close code and reason.
 */
export function webSocketEvent(request: WebSocketEventRequest): Record<string, unknown> {
  const headerPairs = request.headers ?? []
  const withHeaders = request.eventType !== 'MESSAGE' && request.headers !== undefined
  const headers = singleAndMulti(headerValues(headerPairs))
  const query = singleAndMulti(queryValues(request.eventType === 'CONNECT' ? (request.rawQuery ?? '') : ''))
  const userAgent = userAgentOf({ headers: headerPairs, userAgent: request.userAgent })
  const body = request.body ?? ''
  const binary = typeof body !== 'string'
  return {
    ...(withHeaders ? { headers: headers.single ?? {}, multiValueHeaders: headers.multi ?? {} } : {}),
    ...(query.single ? { queryStringParameters: query.single, multiValueQueryStringParameters: query.multi } : {}),
    requestContext: {
      routeKey: request.routeKey,
      ...(request.eventType === 'MESSAGE' ? { messageId: request.messageId ?? request.requestId } : {}),
      ...(request.eventType === 'DISCONNECT' ? { disconnectStatusCode: request.disconnectStatusCode ?? 1005, disconnectReason: request.disconnectReason ?? '' } : {}),
      eventType: request.eventType,
      extendedRequestId: request.extendedRequestId ?? request.requestId,
      requestTime: formatRequestTime(request.timeEpoch),
      messageDirection: 'IN',
      stage: request.stage,
      connectedAt: request.connectedAt,
      requestTimeEpoch: request.timeEpoch,
      identity: { ...(request.eventType === 'MESSAGE' || !userAgent ? {} : { userAgent }), sourceIp: request.sourceIp },
      requestId: request.requestId,
      domainName: request.domainName,
      connectionId: request.connectionId,
      apiId: request.apiId,
      ...(request.authorizer ? { authorizer: request.authorizer } : {})
    },
    ...(request.eventType === 'MESSAGE' ? { body: binary ? body.toString('base64') : body } : {}),
    isBase64Encoded: request.eventType === 'MESSAGE' && binary,
    ...(request.stageVariables && Object.keys(request.stageVariables).length ? { stageVariables: { ...request.stageVariables } } : {})
  }
}
