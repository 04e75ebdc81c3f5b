/**
 * REST gateway responses (reference §1.7): the error answers API Gateway itself produces, with AWS's
 * default status per type and the default body `{"message":$context.error.messageString}`, plus
 * per-type and DEFAULT_4XX/DEFAULT_5XX overrides of status, headers and body template.
 */

export const GATEWAY_RESPONSE_TYPES = [
  'ACCESS_DENIED',
  'API_CONFIGURATION_ERROR',
  'AUTHORIZER_CONFIGURATION_ERROR',
  'AUTHORIZER_FAILURE',
  'BAD_REQUEST_PARAMETERS',
  'BAD_REQUEST_BODY',
  'DEFAULT_4XX',
  'DEFAULT_5XX',
  'EXPIRED_TOKEN',
  'INTEGRATION_FAILURE',
  'INTEGRATION_TIMEOUT',
  'INVALID_API_KEY',
  'INVALID_SIGNATURE',
  'MISSING_AUTHENTICATION_TOKEN',
  'QUOTA_EXCEEDED',
  'REQUEST_TOO_LARGE',
  'RESOURCE_NOT_FOUND',
  'THROTTLED',
  'UNAUTHORIZED',
  'UNSUPPORTED_MEDIA_TYPE',
  'WAF_FILTERED'
] as const

export type GatewayResponseType = (typeof GATEWAY_RESPONSE_TYPES)[number]

/** AWS's default body template for every gateway response. */
export const DEFAULT_BODY_TEMPLATE = '{"message":$context.error.messageString}'

/**
 * Default status (reference §1.7; DEFAULT_4XX/5XX have none) and `$context.error.message`. Messages
 * for MISSING_AUTHENTICATION_TOKEN, THROTTLED, QUOTA_EXCEEDED and INVALID_API_KEY are quoted in the
 * reference; the others are AWS's usual texts, not confirmed by it.
 */
export const DEFAULT_GATEWAY_RESPONSES: Readonly<
  Record<GatewayResponseType, { status: number | undefined; message: string }>
> = {
  ACCESS_DENIED: {
    status: 403,
    message: 'User is not authorized to access this resource with an explicit deny'
  },
  API_CONFIGURATION_ERROR: { status: 500, message: 'Internal server error' },
  AUTHORIZER_CONFIGURATION_ERROR: { status: 500, message: 'Internal server error' },
  AUTHORIZER_FAILURE: { status: 500, message: 'Internal server error' },
  BAD_REQUEST_PARAMETERS: { status: 400, message: 'Missing required request parameters' },
  BAD_REQUEST_BODY: { status: 400, message: 'Invalid request body' },
  DEFAULT_4XX: { status: undefined, message: 'Bad Request' },
  DEFAULT_5XX: { status: undefined, message: 'Internal server error' },
  EXPIRED_TOKEN: { status: 403, message: 'The security token included in the request is expired' },
  INTEGRATION_FAILURE: { status: 504, message: 'Internal server error' },
  INTEGRATION_TIMEOUT: { status: 504, message: 'Endpoint request timed out' },
  INVALID_API_KEY: { status: 403, message: 'Forbidden' },
  INVALID_SIGNATURE: {
    status: 403,
    message: 'The request signature we calculated does not match the signature you provided'
  },
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token' },
  QUOTA_EXCEEDED: { status: 429, message: 'Limit Exceeded' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long' },
  RESOURCE_NOT_FOUND: { status: 404, message: 'Not Found' },
  THROTTLED: { status: 429, message: 'Too Many Requests' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Media Type' },
  WAF_FILTERED: { status: 403, message: 'Forbidden' }
}

/** A customised gateway response (`PutGatewayResponse`): every part optional. */
export interface GatewayResponseOverride {
  statusCode?: number
  /** Header values: a quoted static value (`'*'`, as AWS writes them) or a template. */
  headers?: Record<string, string>
  /** Body template; `$context.*` and `$stageVariables.*` are substituted. */
  bodyTemplate?: string
}

export interface GatewayResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface RenderOptions {
  overrides?: Partial<Record<GatewayResponseType, GatewayResponseOverride>>
  /** Replaces the default `$context.error.message` (e.g. "Missing required request parameters: [id]"). */
  message?: string
  /** Other `$context` values by name without the prefix, e.g. `{ requestId: 'abc' }`. */
  context?: Record<string, string>
  stageVariables?: Record<string, string>
  /** Status for DEFAULT_4XX/DEFAULT_5XX rendered directly (they have no default): 400 / 500. */
  status?: number
}

function familyDefault(type: GatewayResponseType, status: number): GatewayResponseType | undefined {
  if (type === 'DEFAULT_4XX' || type === 'DEFAULT_5XX') return undefined
  return status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'
}

/**
 * Substitutes `$context.name` / `${context.name}` and `$stageVariables.name`. Unknown references are
 * left as written, as Velocity does.
 */
export function renderResponseTemplate(
  template: string,
  context: Record<string, string>,
  stageVariables: Record<string, string> = {}
): string {
  return template.replace(
    /\$(?:\{(context|stageVariables)\.([A-Za-z0-9_.]+)\}|(context|stageVariables)\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*))/g,
    (whole, braceRoot?: string, braceName?: string, root?: string, name?: string) => {
      const source = (braceRoot ?? root) === 'context' ? context : stageVariables
      const value = source[(braceName ?? name)!]
      return value ?? whole
    }
  )
}

/**
 * Renders a gateway response. The type's own override wins; otherwise a DEFAULT_4XX/DEFAULT_5XX
 * override (by the type's default status) supplies headers and body, while the status stays the
 * type's own unless an override sets `statusCode`.
 */
export function renderGatewayResponse(
  type: GatewayResponseType,
  options: RenderOptions = {}
): GatewayResponse {
  const base = DEFAULT_GATEWAY_RESPONSES[type]
  const defaultStatus = base.status ?? options.status ?? (type === 'DEFAULT_5XX' ? 500 : 400)
  const family = familyDefault(type, defaultStatus)
  const override = options.overrides?.[type] ?? (family ? options.overrides?.[family] : undefined)
  const status = options.overrides?.[type]?.statusCode ?? defaultStatus
  const message = options.message ?? base.message
  const context: Record<string, string> = {
    ...options.context,
    'error.message': message,
    'error.messageString': JSON.stringify(message),
    'error.responseType': type
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(override?.headers ?? {})) {
    const quoted = /^'(.*)'$/s.exec(value)
    headers[name] = quoted
      ? quoted[1]!
      : renderResponseTemplate(value, context, options.stageVariables)
  }
  const template = override?.bodyTemplate ?? DEFAULT_BODY_TEMPLATE
  return {
    status,
    headers,
    body: renderResponseTemplate(template, context, options.stageVariables)
  }
}
