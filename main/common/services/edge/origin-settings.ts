import { z } from 'zod'

/**
 * CloudFront's custom origin settings (DG DownloadDistValuesOrigin, API Origin / CustomOriginConfig):
 * timeouts, connection attempts, the origin path and the custom headers added to origin requests,
 * with CloudFront's names, ranges and defaults.
 */

/**
 * Headers CloudFront refuses as origin custom headers (DG add-origin-custom-headers, "Custom headers
 * that CloudFront can't add to origin requests"), plus every name starting X-Amz- or X-Edge-.
 */
export const forbiddenCustomHeaderNames = [
  'Cache-Control',
  'Connection',
  'Content-Length',
  'Cookie',
  'Host',
  'If-Match',
  'If-Modified-Since',
  'If-None-Match',
  'If-Range',
  'If-Unmodified-Since',
  'Max-Forwards',
  'Pragma',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Connection',
  'Range',
  'Request-Range',
  'TE',
  'Trailer',
  'Transfer-Encoding',
  'Upgrade',
  'Via',
  'X-Real-Ip'
] as const

const forbiddenNames = new Set(forbiddenCustomHeaderNames.map((name) => name.toLowerCase()))
const forbiddenPrefixes = ['x-amz-', 'x-edge-']

/** Whether CloudFront refuses `name` as an origin custom header (case-insensitive). */
export function isForbiddenCustomHeader(name: string): boolean {
  const lower = name.toLowerCase()
  return forbiddenNames.has(lower) || forbiddenPrefixes.some((prefix) => lower.startsWith(prefix))
}

/** An HTTP field name (RFC 9110 §5.1: a token). */
const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** CloudFront's quotas on origin custom headers: 10 per origin, total length of names and values. */
const maxCustomHeaders = 10
const maxCustomHeadersLength = 10_240

const customHeader = z
  .object({
    name: z
      .string()
      .min(1)
      .max(256)
      .regex(headerName, 'must be an HTTP header name (letters, digits and !#$%&\'*+-.^_`|~)')
      .refine((name) => !isForbiddenCustomHeader(name), {
        error: (issue) =>
          `CloudFront cannot add ${String(issue.input)} to origin requests (refused: ${forbiddenCustomHeaderNames.join(', ')}, X-Amz-*, X-Edge-*)`
      })
      .describe('Header name; CloudFront refuses Host, Cookie, Cache-Control, conditionals, hop-by-hop headers, Via, X-Amz-* and X-Edge-*.'),
    value: z.string().max(1783).describe('Header value (at most 1,783 characters).')
  })
  .strict()

const customHeaders = z
  .array(customHeader)
  .max(maxCustomHeaders)
  .default([])
  .superRefine((headers, ctx) => {
    const seen = new Set<string>()
    headers.forEach((header, index) => {
      const lower = header.name.toLowerCase()
      if (seen.has(lower)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `${header.name} is given twice` })
      seen.add(lower)
    })
    const length = headers.reduce((sum, header) => sum + header.name.length + header.value.length, 0)
    if (length > maxCustomHeadersLength)
      ctx.addIssue({ code: 'custom', path: [], message: `names and values add up to ${length} characters; CloudFront allows ${maxCustomHeadersLength}` })
  })
  .describe('Headers added to every request to this origin (a viewer\'s header of the same name is overwritten). At most 10.')

/** `/a/b`: starts with a slash, no trailing slash, no empty segment, query or fragment. */
const originPathShape = /^(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]+)+$/

const originPath = z
  .string()
  .max(255)
  .refine((path) => path === '' || originPathShape.test(path), {
    message: 'must start with "/" and not end with one, e.g. /production (no empty segments, ?, # or spaces)'
  })
  .default('')
  .describe('A directory on the origin put before every request path: /production turns /a.png into /production/a.png. Starts with /, no trailing /; empty for none.')

/** The per-origin fields of `origins[]`, spread into its object schema. */
export const originSettingsFields = {
  connectionAttempts: z
    .number()
    .int()
    .min(1)
    .max(3)
    .default(3)
    .describe('How many times the edge tries to connect (1-3); a connection refused, closed or timed out is tried again, then the origin group fails over.'),
  connectionTimeout: z.number().int().min(1).max(10).default(10).describe('Seconds to wait for a connection to the origin (1-10).'),
  responseTimeout: z
    .number()
    .int()
    .min(1)
    .max(60)
    .default(30)
    .describe('Origin response timeout, seconds (1-60): the longest wait for the first byte of the response and between later bytes; then 504.'),
  keepaliveTimeout: z.number().int().min(1).max(60).default(5).describe('Seconds an idle connection to the origin is kept open for the next request (1-60).'),
  originPath,
  customHeaders
}

export type OriginSettings = z.output<z.ZodObject<typeof originSettingsFields>>
