import { describe, expect, it } from 'vitest'
import { isBinaryMediaType, isTextual, proxyEventV1, proxyEventV2, webSocketEvent, type ProxyRequest, type WebSocketEventRequest } from './proxy-event'

// 2015-04-09T12:34:56.789Z
const epoch = Date.UTC(2015, 3, 9, 12, 34, 56, 789)

function request(overrides: Partial<ProxyRequest> = {}): ProxyRequest {
  return {
    apiType: 'rest',
    method: 'POST',
    rawPath: '/prod/pets/7',
    path: '/pets/7',
    rawQuery: '',
    headers: [['Host', 'abc123.execute-api.localhost:18300'], ['User-Agent', 'curl/8']],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    stage: 'prod',
    routeKey: 'POST /pets/{id}',
    resourcePath: '/pets/{id}',
    pathParameters: { id: '7' },
    stageVariables: {},
    requestId: 'req-1',
    apiId: 'abc123',
    timeEpoch: epoch,
    ...overrides
  }
}

describe('body encoding', () => {
  it.each([
    ['text/plain', true],
    ['text/html; charset=utf-8', true],
    ['application/json', true],
    ['Application/JSON;charset=UTF-8', true],
    ['application/problem+json', true],
    ['application/xml', true],
    ['application/atom+xml', true],
    ['application/javascript', true],
    ['application/x-www-form-urlencoded', true],
    ['application/octet-stream', false],
    ['image/png', false],
    ['multipart/form-data; boundary=x', false],
    ['application/pdf', false]
  ])('HTTP APIs treat %s as text: %s', (type, textual) => {
    expect(isTextual(type)).toBe(textual)
  })

  it.each([
    ['image/png', ['image/png'], true],
    ['image/png', ['image/*'], true],
    ['application/json', ['*/*'], true],
    ['application/octet-stream', ['image/*'], false],
    [undefined, ['*/*'], false]
  ])('REST treats %s as binary with binaryMediaTypes %j: %s', (type, types, binary) => {
    expect(isBinaryMediaType(type, types)).toBe(binary)
  })

  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00])
  it.each([
    ['an HTTP API, a JSON body', { apiType: 'http' as const, headers: [['content-type', 'application/json']] as [string, string][], body: Buffer.from('{"a":1}') }, '{"a":1}', false],
    ['an HTTP API, a PNG body', { apiType: 'http' as const, headers: [['content-type', 'image/png']] as [string, string][], body: png }, png.toString('base64'), true],
    ['an HTTP API, no content type, UTF-8', { apiType: 'http' as const, headers: [], body: Buffer.from('héllo') }, 'héllo', false],
    ['an HTTP API, no content type, not UTF-8', { apiType: 'http' as const, headers: [], body: png }, png.toString('base64'), true],
    ['REST without binary media types, a PNG body (text, as on AWS)', { headers: [['content-type', 'image/png']] as [string, string][], body: Buffer.from('abc') }, 'abc', false],
    ['REST with image/*, a PNG body', { headers: [['content-type', 'image/png']] as [string, string][], body: png, binaryMediaTypes: ['image/*'] }, png.toString('base64'), true]
  ])('1.0 and 2.0 agree: %s', (_name, overrides, body, isBase64Encoded) => {
    expect(proxyEventV1(request(overrides))).toMatchObject({ body, isBase64Encoded })
    expect(proxyEventV2(request(overrides))).toMatchObject({ body, isBase64Encoded })
  })

  it('an empty body is null in 1.0 and left out in 2.0', () => {
    expect(proxyEventV1(request())).toMatchObject({ body: null, isBase64Encoded: false })
    const v2 = proxyEventV2(request({ apiType: 'http' }))
    expect(v2).not.toHaveProperty('body')
    expect(v2['isBase64Encoded']).toBe(false)
  })
})

