import { z } from 'zod'

/** An id that names something inside one gateway: an API, an integration, an authorizer, a key. */
export const gatewayId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (up to 64), starting with a letter or digit')

/** `functions/pets.handler`: the file `functions/pets.mjs` (or .js/.cjs), relative to the lab file, and its export. */
export const handlerRef = z
  .string()
  .regex(/^[^\s]+\.[A-Za-z_$][\w$]*$/, 'write it as Lambda does: <file without extension>.<export>, e.g. functions/pets.handler')
  .describe('Lambda-style handler: <file relative to the lab, without .mjs/.js/.cjs>.<exported function>.')

const timeoutMs = z.number().int().min(50).max(300_000)

const httpIntegration = z
  .object({
    id: gatewayId,
    type: z.literal('http'),
    url: z
      .string()
      .regex(/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+|:\$\{stageVariables\.[A-Za-z0-9_]+\})?(\/.*)?$/, 'must be http:// on a loopback address')
      .optional()
      .describe('Backend URL. `{param}`, `{proxy}` and `${stageVariables.x}` are substituted. Without a path, the request path is forwarded.'),
    service: z.string().optional().describe('A lab service id: its HTTP address, with the request path forwarded.'),
    path: z.string().regex(/^\//).optional().describe('With `service`: the path to call instead of the request path (`{param}` substituted).'),
    timeoutMs: timeoutMs.optional().describe('Integration timeout: AWS allows 50 ms–29 s for REST and WebSocket (default 29 s), 30 s for HTTP APIs.'),
    parameterMapping: z
      .record(z.string().regex(/^((append|overwrite|remove):(header|querystring)\.[^\s]+|overwrite:path)$/, 'write append|overwrite|remove:header.NAME, …:querystring.NAME or overwrite:path'), z.string())
      .default({})
      .describe('HTTP APIs: `append|overwrite|remove:header.X`, `…:querystring.X`, `overwrite:path` → a value such as `$request.header.Y`.'),
    responseParameters: z
      .record(
        z.string().regex(/^[1-5]\d\d$/, 'a status code such as 500'),
        z.record(z.string().regex(/^((append|overwrite|remove):header\.[^\s]+|overwrite:statuscode)$/, 'write append|overwrite|remove:header.NAME or overwrite:statuscode'), z.string())
      )
      .default({})
      .describe('HTTP APIs: by the backend\'s status code, rewrite the answer: `overwrite:statuscode`, `append|overwrite|remove:header.X` from `$response.header.Y`, `$response.body.a.b` or text.'),
    requestParameters: z
      .record(
        z.string().regex(/^integration\.request\.(header|querystring|path)\.[^\s]+$/, 'write integration.request.header|querystring|path.NAME'),
        z.string().regex(/^(method\.request\.(header|querystring|path)\.[^\s]+|'[^']*'|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$/, "write method.request.header|querystring|path.NAME, 'static text', stageVariables.NAME or context.NAME")
      )
      .default({})
      .describe("REST: `integration.request.header.X` → `method.request.header.Y`, `'static'`, `stageVariables.z` or `context.z`.")
  })
  .strict()
  .refine((i) => (i.url === undefined) !== (i.service === undefined), { message: 'give either url or service' })

const functionIntegration = z
  .object({
    id: gatewayId,
    type: z.literal('function'),
    handler: handlerRef,
    payloadFormatVersion: z.enum(['1.0', '2.0']).default('2.0').describe('Lambda proxy event format: REST APIs always use 1.0; HTTP APIs 1.0 or 2.0.'),
    timeoutMs: timeoutMs.optional(),
    memoryMb: z.number().int().min(16).max(10_240).default(128).describe('Heap limit of the worker that runs the handler.'),
    reservedConcurrency: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(4)
      .describe('Invocations at once (each in its own worker, with its own module state); more wait. 1 lets module-level state be shared.')
  })
  .strict()

const mockIntegration = z
  .object({
    id: gatewayId,
    type: z.literal('mock'),
    statusCode: z.number().int().min(100).max(599).default(200),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().default('').describe('Response body; `$context.requestId`, `$stageVariables.x` and `$input.params(\'name\')` are substituted.')
  })
  .strict()

export const integrationSchema = z.discriminatedUnion('type', [httpIntegration, functionIntegration, mockIntegration]).describe('Where a route sends its requests.')

export type IntegrationConfig = z.output<typeof integrationSchema>
