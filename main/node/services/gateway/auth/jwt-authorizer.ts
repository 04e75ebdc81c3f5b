/**
 * HTTP API JWT authorizer (reference §1.3; DG http-api-jwt-authorizer). Checks, in AWS's order:
 * decode → `kid` against the JWKS and the signature → `iss` == issuer → `aud` (or `client_id` when
 * there is no `aud`) ∈ audiences → `exp` > now → `nbf` ≤ now → `iat` ≤ now → the route's scopes.
 *
 * jose verifies the signature (`compactVerify` with `createLocalJWKSet`); the claims are checked here
 * rather than by `jwtVerify`, because jose checks them in its own order, knows nothing of the
 * `client_id` fallback and does not refuse an `iat` in the future. Time is the injected clock's.
 *
 * Responses: any token problem is 401 `{"message":"Unauthorized"}` with a `www-authenticate: Bearer
 * scope="" error="invalid_token" error_description="…"` header (format and the audience description
 * confirmed by DG http-api-troubleshooting-jwt; the other descriptions are ours, unconfirmed). A valid
 * token without any of the route's scopes is 403 (DG rest-api-jwt-authorizer-methods: "receives a
 * 403 Forbidden response"); the body `{"message":"Forbidden"}` is HTTP API's usual 403 text, not
 * confirmed for this case.
 */
import {
  compactVerify,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload
} from 'jose'
import { LabError } from '../../../../common/errors/lab-error'
import type { Clock } from '../../../base/clock'
import {
  parseIdentitySource,
  readIdentitySource,
  type IdentityRequest,
  type ParsedIdentitySource
} from './identity-sources'
import { JwksSource, type JwksLocation, type JwksSourceOptions } from './jwks-source'

/**
 * Asymmetric algorithms only. DG-2023 says AWS accepts "only RSA-based algorithms"; Netloom also takes
 * PS* and ES*, which newer AWS pages allow. HS* (a shared secret cannot be published in a JWKS) and
 * `none` are always refused.
 */
export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512'
]

export const DEFAULT_JWT_IDENTITY_SOURCE = '$request.header.Authorization'
/** AWS quota: 50 audiences per authorizer. */
export const MAX_JWT_AUDIENCES = 50

export const UNAUTHORIZED_MESSAGE = 'Unauthorized'
export const FORBIDDEN_MESSAGE = 'Forbidden'

export interface JwtAuthorizerConfig {
  /** Must equal the token's `iss` exactly. */
  issuer: string
  /** The token's `aud` (or `client_id` when it has no `aud`) must be one of these. */
  audiences: string[]
  /** Absolute path of a JWKS file in the lab, or the issuer's `jwks_uri`. */
  jwks: JwksLocation
  /** Where the token is read; default `$request.header.Authorization`. */
  identitySource?: string
}

export type JwtAuthResult =
  | { ok: true; claims: JWTPayload; scopes: string[]; reason: string }
  | {
      ok: false
      status: 401 | 403
      body: { message: string }
      /** One sentence for the lab's request log. */
      reason: string
      /** The `www-authenticate` header value AWS sends with a 401 for a bad token. */
      wwwAuthenticate?: string
    }

export type JwtAuthorizerOptions = { clock: Clock } & Omit<JwksSourceOptions, 'clock'>

/** A claim time for the log; a value no Date can hold is shown as the number it is. */
function iso(seconds: number): string {
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime())
    ? `${seconds} (seconds)`
    : date.toISOString().replace('.000Z', 'Z')
}

function unauthorized(reason: string, description?: string): JwtAuthResult {
  const result: JwtAuthResult = {
    ok: false,
    status: 401,
    body: { message: UNAUTHORIZED_MESSAGE },
    reason
  }
  if (description !== undefined) {
    result.wwwAuthenticate = `Bearer scope="" error="invalid_token" error_description="${description}"`
  }
  return result
}

