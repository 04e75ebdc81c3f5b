import { describe, expect, it } from 'vitest'
import { parseOriginChanges } from './origin-changes'

const one = (helper: string, argument: unknown) => parseOriginChanges([{ helper, argument }])[0]

describe('origin helper arguments', () => {
  it('takes an origin id for selectRequestOriginById()', () => {
    expect(one('selectRequestOriginById', 'b')).toEqual({ helper: 'selectRequestOriginById', originId: 'b' })
  })

  it.each([[''], [42], [null], [{ id: 'b' }]])('refuses %j as an origin id', (argument) => {
    expect(() => one('selectRequestOriginById', argument)).toThrow(/cf\.selectRequestOriginById\(\): expects an origin id/)
  })

  it('maps updateRequestOrigin() fields onto the origin settings', () => {
    const change = one('updateRequestOrigin', {
      domainName: '127.0.0.1',
      originPath: '/v2/app',
      customHeaders: { 'x-stage': 'blue' },
      connectionAttempts: 2,
      timeouts: { readTimeout: 60, keepAliveTimeout: 1, connectionTimeout: 10 },
      customOriginConfig: { port: 8080, protocol: 'http', sslProtocols: ['TLSv1.2'] }
    })
    expect(change).toEqual({
      helper: 'updateRequestOrigin',
      update: {
        domainName: '127.0.0.1',
        originPath: '/v2/app',
        customHeaders: [{ name: 'x-stage', value: 'blue' }],
        connectionAttempts: 2,
        responseTimeout: 60,
        keepaliveTimeout: 1,
        connectionTimeout: 10,
        port: 8080
      }
    })
  })

  it('accepts an empty customHeaders object (it clears the origin\'s headers) and a numeric port string', () => {
    expect(one('updateRequestOrigin', { customHeaders: {}, customOriginConfig: { port: '1024' } })).toEqual({ helper: 'updateRequestOrigin', update: { customHeaders: [], port: 1024 } })
  })

  it.each([
    [{ connectionAttempts: 0 }, /connectionAttempts must be a whole number from 1 to 3/],
    [{ connectionAttempts: 4 }, /connectionAttempts must be a whole number from 1 to 3/],
    [{ connectionAttempts: 1.5 }, /connectionAttempts must be a whole number/],
    [{ timeouts: { readTimeout: 61 } }, /timeouts\.readTimeout must be a whole number from 1 to 60/],
    [{ timeouts: { keepAliveTimeout: 0 } }, /timeouts\.keepAliveTimeout must be a whole number from 1 to 60/],
    [{ timeouts: { connectionTimeout: 11 } }, /timeouts\.connectionTimeout must be a whole number from 1 to 10/],
    [{ timeouts: { responseTimeout: 5 } }, /unknown field "timeouts\.responseTimeout"/],
    [{ timeouts: 5 }, /timeouts must be an object/],
    [{ originPath: 'v2' }, /originPath "v2" must start with "\/"/],
    [{ originPath: '/v2/' }, /originPath "\/v2\/" must start with "\/" and not end with one/],
    [{ originPath: `/${'a'.repeat(255)}` }, /originPath/],
    [{ originPath: 7 }, /originPath 7/],
    [{ domainName: '' }, /domainName must be a non-empty string/],
    [{ customHeaders: { 'X-Stage': 'blue' } }, /header names must be lower-case \("X-Stage"\)/],
    [{ customHeaders: { 'x-stage': 1 } }, /customHeaders\["x-stage"\] must be a string/],
    [{ customHeaders: { host: 'example.com' } }, /customHeaders: "host": CloudFront cannot add host/],
    [{ customHeaders: { 'x-amz-date': 'now' } }, /CloudFront cannot add x-amz-date/],
    [{ customHeaders: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`x-h${i}`, 'v'])) }, /customHeaders/],
    [{ customHeaders: { 'x-long': 'v'.repeat(1784) } }, /customHeaders/],
    [{ customHeaders: ['x-stage'] }, /customHeaders must be an object/],
    [{ customOriginConfig: { port: 8 } }, /customOriginConfig\.port must be 80, 443 or 1024–65535/],
    [{ customOriginConfig: { port: 70000 } }, /customOriginConfig\.port must be 80, 443 or 1024–65535/],
    [{ customOriginConfig: { protocol: 'https' } }, /customOriginConfig\.protocol "https" is not supported/],
    [{ customOriginConfig: { protocol: 'ftp' } }, /customOriginConfig\.protocol must be "http" or "https"/],
    [{ customOriginConfig: { sslProtocols: ['TLSv1.3'] } }, /customOriginConfig\.sslProtocols must be a list of/],
    [{ customOriginConfig: { host: 'x' } }, /unknown field "customOriginConfig\.host"/],
    [{ originShield: { enabled: true, region: 'us-east-1' } }, /originShield is not supported/],
    [{ originAccessControlConfig: { enabled: false } }, /originAccessControlConfig is not supported/],
    [{ hostHeader: 'example.com' }, /unknown field "hostHeader"/],
    ['origin', /expects an object of origin properties/]
  ])('refuses updateRequestOrigin(%j)', (argument, message) => {
    expect(() => one('updateRequestOrigin', argument)).toThrow(message)
  })

  it('names the helper and the field in the error details', () => {
    try {
      one('updateRequestOrigin', { timeouts: { readTimeout: 0 } })
      expect.unreachable()
    } catch (error) {
      expect((error as { code: string; details: unknown }).code).toBe('LAB_ERR_CONFIG_INVALID')
      expect((error as { details: unknown }).details).toEqual({ helper: 'updateRequestOrigin', field: 'timeouts.readTimeout' })
    }
  })

  it('takes origin ids as { originId } objects (AWS\'s example) or strings for createRequestOriginGroup()', () => {
    const expected = { helper: 'createRequestOriginGroup', originIds: ['a', 'b'], failoverStatusCodes: [500, 502] }
    expect(one('createRequestOriginGroup', { originIds: [{ originId: 'a' }, { originId: 'b' }], failoverCriteria: { statusCodes: [500, 502] } })).toEqual(expected)
    expect(one('createRequestOriginGroup', { originIds: ['a', 'b'], selectionCriteria: 'default', failoverCriteria: { statusCodes: [500, 502, 500] } })).toEqual(expected)
  })

  it.each([
    [{ originIds: ['a'], failoverCriteria: { statusCodes: [500] } }, /originIds must list exactly two origins/],
    [{ originIds: ['a', 'b', 'c'], failoverCriteria: { statusCodes: [500] } }, /originIds must list exactly two origins/],
    [{ originIds: ['a', 'a'], failoverCriteria: { statusCodes: [500] } }, /originIds name "a" twice/],
    [{ originIds: ['a', 7], failoverCriteria: { statusCodes: [500] } }, /originIds\[1\] must be an origin id/],
    [{ originIds: ['a', { originId: 'b', originAccessControlConfig: {} }], failoverCriteria: { statusCodes: [500] } }, /originIds\[1\]\.originAccessControlConfig is not supported/],
    [{ originIds: ['a', 'b'] }, /failoverCriteria\.statusCodes must be a non-empty list/],
    [{ originIds: ['a', 'b'], failoverCriteria: { statusCodes: [] } }, /failoverCriteria\.statusCodes must be a non-empty list/],
    [{ originIds: ['a', 'b'], failoverCriteria: { statusCodes: [501] } }, /failoverCriteria\.statusCodes: 501 is not one of 400 403 404 416 500 502 503 504/],
    [{ originIds: ['a', 'b'], failoverCriteria: { statusCodes: ['500'] } }, /"500" is not one of/],
    [{ originIds: ['a', 'b'], selectionCriteria: 'media-quality-based', failoverCriteria: { statusCodes: [500] } }, /media-quality-based" is not supported/],
    [{ originIds: ['a', 'b'], selectionCriteria: 'fastest', failoverCriteria: { statusCodes: [500] } }, /selectionCriteria must be "default" or "media-quality-based"/],
    [{ originIds: ['a', 'b'], failoverCriteria: { statusCodes: [500] }, id: 'g' }, /unknown field "id"/]
  ])('refuses createRequestOriginGroup(%j)', (argument, message) => {
    expect(() => one('createRequestOriginGroup', argument)).toThrow(message)
  })
})
