/**
 * Lambda (function) authorizers for REST (TOKEN, REQUEST) and HTTP APIs (REQUEST, payload 1.0/2.0),
 * reference §1.3. The function call is injected (`invoke`), so this module decides everything around
 * it: which identity values are needed and when the function is not called at all, the event, the
 * cache, and what the function's answer means.
 *
 * Answers, REST (bodies as API Gateway sends them without gateway-response overrides):
 * - no identity / token fails `identityValidationExpression` / function fails with exactly
 *   `Unauthorized` → 401 UNAUTHORIZED `{"message":"Unauthorized"}`;
 * - a Deny statement applies → 403 ACCESS_DENIED
 *   `{"Message":"User is not authorized to access this resource with an explicit deny"}`;
 * - no Allow applies → 403 ACCESS_DENIED `{"Message":"User is not authorized to access this resource"}`.
 *   The capital `Message` is what a measured table shows (dev.to marcogrcr, "API Gateway Lambda
 *   authorizer failure modes"); AWS's re:Post article writes it `message`. Not settled;
 * - any other failure or malformed output → 500 `{"message": null}` (auth0-samples PR #6 and aws/chalice
 *   #670 quote that body). Malformed output is AUTHORIZER_CONFIGURATION_ERROR (the response carries
 *   `x-amzn-ErrorType: AuthorizerConfigurationException`, serverless/examples #305); a function error
 *   is AUTHORIZER_FAILURE here, which is our reading of the gateway-response descriptions, unconfirmed.
 * HTTP API: 401 `{"message":"Unauthorized"}`, 403 `{"message":"Forbidden"}`, 500
 * `{"message":"Internal Server Error"}` (HTTP API's usual texts; not confirmed for authorizers).
 */
import { LabError } from '../../../../common/errors/lab-error'
import type { Clock } from '../../../base/clock'
import type { GatewayResponseType } from '../core/gateway-responses'
import { AuthorizerCache, identityCacheKey, tokenCacheKey } from './authorizer-cache'
import { evaluatePolicy, parsePolicyDocument, type PolicyDocument } from './iam-policy'
import {
  parseIdentitySource,
  readIdentitySource,
  resolveIdentitySources,
  type ParsedIdentitySource
} from './identity-sources'
import {
  contextVariables,
  httpV1Event,
  httpV2Event,
  requestArn,
  restRequestEvent,
  restTokenEvent,
  type AuthorizerRequest
} from './lambda-events'

export type LambdaAuthorizerConfig =
  | {
      kind: 'rest-token'
      /** Default `method.request.header.Authorization`. */
      identitySource?: string
      /** Regex the whole token must match, checked before the function is called. */
      identityValidationExpression?: string
      resultTtlSeconds?: number
    }
  | { kind: 'rest-request'; identitySources: string[]; resultTtlSeconds?: number }
  | {
      kind: 'http'
      payloadFormatVersion: '1.0' | '2.0'
      /** May be empty only when caching is off. */
      identitySources: string[]
      /** 2.0 only: the function answers `{ isAuthorized, context }` instead of a policy. */
      enableSimpleResponses?: boolean
      resultTtlSeconds?: number
    }

/** What the function runner reports: the function's return value, or its error message. */
export type InvokeResult = { ok: true; result: unknown } | { ok: false; message: string }
export type InvokeAuthorizer = (event: unknown) => Promise<InvokeResult>

type ContextValue = unknown

export type LambdaAuthResult = (
  | {
      ok: true
      principalId?: string
      context: Record<string, ContextValue>
      usageIdentifierKey?: string
    }
  | {
      ok: false
      status: 401 | 403 | 500
      /** REST gateway response type (so overrides can apply); undefined for HTTP APIs. */
      type?: GatewayResponseType
      body: Record<string, string | null>
    }
) & {
  /** One sentence for the lab's request log. */
  reason: string
  /** "authorizer result from cache". */
  fromCache: boolean
  invoked: boolean
}

/** What the function's answer meant, before it is applied to a request: this is what gets cached. */
type AuthorizerOutput =
  | {
      kind: 'policy'
      principalId?: string
      policy: PolicyDocument
      context: Record<string, ContextValue>
      usageIdentifierKey?: string
    }
  | { kind: 'simple'; isAuthorized: boolean; context: Record<string, ContextValue> }
  | { kind: 'unauthorized' }
  | { kind: 'failure'; type: GatewayResponseType; problem: string }