/** Scopes a token carries: `scope` (space-separated) and/or `scp` (array, or space-separated string). */
export function tokenScopes(claims: JWTPayload): string[] {
  const scopes = new Set<string>()
  const add = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const s of value.split(/\s+/)) if (s) scopes.add(s)
    } else if (Array.isArray(value)) {
      for (const s of value) if (typeof s === 'string' && s) scopes.add(s)
    }
  }
  add(claims.scope)
  add(claims.scp)
  return [...scopes]
}

/** Removes a `Bearer ` prefix (AWS: "the token, or the token prefixed with Bearer"). */
export function stripBearer(value: string): string {
  const match = /^bearer\s+(.*)$/is.exec(value.trim())
  return (match ? match[1]! : value).trim()
}

export class JwtAuthorizer {
  private readonly identity: ParsedIdentitySource
  readonly jwks: JwksSource

  constructor(
    readonly config: JwtAuthorizerConfig,
    private readonly options: JwtAuthorizerOptions
  ) {
    if (config.audiences.length === 0 || config.audiences.length > MAX_JWT_AUDIENCES) {
      throw new LabError(
        'LAB_ERR_CONFIG_INVALID',
        `A JWT authorizer needs 1 to ${MAX_JWT_AUDIENCES} audiences (has ${config.audiences.length})`
      )
    }
    if (
      'file' in config.jwks &&
      !config.jwks.file.startsWith('/') &&
      !/^[A-Za-z]:[\\/]/.test(config.jwks.file)
    ) {
      throw new LabError(
        'LAB_ERR_CONFIG_INVALID',
        `JWKS file must be an absolute path: ${config.jwks.file}`
      )
    }
    this.identity = parseIdentitySource(config.identitySource ?? DEFAULT_JWT_IDENTITY_SOURCE)
    this.jwks = new JwksSource(config.jwks, options)
  }

  private readonly localSets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>()
  /** Tokens whose signatures verified, with the key set they verified against (bounded, oldest out). */
  private readonly verified = new Map<string, JSONWebKeySet>()

  private localSet(keys: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
    let set = this.localSets.get(keys)
    if (!set) this.localSets.set(keys, (set = createLocalJWKSet(keys)))
    return set
  }

  private rememberVerified(token: string, keys: JSONWebKeySet): void {
    this.verified.delete(token)
    this.verified.set(token, keys)
    if (this.verified.size > 1000) this.verified.delete(this.verified.keys().next().value!)
  }

  /** Reads the token from the identity source and verifies it for a route. */
  authorize(request: IdentityRequest, routeScopes: readonly string[] = []): Promise<JwtAuthResult> {
    return this.verifyToken(readIdentitySource(this.identity, request), routeScopes)
  }

