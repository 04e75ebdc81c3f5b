import { z } from 'zod'

export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

const headersSchema = z
  .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid HTTP header name'), z.string())
  .describe('Response headers, name to value.')

export const originRouteSchema = z
  .object({
    path: z
      .string()
      .regex(/^\//, 'must start with "/"')
      .describe('Request path to match. A trailing `*` matches any rest of the path: `/api/*`.'),
    method: z.enum(httpMethods).optional().describe('Only match this method. Default: any method.'),
    status: z.number().int().min(100).max(599).default(200).describe('Response status code.'),
    headers: headersSchema.default({}),
    body: z.string().optional().describe('Response body as text.'),
    json: z.unknown().optional().describe('Response body as JSON (sets content-type).')
  })
  .strict()
  .refine((r) => r.body === undefined || r.json === undefined, {
    message: 'give either `body` or `json`, not both'
  })
  .describe('An inline response.')

export const originConfigSchema = z
  .object({
    routes: z
      .array(originRouteSchema)
      .default([])
      .describe('Inline responses, tried in order before the static folder and the echo.'),
    static: z
      .object({
        root: z.string().min(1).describe('Folder to serve, relative to the lab file.'),
        index: z.string().default('index.html').describe('File served for a folder path.')
      })
      .strict()
      .optional()
      .describe('Serve files from a folder.'),
    echo: z
      .boolean()
      .default(true)
      .describe(
        'Answer requests that no route or file matched with a JSON echo of the request ' +
          '(method, path, query, headers, body, client address). When false they get 404.'
      ),
    latency: z
      .object({
        fixedMs: z.number().min(0).max(60_000).default(0).describe('Delay added to every response.'),
        jitterMs: z
          .number()
          .min(0)
          .max(60_000)
          .default(0)
          .describe('Extra random delay, uniform in [0, jitterMs].')
      })
      .strict()
      .optional()
      .describe('Added response latency.'),
    faults: z
      .object({
        errorRate: z.number().min(0).max(1).default(0).describe('Share of requests answered with errorStatus.'),
        errorStatus: z.number().int().min(400).max(599).default(503).describe('Status of injected errors.'),
        closeRate: z
          .number()
          .min(0)
          .max(1)
          .default(0)
          .describe('Share of requests whose connection is closed without a response.')
      })
      .strict()
      .optional()
      .describe('Injected failures, so that health checks, retries and failover have something to see.'),
    seed: z
      .number()
      .int()
      .optional()
      .describe('Seed for the random choices of latency jitter and faults (repeatable labs and tests).')
  })
  .strict()
  .describe('An HTTP server that labs use as a backend.')

export type OriginConfig = z.output<typeof originConfigSchema>
export type OriginConfigInput = z.input<typeof originConfigSchema>
export type OriginRoute = z.output<typeof originRouteSchema>