describe('format 1.0', () => {
  it('builds the REST event AWS documents', () => {
    const event = proxyEventV1(
      request({
        rawQuery: 'a=1&a=2&b=x%20y',
        headers: [['Host', 'abc123.execute-api.localhost:18300'], ['User-Agent', 'curl/8'], ['X-Tag', 'one'], ['x-tag', 'two']],
        stageVariables: { color: 'red' },
        authorizer: { principalId: 'ana', integrationLatency: 3, team: 'blue' },
        apiKey: { value: 'key-value', id: 'key-id' }
      })
    )
    expect(event).not.toHaveProperty('version')
    expect(event).toMatchObject({
      resource: '/pets/{id}',
      path: '/pets/7',
      httpMethod: 'POST',
      headers: { Host: 'abc123.execute-api.localhost:18300', 'User-Agent': 'curl/8', 'X-Tag': 'two' },
      multiValueHeaders: { 'X-Tag': ['one', 'two'] },
      queryStringParameters: { a: '2', b: 'x y' },
      multiValueQueryStringParameters: { a: ['1', '2'], b: ['x y'] },
      pathParameters: { id: '7' },
      stageVariables: { color: 'red' },
      body: null,
      isBase64Encoded: false
    })
    expect(event['requestContext']).toMatchObject({
      accountId: '000000000000',
      apiId: 'abc123',
      authorizer: { principalId: 'ana', team: 'blue' },
      domainName: 'abc123.execute-api.localhost:18300',
      domainPrefix: 'abc123',
      extendedRequestId: 'req-1',
      httpMethod: 'POST',
      identity: { sourceIp: '127.0.0.1', userAgent: 'curl/8', apiKey: 'key-value', apiKeyId: 'key-id', user: null, caller: null },
      path: '/prod/pets/7',
      protocol: 'HTTP/1.1',
      requestId: 'req-1',
      requestTime: '09/Apr/2015:12:34:56 +0000',
      requestTimeEpoch: epoch,
      resourceId: expect.stringMatching(/^[0-9a-z]{6}$/),
      resourcePath: '/pets/{id}',
      stage: 'prod'
    })
  })

  it('sets empty maps to null', () => {
    const event = proxyEventV1(request({ headers: [], pathParameters: {} }))
    expect(event).toMatchObject({ headers: null, multiValueHeaders: null, queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null })
  })

  it('gives HTTP APIs version 1.0, and keeps a named stage in path', () => {
    const event = proxyEventV1(request({ apiType: 'http', stage: 'dev', rawPath: '/dev/pets/7', resourcePath: '/pets/{id}' }))
    expect(event).toMatchObject({ version: '1.0', path: '/dev/pets/7', resource: '/pets/{id}' })
    expect(event['requestContext']).toMatchObject({ path: '/dev/pets/7', resourceId: 'POST /pets/{id}', stage: 'dev' })
  })

  it('falls back to the API id for the domain name when there is no Host header', () => {
    expect(proxyEventV1(request({ headers: [] }))['requestContext']).toMatchObject({ domainName: 'abc123.execute-api.localhost', domainPrefix: 'abc123', identity: { userAgent: '' } })
  })
})