const UNAUTHORIZED = 'Unauthorized'
const REST_EXPLICIT_DENY = 'User is not authorized to access this resource with an explicit deny'
const REST_IMPLICIT_DENY = 'User is not authorized to access this resource'

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export class LambdaAuthorizer {
  private readonly sources: ParsedIdentitySource[]
  private readonly validation: RegExp | undefined
  readonly cache: AuthorizerCache<AuthorizerOutput>

  constructor(
    readonly config: LambdaAuthorizerConfig,
    private readonly invoke: InvokeAuthorizer,
    options: { clock: Clock; maxCacheEntries?: number }
  ) {
    this.cache = new AuthorizerCache({
      clock: options.clock,
      ttlSeconds: config.resultTtlSeconds,
      maxEntries: options.maxCacheEntries
    })
    if (config.kind === 'rest-token') {
      this.sources = [
        parseIdentitySource(config.identitySource ?? 'method.request.header.Authorization')
      ]
      if (this.sources[0]!.kind !== 'header') {
        throw new LabError(
          'LAB_ERR_CONFIG_INVALID',
          'A TOKEN authorizer reads its token from a header'
        )
      }
      this.validation = compileValidation(config.identityValidationExpression)
    } else {
      this.sources = config.identitySources.map(parseIdentitySource)
      this.validation = undefined
      if (this.sources.length === 0 && (config.kind === 'rest-request' || this.cache.enabled)) {
        throw new LabError(
          'LAB_ERR_CONFIG_INVALID',
          'A REQUEST authorizer with caching needs at least one identity source'
        )
      }
    }
  }

  private get isRest(): boolean {
    return this.config.kind !== 'http'
  }

  async authorize(request: AuthorizerRequest): Promise<LambdaAuthResult> {
    const withContext = { ...request, context: contextVariables(request) }
    const resolution = resolveIdentitySources(this.sources, withContext)
    let key: string
    let event: unknown
    if (this.config.kind === 'rest-token') {
      const token = readIdentitySource(this.sources[0]!, withContext)
      if (token === undefined || token.trim() === '') {
        return this.refuse(
          401,
          `no value for ${this.sources[0]!.expression}: 401 without calling the authorizer`
        )
      }
      if (this.validation && !this.validation.test(token)) {
        return this.refuse(
          401,
          `the token does not match identityValidationExpression ${this.config.identityValidationExpression}: 401 without calling the authorizer`
        )
      }
      key = tokenCacheKey(token)
      event = restTokenEvent(request, token)
    } else {
      // REST REQUEST checks identity only when caching is on (DG); HTTP APIs always do.
      const mustHaveIdentity = this.config.kind === 'http' || this.cache.enabled
      if (!resolution.ok && mustHaveIdentity) {
        return this.refuse(
          401,
          `no value for ${resolution.missing.expression}: 401 without calling the authorizer`
        )
      }
      const values = resolution.ok ? resolution.values : resolution.values.map((v) => v ?? '')
      key = identityCacheKey(values)
      event =
        this.config.kind === 'rest-request'
          ? restRequestEvent(request)
          : this.config.payloadFormatVersion === '1.0'
            ? httpV1Event(request, values)
            : httpV2Event(request, values)
    }

    const { value: output, fromCache } = await this.cache.resolve(
      key,
      async () => this.interpret(await this.invoke(event)),
      (o) => o.kind !== 'failure'
    )
    return this.decide(output, requestArn(request), fromCache)
  }

  /** Turns the function's answer into an output (or a failure), independently of the request. */
  private interpret(answer: InvokeResult): AuthorizerOutput {
    if (!answer.ok) {
      if (answer.message === UNAUTHORIZED) return { kind: 'unauthorized' }
      return {
        kind: 'failure',
        type: 'AUTHORIZER_FAILURE',
        problem: `the authorizer failed: ${answer.message}`
      }
    }
    const malformed = (problem: string): AuthorizerOutput => ({
      kind: 'failure',
      type: 'AUTHORIZER_CONFIGURATION_ERROR',
      problem: `the authorizer's output is malformed: ${problem}`
    })
    const out = answer.result
    if (!isPlainObject(out))
      return malformed(`expected an object, got ${JSON.stringify(out) ?? 'undefined'}`)

    const context = out.context ?? {}
    if (!isPlainObject(context)) return malformed('context is not an object')
    const flatContext =
      this.isRest || (this.config.kind === 'http' && this.config.payloadFormatVersion === '1.0')
    if (flatContext) {
      for (const [name, value] of Object.entries(context)) {
        if (!['string', 'number', 'boolean'].includes(typeof value)) {
          return malformed(
            `context.${name} is ${value === null ? 'null' : typeof value}; only strings, numbers and booleans are allowed`
          )
        }
      }
    }

    if (this.config.kind === 'http' && this.config.enableSimpleResponses) {
      if (typeof out.isAuthorized !== 'boolean')
        return malformed('simple response without a boolean isAuthorized')
      return { kind: 'simple', isAuthorized: out.isAuthorized, context }
    }

    if (this.isRest && (typeof out.principalId !== 'string' || out.principalId === '')) {
      return malformed('principalId is missing')
    }
    const parsed = parsePolicyDocument(out.policyDocument)
    if (!parsed.ok) return malformed(parsed.problem)
    if (out.usageIdentifierKey !== undefined && typeof out.usageIdentifierKey !== 'string') {
      return malformed('usageIdentifierKey is not a string')
    }
    return {
      kind: 'policy',
      ...(typeof out.principalId === 'string' ? { principalId: out.principalId } : {}),
      policy: parsed.policy,
      context,
      ...(typeof out.usageIdentifierKey === 'string'
        ? { usageIdentifierKey: out.usageIdentifierKey }
        : {})
    }
  }

  /** Applies an output (fresh or cached) to this request's ARN. */
  private decide(output: AuthorizerOutput, arn: string, fromCache: boolean): LambdaAuthResult {
    const flags = { fromCache, invoked: !fromCache }
    const suffix = fromCache ? ' (authorizer result from cache)' : ''
    switch (output.kind) {
      case 'unauthorized':
        return { ...this.refuse(401, `the authorizer answered Unauthorized${suffix}`), ...flags }
      case 'failure':
        return { ...this.failure(output.type, output.problem), ...flags }
      case 'simple':
        return output.isAuthorized
          ? {
              ok: true,
              context: output.context,
              reason: `the authorizer answered isAuthorized: true${suffix}`,
              ...flags
            }
          : {
              ...this.refuse(403, `the authorizer answered isAuthorized: false${suffix}`),
              ...flags
            }
      case 'policy': {
        const verdict = evaluatePolicy(output.policy, { resource: arn })
        const who = output.principalId ? ` for ${output.principalId}` : ''
        if (verdict.decision === 'allow') {
          return {
            ok: true,
            ...(output.principalId ? { principalId: output.principalId } : {}),
            context: output.context,
            ...(output.usageIdentifierKey ? { usageIdentifierKey: output.usageIdentifierKey } : {}),
            reason: `policy statement ${verdict.statement} allows ${arn}${who}${suffix}`,
            ...flags
          }
        }
        const explicit = verdict.decision === 'explicit-deny'
        const reason = explicit
          ? `policy statement ${verdict.statement} denies ${arn}${who}${suffix}`
          : `no policy statement allows ${arn}${who}${suffix}`
        return { ...this.refuse(403, reason, explicit), ...flags }
      }
    }
  }

  private refuse(status: 401 | 403, reason: string, explicitDeny = false): LambdaAuthResult {
    const flags = { fromCache: false, invoked: false }
    if (!this.isRest) {
      return {
        ok: false,
        status,
        body: { message: status === 401 ? UNAUTHORIZED : 'Forbidden' },
        reason,
        ...flags
      }
    }
    if (status === 401)
      return {
        ok: false,
        status,
        type: 'UNAUTHORIZED',
        body: { message: UNAUTHORIZED },
        reason,
        ...flags
      }
    const Message = explicitDeny ? REST_EXPLICIT_DENY : REST_IMPLICIT_DENY
    return { ok: false, status, type: 'ACCESS_DENIED', body: { Message }, reason, ...flags }
  }

  private failure(type: GatewayResponseType, reason: string): LambdaAuthResult {
    const flags = { fromCache: false, invoked: true }
    if (!this.isRest)
      return {
        ok: false,
        status: 500,
        body: { message: 'Internal Server Error' },
        reason,
        ...flags
      }
    return { ok: false, status: 500, type, body: { message: null }, reason, ...flags }
  }
}

/** AWS applies the expression to the whole token (a `\w{5}` expression accepts only 5-character tokens). */
function compileValidation(expression: string | undefined): RegExp | undefined {
  if (expression === undefined || expression === '') return undefined
  try {
    return new RegExp(`^(?:${expression})$`)
  } catch (error) {
    throw new LabError(
      'LAB_ERR_CONFIG_INVALID',
      `identityValidationExpression is not a valid regex: ${expression}`,
      {
        cause: error
      }
    )
  }
}
