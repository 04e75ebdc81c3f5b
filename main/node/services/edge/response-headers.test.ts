import { describe, expect, it } from 'vitest'
import { managedResponseHeadersPolicies, responseHeadersPolicySchema } from '../../../common/services/edge/response-headers-policy'
import { applyResponseHeadersPolicy } from './response-headers'

const timing = { cacheResult: 'Hit' as const, pop: 'LAB1-P1', requestId: 'rid' }

describe('response headers policies', () => {
  it('SecurityHeadersPolicy adds the security headers and keeps the origin\'s own unless it overrides', () => {
    const headers: Record<string, string> = { 'X-Frame-Options': 'DENY', 'x-content-type-options': 'whatever' }
    applyResponseHeadersPolicy(managedResponseHeadersPolicies['SecurityHeadersPolicy']!, { method: 'GET' }, headers, timing)
    expect(headers).toEqual({
      'X-Frame-Options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'strict-transport-security': 'max-age=31536000',
      'x-xss-protection': '1; mode=block'
    })
  })

  it('CORS headers go only to allowed cross-origin requests, with preflight headers for OPTIONS', () => {
    const policy = responseHeadersPolicySchema.parse({ cors: { allowOrigins: ['https://app.lab'], allowMethods: ['GET', 'POST'], allowHeaders: ['authorization'], maxAgeSec: 600, allowCredentials: true } })
    const plain: Record<string, string> = {}
    expect(applyResponseHeadersPolicy(policy, { method: 'GET' }, plain, timing)).toEqual([])
    expect(plain).toEqual({})
    const foreign: Record<string, string> = {}
    expect(applyResponseHeadersPolicy(policy, { method: 'GET', origin: 'https://evil.lab' }, foreign, timing)).toEqual(['CORS: https://evil.lab is not an allowed origin'])
    const preflight: Record<string, string> = {}
    applyResponseHeadersPolicy(policy, { method: 'OPTIONS', origin: 'https://app.lab', preflightMethod: 'POST' }, preflight, timing)
    expect(preflight).toEqual({
      'access-control-allow-origin': 'https://app.lab',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'authorization',
      'access-control-max-age': '600',
      vary: 'Origin'
    })
  })

  it('adds custom headers, removes others, and samples Server-Timing', () => {
    const policy = responseHeadersPolicySchema.parse({ customHeaders: [{ name: 'x-lab', value: 'yes' }], removeHeaders: ['server'], serverTiming: { samplingRate: 50 } })
    const headers: Record<string, string> = { Server: 'origin/1.0' }
    applyResponseHeadersPolicy(policy, { method: 'GET' }, headers, { ...timing, cacheResult: 'Miss', originFirstByteMs: 12.4 }, () => 0.1)
    expect(headers).toEqual({ 'x-lab': 'yes', 'server-timing': 'cdn-cache-miss,cdn-pop;desc="LAB1-P1",cdn-rid;desc="rid",cdn-upstream-fbl;dur=12' })
    const unsampled: Record<string, string> = {}
    applyResponseHeadersPolicy(policy, { method: 'GET' }, unsampled, timing, () => 0.9)
    expect(unsampled['server-timing']).toBeUndefined()
  })

  it('refuses to remove the headers CloudFront keeps', () => {
    expect(responseHeadersPolicySchema.safeParse({ removeHeaders: ['x-cache'] }).success).toBe(false)
  })
})