describe('format 2.0', () => {
  const http = (overrides: Partial<ProxyRequest> = {}) =>
    proxyEventV2(request({ apiType: 'http', stage: '$default', rawPath: '/pets/7', path: '/pets/7', ...overrides }))

  it('builds the event AWS documents', () => {
    const event = http({
      rawQuery: 'a=1&a=2&b=',
      headers: [['Host', 'abc123.execute-api.localhost'], ['User-Agent', 'curl/8'], ['Accept', 'text/html'], ['accept', 'application/json'], ['Cookie', 'a=1; b=2'], ['cookie', 'c=3'], ['content-type', 'application/json']],
      body: Buffer.from('{"n":1}'),
      stageVariables: { color: 'red' },
      authorizer: { jwt: { claims: { sub: 'ana' }, scopes: null } }
    })
    expect(event).toEqual({
      version: '2.0',
      routeKey: 'POST /pets/{id}',
      rawPath: '/pets/7',
      rawQueryString: 'a=1&a=2&b=',
      cookies: ['a=1', 'b=2', 'c=3'],
      headers: { host: 'abc123.execute-api.localhost', 'user-agent': 'curl/8', accept: 'text/html,application/json', 'content-type': 'application/json' },
      queryStringParameters: { a: '1,2', b: '' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'abc123',
        authorizer: { jwt: { claims: { sub: 'ana' }, scopes: null } },
        domainName: 'abc123.execute-api.localhost',
        domainPrefix: 'abc123',
        http: { method: 'POST', path: '/pets/7', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8' },
        requestId: 'req-1',
        routeKey: 'POST /pets/{id}',
        stage: '$default',
        time: '09/Apr/2015:12:34:56 +0000',
        timeEpoch: epoch
      },
      body: '{"n":1}',
      pathParameters: { id: '7' },
      isBase64Encoded: false,
      stageVariables: { color: 'red' }
    })
  })

  it('leaves out what is empty', () => {
    const event = http({ pathParameters: {}, headers: [] })
    for (const key of ['cookies', 'queryStringParameters', 'pathParameters', 'stageVariables', 'body']) expect(event).not.toHaveProperty(key)
    expect(event['headers']).toEqual({})
  })

  it("keeps a named stage's segment in rawPath and http.path", () => {
    const event = http({ stage: 'dev', rawPath: '/dev/pets/7' })
    expect(event).toMatchObject({ rawPath: '/dev/pets/7', requestContext: { stage: 'dev', http: { path: '/dev/pets/7' } } })
  })
})

describe('WebSocket events', () => {
  const base: WebSocketEventRequest = {
    eventType: 'CONNECT',
    routeKey: '$connect',
    connectionId: 'L0SM9cOFvHcCIhw=',
    connectedAt: epoch - 1000,
    sourceIp: '127.0.0.1',
    stage: 'prod',
    apiId: 'ws1',
    domainName: 'ws1.execute-api.localhost',
    requestId: 'req-9',
    timeEpoch: epoch
  }

  it('$connect carries the upgrade request headers and query', () => {
    const event = webSocketEvent({ ...base, headers: [['Host', 'ws1.execute-api.localhost'], ['User-Agent', 'wscat'], ['Sec-WebSocket-Key', 'k']], rawQuery: 'token=t&room=1&room=2', stageVariables: { env: 'lab' } })
    expect(event).toEqual({
      headers: { Host: 'ws1.execute-api.localhost', 'User-Agent': 'wscat', 'Sec-WebSocket-Key': 'k' },
      multiValueHeaders: { Host: ['ws1.execute-api.localhost'], 'User-Agent': ['wscat'], 'Sec-WebSocket-Key': ['k'] },
      queryStringParameters: { token: 't', room: '2' },
      multiValueQueryStringParameters: { token: ['t'], room: ['1', '2'] },
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        extendedRequestId: 'req-9',
        requestTime: '09/Apr/2015:12:34:56 +0000',
        messageDirection: 'IN',
        stage: 'prod',
        connectedAt: epoch - 1000,
        requestTimeEpoch: epoch,
        identity: { userAgent: 'wscat', sourceIp: '127.0.0.1' },
        requestId: 'req-9',
        domainName: 'ws1.execute-api.localhost',
        connectionId: 'L0SM9cOFvHcCIhw=',
        apiId: 'ws1'
      },
      isBase64Encoded: false,
      stageVariables: { env: 'lab' }
    })
  })

  it.each([
    ['a text frame', 'hello', 'hello', false],
    ['a binary frame', Buffer.from([1, 2, 3]), 'AQID', true]
  ])('a message carries its body: %s', (_name, body, expected, isBase64Encoded) => {
    const event = webSocketEvent({ ...base, eventType: 'MESSAGE', routeKey: 'sendMessage', messageId: 'm-1', body, headers: [['User-Agent', 'wscat']], authorizer: { principalId: 'ana' } })
    expect(event).toMatchObject({ body: expected, isBase64Encoded, requestContext: { eventType: 'MESSAGE', routeKey: 'sendMessage', messageId: 'm-1', messageDirection: 'IN', identity: { sourceIp: '127.0.0.1' }, authorizer: { principalId: 'ana' } } })
    expect(event).not.toHaveProperty('headers')
    expect((event['requestContext'] as { identity: object }).identity).toEqual({ sourceIp: '127.0.0.1' })
  })

  it('$disconnect carries the close code and reason, and no body', () => {
    const event = webSocketEvent({ ...base, eventType: 'DISCONNECT', routeKey: '$disconnect', headers: [['Host', 'ws1.execute-api.localhost']], disconnectStatusCode: 1001, disconnectReason: 'going away' })
    expect(event).toMatchObject({ headers: { Host: 'ws1.execute-api.localhost' }, isBase64Encoded: false, requestContext: { eventType: 'DISCONNECT', disconnectStatusCode: 1001, disconnectReason: 'going away' } })
    expect(event).not.toHaveProperty('body')
    expect(event).not.toHaveProperty('queryStringParameters')
  })
})
