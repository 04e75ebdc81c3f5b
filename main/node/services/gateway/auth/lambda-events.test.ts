import { describe, expect, it } from 'vitest'
import {
  contextVariables,
  formatRequestTime,
  httpV1Event,
  httpV2Event,
  restRequestEvent,
  restTokenEvent,
  type AuthorizerRequest
} from './lambda-events'

const EPOCH = Date.UTC(2020, 2, 12, 19, 3, 58)

function request(overrides: Partial<AuthorizerRequest> = {}): AuthorizerRequest {
  return {
    region: 'us-east-1',
    accountId: '123456789012',
    apiId: 'abcdef123',
    stage: 'test',
    httpMethod: 'GET',
    path: '/request',
    resource: '/request',
    requestId: 'id-1',
    sourceIp: '10.0.0.5',
    requestTimeEpoch: EPOCH,
    domainName: 'abcdef123.execute-api.us-east-1.amazonaws.com',
    headers: { 'X-Trace': ['a', 'b'], 'User-Agent': 'lab/1', Cookie: 'c1=v1; c2=v2' },
    rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value',
    ...overrides
  }
}

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/request'

describe('formatRequestTime', () => {
  it("uses AWS's requestTime format in UTC", () => {
    expect(formatRequestTime(EPOCH)).toBe('12/Mar/2020:19:03:58 +0000')
  })
})

describe('restTokenEvent', () => {
  it('has exactly type, authorizationToken and methodArn', () => {
    expect(restTokenEvent(request(), 'tok')).toEqual({
      type: 'TOKEN',
      authorizationToken: 'tok',
      methodArn: ARN
    })
  })
})

describe('restRequestEvent', () => {
  const event = restRequestEvent(request())

  it('keeps header case, the last value in headers and all in multiValueHeaders', () => {
    expect(event.headers['X-Trace']).toBe('b')
    expect(event.multiValueHeaders['X-Trace']).toEqual(['a', 'b'])
  })

  it('splits the query string like the proxy 1.0 payload', () => {
    expect(event.queryStringParameters).toEqual({ parameter1: 'value2', parameter2: 'value' })
    expect(event.multiValueQueryStringParameters).toEqual({
      parameter1: ['value1', 'value2'],
      parameter2: ['value']
    })
  })

  it('absent maps are null', () => {
    expect(event.pathParameters).toBeNull()
    expect(event.stageVariables).toBeNull()
    expect(restRequestEvent(request({ rawQueryString: '' })).queryStringParameters).toBeNull()
  })

  it('requestContext names the stage path, identity, time', () => {
    expect(event.requestContext).toMatchObject({
      path: '/test/request',
      resourcePath: '/request',
      stage: 'test',
      identity: { sourceIp: '10.0.0.5', userAgent: 'lab/1' },
      requestTime: '12/Mar/2020:19:03:58 +0000',
      requestTimeEpoch: EPOCH,
      domainPrefix: 'abcdef123'
    })
  })
})

describe('httpV1Event', () => {
  it('adds version and the comma-joined identity', () => {
    const event = httpV1Event(request(), ['user1', '123'])
    expect(event).toMatchObject({
      version: '1.0',
      type: 'REQUEST',
      methodArn: ARN,
      identitySource: 'user1,123',
      authorizationToken: 'user1,123'
    })
  })
})

describe('httpV2Event', () => {
  const event = httpV2Event(request({ routeKey: 'GET /request', stageVariables: { a: 'b' } }), [
    'user1',
    '123'
  ])

  it('matches the documented 2.0 shape', () => {
    expect(event).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      routeArn: ARN,
      identitySource: ['user1', '123'],
      routeKey: 'GET /request',
      rawPath: '/test/request',
      rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
      stageVariables: { a: 'b' },
      requestContext: {
        http: {
          method: 'GET',
          path: '/test/request',
          protocol: 'HTTP/1.1',
          sourceIp: '10.0.0.5',
          userAgent: 'lab/1'
        },
        routeKey: 'GET /request',
        stage: 'test',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: EPOCH
      }
    })
  })

  it('lower-cases and comma-joins headers; the cookie header moves to cookies[]', () => {
    expect(event.headers).toEqual({ 'x-trace': 'a,b', 'user-agent': 'lab/1' })
  })

  it('the $default stage is not in rawPath; empty parts are left out', () => {
    const bare = httpV2Event(request({ stage: '$default', headers: {}, rawQueryString: '' }), [])
    expect(bare.rawPath).toBe('/request')
    expect(bare).not.toHaveProperty('cookies')
    expect(bare).not.toHaveProperty('queryStringParameters')
    expect(bare).not.toHaveProperty('pathParameters')
    expect(bare.routeKey).toBe('$default')
  })
})

describe('contextVariables', () => {
  it('exposes request fields as $context names; explicit context wins', () => {
    const vars = contextVariables(
      request({ routeKey: 'GET /request', context: { stage: 'override' } })
    )
    expect(vars).toMatchObject({
      requestId: 'id-1',
      routeKey: 'GET /request',
      'identity.sourceIp': '10.0.0.5',
      stage: 'override'
    })
  })
})
