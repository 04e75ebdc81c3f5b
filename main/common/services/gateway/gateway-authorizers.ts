import { z } from 'zod'
import { gatewayId, handlerRef } from './gateway-integrations'

const resultTtlSeconds = z
  .number()
  .int()
  .min(0)
  .max(3600)
  .default(300)
  .describe('How long a result is cached, keyed by the identity sources (0 turns caching off; AWS default 300, max 3600).')

const jwtAuthorizer = z
  .object({
    id: gatewayId,
    type: z.literal('jwt'),
    issuer: z.string().min(1).describe('Required `iss` claim.'),
    audiences: z.array(z.string().min(1)).min(1).max(50).describe('`aud` or `client_id` must be one of these.'),
    jwks: z
      .union([
        z.object({ file: z.string().min(1).describe('A JWKS JSON file, relative to the lab file.') }).strict(),
        z.object({ url: z.string().regex(/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//, 'must be http:// on a loopback address') }).strict()
      ])
      .describe('Where the signing keys are: a file in the lab, or a URL served inside the lab.'),
    identitySource: z.string().default('$request.header.Authorization')
  })
  .strict()

const functionAuthorizer = z
  .object({
    id: gatewayId,
    type: z.enum(['request', 'token']).describe('REQUEST (REST and HTTP APIs) or TOKEN (REST only).'),
    handler: handlerRef,
    identitySources: z
      .array(z.string().min(1))
      .default([])
      .describe('`$request.header.X`, `$request.querystring.X`, `$stageVariables.X`, `$context.X` (REST TOKEN: `method.request.header.X`).'),
    identityValidationExpression: z.string().optional().describe('TOKEN: a regular expression the token must match before the function is called.'),
    resultTtlSeconds,
    payloadFormatVersion: z.enum(['1.0', '2.0']).default('2.0').describe('HTTP APIs: the event format.'),
    simpleResponses: z.boolean().default(false).describe('HTTP APIs, format 2.0: the function may answer `{ isAuthorized, context }`.')
  })
  .strict()

const sessionAuthorizer = z
  .object({
    id: gatewayId,
    type: z.literal('session'),
    users: z
      .array(z.object({ username: z.string().min(1), password: z.string().min(1), claims: z.record(z.string(), z.string()).default({}) }).strict())
      .min(1)
      .describe('Who may log in. Lab credentials only: they are stored in the lab file as written.'),
    loginPath: z.string().regex(/^\//).default('/login').describe('POST {"username","password"} (JSON or form) here to get a session cookie.'),
    logoutPath: z.string().regex(/^\//).default('/logout'),
    cookieName: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/).default('netloom_session'),
    ttlSeconds: z.number().int().min(1).max(7 * 86400).default(3600),
    secure: z.boolean().default(false).describe('Add the Secure attribute (only for HTTPS listeners; the lab serves plain HTTP on loopback).')
  })
  .strict()

export const authorizerSchema = z
  .discriminatedUnion('type', [jwtAuthorizer, functionAuthorizer, sessionAuthorizer])
  .describe('Who may call a route: a JWT authorizer (HTTP APIs), a function authorizer, or Netloom\'s built-in session login.')

export type AuthorizerConfig = z.output<typeof authorizerSchema>
