import { z } from 'zod'

/**
 * CloudFront response headers policies (DG understanding-response-headers-policies): CORS, security
 * headers, custom headers, headers to remove and Server-Timing, each added to what the viewer gets.
 */

const override = z.boolean().default(false).describe('Replace the origin\'s own header (otherwise the origin\'s value stays).')

/** Headers a policy may not remove (CloudFront's list). */
export const unremovableHeaders = /^(connection|content-encoding|content-length|expect|host|keep-alive|proxy-.*|trailer|transfer-encoding|upgrade|via|warning|x-accel-.*|x-amz-cf-.*|x-amzn-.*|x-cache|x-edge-.*|x-forwarded-proto|x-real-ip)$/i

export const responseHeadersPolicySchema = z
  .object({
    cors: z
      .object({
        allowOrigins: z.array(z.string().min(1)).min(1),
        allowHeaders: z.array(z.string().min(1)).default([]),
        allowMethods: z.array(z.enum(['GET', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'ALL'])).default(['GET', 'HEAD']),
        exposeHeaders: z.array(z.string().min(1)).default([]),
        allowCredentials: z.boolean().default(false),
        maxAgeSec: z.number().int().min(0).optional(),
        originOverride: z.boolean().default(true)
      })
      .strict()
      .optional(),
    securityHeaders: z
      .object({
        contentSecurityPolicy: z.object({ value: z.string().min(1).max(1783), override }).strict().optional(),
        referrerPolicy: z
          .object({ value: z.enum(['no-referrer', 'no-referrer-when-downgrade', 'origin', 'origin-when-cross-origin', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin', 'unsafe-url']), override })
          .strict()
          .optional(),
        strictTransportSecurity: z.object({ maxAgeSec: z.number().int().min(0), includeSubdomains: z.boolean().default(false), preload: z.boolean().default(false), override }).strict().optional(),
        contentTypeOptions: z.object({ override }).strict().optional().describe('X-Content-Type-Options: nosniff'),
        frameOptions: z.object({ value: z.enum(['DENY', 'SAMEORIGIN']), override }).strict().optional(),
        xssProtection: z.object({ protection: z.boolean().default(true), modeBlock: z.boolean().default(true), reportUri: z.string().optional(), override }).strict().optional()
      })
      .strict()
      .optional(),
    customHeaders: z
      .array(z.object({ name: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/), value: z.string().max(1783), override }).strict())
      .max(10)
      .default([]),
    removeHeaders: z
      .array(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/).refine((name) => !unremovableHeaders.test(name), { message: 'CloudFront does not let a policy remove this header' }))
      .max(10)
      .default([]),
    serverTiming: z.object({ samplingRate: z.number().min(0).max(100).default(100) }).strict().optional().describe('Add a Server-Timing header to this share (%) of responses.')
  })
  .strict()

export type ResponseHeadersPolicy = z.output<typeof responseHeadersPolicySchema>

const simpleCors: ResponseHeadersPolicy['cors'] = { allowOrigins: ['*'], allowHeaders: [], allowMethods: ['GET', 'HEAD'], exposeHeaders: [], allowCredentials: false, originOverride: false }
const preflightCors: ResponseHeadersPolicy['cors'] = { allowOrigins: ['*'], allowHeaders: ['*'], allowMethods: ['ALL'], exposeHeaders: ['*'], allowCredentials: false, originOverride: false, maxAgeSec: 600 }
const security: ResponseHeadersPolicy['securityHeaders'] = {
  referrerPolicy: { value: 'strict-origin-when-cross-origin', override: false },
  strictTransportSecurity: { maxAgeSec: 31536000, includeSubdomains: false, preload: false, override: false },
  contentTypeOptions: { override: true },
  frameOptions: { value: 'SAMEORIGIN', override: false },
  xssProtection: { protection: true, modeBlock: true, override: false }
}
const base = { customHeaders: [], removeHeaders: [] }

/** CloudFront's managed response headers policies, by name. */
export const managedResponseHeadersPolicies: Record<string, ResponseHeadersPolicy> = {
  SimpleCORS: { ...base, cors: simpleCors },
  'CORS-With-Preflight': { ...base, cors: preflightCors },
  SecurityHeadersPolicy: { ...base, securityHeaders: security },
  'CORS-and-SecurityHeadersPolicy': { ...base, cors: simpleCors, securityHeaders: security },
  'CORS-with-preflight-and-SecurityHeadersPolicy': { ...base, cors: preflightCors, securityHeaders: security }
}