  /** Verifies an identity source value (`Bearer eyJ…` or `eyJ…`) for a route's scopes. */
  async verifyToken(
    value: string | undefined,
    routeScopes: readonly string[] = []
  ): Promise<JwtAuthResult> {
    if (value === undefined || value.trim() === '') {
      return unauthorized(`no token in ${this.identity.expression}`)
    }
    const token = stripBearer(value)

    let header: ReturnType<typeof decodeProtectedHeader>
    let claims: JWTPayload
    try {
      if (token.split('.').length !== 3) throw new Error('expected three dot-separated parts')
      header = decodeProtectedHeader(token)
      claims = decodeJwt(token)
    } catch (error) {
      return unauthorized(
        `the token is not a JWT (${(error as Error).message})`,
        'the token could not be decoded'
      )
    }

    if (typeof header.alg !== 'string' || !JWT_ALGORITHMS.includes(header.alg)) {
      return unauthorized(
        `algorithm ${String(header.alg)} is refused (accepted: ${JWT_ALGORITHMS.join(', ')})`,
        'the token uses an unsupported signing algorithm'
      )
    }
    if (typeof header.kid !== 'string' || header.kid === '') {
      return unauthorized('the token header has no kid', 'the token has no key id')
    }

    let keys
    try {
      keys = await this.jwks.keySet(header.kid)
    } catch (error) {
      // Not confirmed what AWS answers when the JWKS cannot be fetched; a 401 keeps the request out.
      return unauthorized(
        `signing keys unavailable: ${(error as Error).message}`,
        'signing keys are unavailable'
      )
    }
    if (!keys.keys.some((key) => key.kid === header.kid)) {
      return unauthorized(
        `no key with kid "${header.kid}" in the ${this.jwksLabel()}`,
        'the token key id is unknown'
      )
    }
    try {
      // A token whose signature verified against these very keys needs no second check; a reloaded
      // key set is a new object, so rotation re-verifies. The claims below are checked every time.
      if (this.verified.get(token) !== keys) {
        await compactVerify(token, this.localSet(keys), { algorithms: JWT_ALGORITHMS })
        this.rememberVerified(token, keys)
      }
    } catch (error) {
      return unauthorized(
        `signature does not verify with key "${header.kid}" (${(error as Error).message})`,
        'the token signature is invalid'
      )
    }

    if (claims.iss !== this.config.issuer) {
      return unauthorized(
        `issuer ${JSON.stringify(claims.iss ?? null)} is not the configured ${JSON.stringify(this.config.issuer)}`,
        'the token does not have a valid issuer'
      )
    }

    const audienceCheck = this.checkAudience(claims)
    if (audienceCheck) return audienceCheck

    const now = this.options.clock.now()
    if (typeof claims.exp !== 'number') {
      return unauthorized('the token has no exp claim', 'the token has no expiry')
    }
    if (claims.exp * 1000 <= now) {
      return unauthorized(`token expired at ${iso(claims.exp)}`, 'the token has expired')
    }
    for (const name of ['nbf', 'iat'] as const) {
      if (claims[name] !== undefined && typeof claims[name] !== 'number') {
        return unauthorized(
          `the token's ${name} claim is not a number`,
          `the token has an invalid ${name}`
        )
      }
    }
    if (claims.nbf !== undefined && claims.nbf * 1000 > now) {
      return unauthorized(`token not valid before ${iso(claims.nbf)}`, 'the token is not valid yet')
    }
    if (claims.iat !== undefined && claims.iat * 1000 > now) {
      return unauthorized(
        `token issued in the future, at ${iso(claims.iat)}`,
        'the token was issued in the future'
      )
    }

    const scopes = tokenScopes(claims)
    if (routeScopes.length > 0 && !routeScopes.some((scope) => scopes.includes(scope))) {
      return {
        ok: false,
        status: 403,
        body: { message: FORBIDDEN_MESSAGE },
        reason: `token scopes [${scopes.join(' ')}] include none of the route's [${routeScopes.join(' ')}]`
      }
    }
    const who = typeof claims.sub === 'string' ? ` for ${claims.sub}` : ''
    return { ok: true, claims, scopes, reason: `JWT accepted${who} (key "${header.kid}")` }
  }

  /** AWS: "API Gateway validates client_id only if aud is not present". */
  private checkAudience(claims: JWTPayload): JwtAuthResult | undefined {
    const allowed = this.config.audiences
    if (claims.aud !== undefined) {
      const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
      if (auds.some((aud) => allowed.includes(aud))) return undefined
      return unauthorized(
        `audience ${JSON.stringify(claims.aud)} is not one of ${JSON.stringify(allowed)}`,
        'the token does not have a valid audience'
      )
    }
    const clientId = claims.client_id
    if (typeof clientId === 'string' && allowed.includes(clientId)) return undefined
    return unauthorized(
      clientId === undefined
        ? 'the token has neither aud nor client_id'
        : `client_id ${JSON.stringify(clientId)} is not one of ${JSON.stringify(allowed)}`,
      'the token does not have a valid audience'
    )
  }

  private jwksLabel(): string {
    return 'file' in this.config.jwks
      ? `JWKS file ${this.config.jwks.file}`
      : `JWKS at ${this.config.jwks.url}`
  }
}
