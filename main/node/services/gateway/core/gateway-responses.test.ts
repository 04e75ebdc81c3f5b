import { describe, expect, it } from 'vitest'
import {
  DEFAULT_GATEWAY_RESPONSES,
  GATEWAY_RESPONSE_TYPES,
  renderGatewayResponse,
  renderResponseTemplate
} from './gateway-responses'

describe('default gateway responses (reference §1.7 table)', () => {
  it.each([
    ['ACCESS_DENIED', 403],
    ['API_CONFIGURATION_ERROR', 500],
    ['AUTHORIZER_CONFIGURATION_ERROR', 500],
    ['AUTHORIZER_FAILURE', 500],
    ['BAD_REQUEST_PARAMETERS', 400],
    ['BAD_REQUEST_BODY', 400],
    ['EXPIRED_TOKEN', 403],
    ['INTEGRATION_FAILURE', 504],
    ['INTEGRATION_TIMEOUT', 504],
    ['INVALID_API_KEY', 403],
    ['INVALID_SIGNATURE', 403],
    ['MISSING_AUTHENTICATION_TOKEN', 403],
    ['QUOTA_EXCEEDED', 429],
    ['REQUEST_TOO_LARGE', 413],
    ['RESOURCE_NOT_FOUND', 404],
    ['THROTTLED', 429],
    ['UNAUTHORIZED', 401],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['WAF_FILTERED', 403]
  ] as const)('%s → %i', (type, status) => {
    expect(renderGatewayResponse(type).status).toBe(status)
  })

  it('covers all 21 types; DEFAULT_4XX and DEFAULT_5XX have no status of their own', () => {
    expect(GATEWAY_RESPONSE_TYPES).toHaveLength(21)
    expect(Object.keys(DEFAULT_GATEWAY_RESPONSES).sort()).toEqual(
      [...GATEWAY_RESPONSE_TYPES].sort()
    )
    expect(DEFAULT_GATEWAY_RESPONSES.DEFAULT_4XX.status).toBeUndefined()
    expect(renderGatewayResponse('DEFAULT_4XX').status).toBe(400)
    expect(renderGatewayResponse('DEFAULT_5XX').status).toBe(500)
    expect(renderGatewayResponse('DEFAULT_4XX', { status: 405 }).status).toBe(405)
  })

  it.each([
    ['MISSING_AUTHENTICATION_TOKEN', '{"message":"Missing Authentication Token"}'],
    ['THROTTLED', '{"message":"Too Many Requests"}'],
    ['QUOTA_EXCEEDED', '{"message":"Limit Exceeded"}'],
    ['INVALID_API_KEY', '{"message":"Forbidden"}'],
    ['UNAUTHORIZED', '{"message":"Unauthorized"}']
  ] as const)('"%s" has the body %s', (type, body) => {
    expect(renderGatewayResponse(type)).toEqual({ status: expect.any(Number), headers: {}, body })
  })

  it('every default body is valid JSON with a message', () => {
    for (const type of GATEWAY_RESPONSE_TYPES) {
      expect(JSON.parse(renderGatewayResponse(type).body)).toEqual({
        message: DEFAULT_GATEWAY_RESPONSES[type].message
      })
    }
  })

  it('$context.error.messageString is the quoted, escaped message', () => {
    const response = renderGatewayResponse('BAD_REQUEST_PARAMETERS', {
      message: 'Missing required request parameters: ["id"]'
    })
    expect(JSON.parse(response.body)).toEqual({
      message: 'Missing required request parameters: ["id"]'
    })
  })
})

describe('gateway response overrides', () => {
  it('a type override sets status, static headers and a body template', () => {
    const response = renderGatewayResponse('THROTTLED', {
      overrides: {
        THROTTLED: {
          statusCode: 503,
          headers: {
            'Access-Control-Allow-Origin': "'*'",
            'x-type': '$context.error.responseType'
          },
          bodyTemplate:
            '{"error":$context.error.messageString,"id":"$context.requestId","v":"$stageVariables.v"}'
        }
      },
      context: { requestId: 'req-1' },
      stageVariables: { v: '2' }
    })
    expect(response).toEqual({
      status: 503,
      headers: { 'Access-Control-Allow-Origin': '*', 'x-type': 'THROTTLED' },
      body: '{"error":"Too Many Requests","id":"req-1","v":"2"}'
    })
  })

  it('a DEFAULT_4XX override applies to 4XX types without their own, keeping their status', () => {
    const overrides = {
      DEFAULT_4XX: {
        statusCode: 418,
        headers: { 'x-cors': "'yes'" },
        bodyTemplate: '{"err":"$context.error.message"}'
      },
      QUOTA_EXCEEDED: { bodyTemplate: 'quota' }
    }
    expect(renderGatewayResponse('UNAUTHORIZED', { overrides })).toEqual({
      status: 401,
      headers: { 'x-cors': 'yes' },
      body: '{"err":"Unauthorized"}'
    })
    expect(renderGatewayResponse('QUOTA_EXCEEDED', { overrides })).toEqual({
      status: 429,
      headers: {},
      body: 'quota'
    })
    expect(renderGatewayResponse('INTEGRATION_TIMEOUT', { overrides }).body).toBe(
      '{"message":"Endpoint request timed out"}'
    )
  })

  it('a DEFAULT_5XX override applies to 5XX types', () => {
    const overrides = { DEFAULT_5XX: { bodyTemplate: '5xx: $context.error.message' } }
    expect(renderGatewayResponse('INTEGRATION_TIMEOUT', { overrides })).toMatchObject({
      status: 504,
      body: '5xx: Endpoint request timed out'
    })
  })

  it('unknown references are left as written; ${context.x} braces work', () => {
    expect(
      renderResponseTemplate('$context.nope ${context.a} $stageVariables.zz', { a: '1' })
    ).toBe('$context.nope 1 $stageVariables.zz')
  })
})
