import type { ResponseHeadersPolicy } from '../../../common/services/edge/response-headers-policy'

/** What the Server-Timing header reports, in milliseconds where it is a duration. */
export interface ServerTimingFacts {
  cacheResult: 'Hit' | 'RefreshHit' | 'Miss' | 'Error' | 'FunctionGeneratedResponse' | 'Redirect'
  originFirstByteMs?: number
  pop: string
  requestId: string
}

type Headers = Record<string, string | string[]>

function find(headers: Headers, name: string): string | undefined {
  return Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase())
}

function put(headers: Headers, name: string, value: string, override: boolean): void {
  const existing = find(headers, name)
  if (existing !== undefined && !override) return
  if (existing !== undefined) delete headers[existing]
  headers[name.toLowerCase()] = value
}

/**
 * Applies a response headers policy to the headers a viewer is about to get. CORS headers go only to
 * cross-origin requests (an `Origin` header) from an allowed origin; security and custom headers are
 * added unless the origin sent them and the policy does not override; removed headers go last.
 * Returns what it changed, for the request log.
 */
export function applyResponseHeadersPolicy(policy: ResponseHeadersPolicy, request: { method: string; origin?: string; preflightMethod?: string }, headers: Headers, timing: ServerTimingFacts, random: () => number = Math.random): string[] {
  const applied: string[] = []
  const cors = policy.cors
  if (cors && request.origin !== undefined) {
    const any = cors.allowOrigins.includes('*')
    const allowed = any || cors.allowOrigins.some((o) => o.toLowerCase() === request.origin!.toLowerCase())
    if (allowed) {
      put(headers, 'access-control-allow-origin', any && !cors.allowCredentials ? '*' : request.origin, cors.originOverride)
      if (cors.allowCredentials) put(headers, 'access-control-allow-credentials', 'true', cors.originOverride)
      if (cors.exposeHeaders.length) put(headers, 'access-control-expose-headers', cors.exposeHeaders.join(','), cors.originOverride)
      if (request.method === 'OPTIONS' && request.preflightMethod !== undefined) {
        const methods = cors.allowMethods.includes('ALL') ? ['GET', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] : cors.allowMethods
        put(headers, 'access-control-allow-methods', methods.join(','), cors.originOverride)
        if (cors.allowHeaders.length) put(headers, 'access-control-allow-headers', cors.allowHeaders.join(','), cors.originOverride)
        if (cors.maxAgeSec !== undefined) put(headers, 'access-control-max-age', String(cors.maxAgeSec), cors.originOverride)
      }
      if (!any) put(headers, 'vary', [find(headers, 'vary') && headers[find(headers, 'vary')!], 'Origin'].filter(Boolean).join(', '), true)
      applied.push(`CORS for ${request.origin}`)
    } else applied.push(`CORS: ${request.origin} is not an allowed origin`)
  }
  const s = policy.securityHeaders
  if (s) {
    if (s.contentSecurityPolicy) put(headers, 'content-security-policy', s.contentSecurityPolicy.value, s.contentSecurityPolicy.override)
    if (s.referrerPolicy) put(headers, 'referrer-policy', s.referrerPolicy.value, s.referrerPolicy.override)
    if (s.strictTransportSecurity) {
      const hsts = s.strictTransportSecurity
      put(headers, 'strict-transport-security', [`max-age=${hsts.maxAgeSec}`, hsts.includeSubdomains ? 'includeSubDomains' : '', hsts.preload ? 'preload' : ''].filter(Boolean).join('; '), hsts.override)
    }
    if (s.contentTypeOptions) put(headers, 'x-content-type-options', 'nosniff', s.contentTypeOptions.override)
    if (s.frameOptions) put(headers, 'x-frame-options', s.frameOptions.value, s.frameOptions.override)
    if (s.xssProtection) {
      const x = s.xssProtection
      put(headers, 'x-xss-protection', x.protection ? ['1', x.modeBlock ? 'mode=block' : '', x.reportUri ? `report=${x.reportUri}` : ''].filter(Boolean).join('; ') : '0', x.override)
    }
    applied.push('security headers')
  }
  for (const custom of policy.customHeaders) put(headers, custom.name, custom.value, custom.override)
  if (policy.customHeaders.length) applied.push(`custom headers ${policy.customHeaders.map((h) => h.name).join(', ')}`)
  for (const name of policy.removeHeaders) {
    const existing = find(headers, name)
    if (existing !== undefined) delete headers[existing]
  }
  if (policy.removeHeaders.length) applied.push(`removed ${policy.removeHeaders.join(', ')}`)
  if (policy.serverTiming && random() * 100 < policy.serverTiming.samplingRate) {
    const parts = [`cdn-cache-${timing.cacheResult === 'Miss' ? 'miss' : timing.cacheResult === 'Error' ? 'error' : 'hit'}`, `cdn-pop;desc="${timing.pop}"`, `cdn-rid;desc="${timing.requestId}"`]
    if (timing.originFirstByteMs !== undefined) parts.push(`cdn-upstream-fbl;dur=${Math.round(timing.originFirstByteMs)}`)
    put(headers, 'server-timing', parts.join(','), false)
    applied.push('Server-Timing')
  }
  return applied
}
