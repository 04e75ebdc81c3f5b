/**
 * Identity sources: the request values an authorizer reads (reference §1.3). REST writes them
 * `method.request.header.X`, `method.request.querystring.X`, `stageVariables.X`, `context.X`; HTTP APIs
 * write `$request.header.X`, `$request.querystring.X`, `$stageVariables.X`, `$context.X`. Header names
 * are case-insensitive, query string names case-sensitive. Path parameters are not identity sources.
 */
import { LabError } from '../../../../common/errors/lab-error'

/** Header map as Node gives it (names in any case; repeated headers as arrays). */
export type HeaderMap = Record<string, string | string[] | undefined>

/** What identity sources may be read from. */
export interface IdentityRequest {
  headers: HeaderMap
  /** The query string without `?`, exactly as sent. */
  rawQueryString: string
  stageVariables?: Record<string, string>
  /** `$context` values by name without the prefix, e.g. `{ requestId, routeKey, 'identity.sourceIp' }`. */
  context?: Record<string, string | number | boolean | undefined>
}

export type IdentitySourceKind = 'header' | 'querystring' | 'stageVariable' | 'context'

export interface ParsedIdentitySource {
  kind: IdentitySourceKind
  name: string
  /** As configured, for reasons in the request log. */
  expression: string
}

const FORMS: ReadonlyArray<[RegExp, IdentitySourceKind]> = [
  [/^(?:method\.request|\$request)\.header\.(.+)$/, 'header'],
  [/^(?:method\.request|\$request)\.querystring\.(.+)$/, 'querystring'],
  [/^\$?stageVariables\.(.+)$/, 'stageVariable'],
  [/^\$?context\.(.+)$/, 'context']
]

/** Parses one identity source expression; throws `LAB_ERR_CONFIG_INVALID` for anything else. */
export function parseIdentitySource(expression: string): ParsedIdentitySource {
  const trimmed = expression.trim()
  for (const [pattern, kind] of FORMS) {
    const match = pattern.exec(trimmed)
    if (match) return { kind, name: match[1]!, expression: trimmed }
  }
  throw new LabError(
    'LAB_ERR_CONFIG_INVALID',
    `Identity source "${expression}" is not a header, query string, stage variable or $context value`,
    { details: { expression } }
  )
}

/** A header's value, case-insensitively; repeated headers are comma-joined (HTTP API 2.0 does the same). */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const wanted = name.toLowerCase()
  const parts: string[] = []
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue
    if (Array.isArray(value)) parts.push(...value)
    else parts.push(value)
  }
  return parts.length === 0 ? undefined : parts.join(',')
}

/** Every value of a query string parameter, in order (names compared case-sensitively). */
export function queryValues(rawQueryString: string, name: string): string[] {
  return new URLSearchParams(rawQueryString).getAll(name)
}

/** The value of one identity source, or undefined when the request does not carry it. */
export function readIdentitySource(
  source: ParsedIdentitySource,
  request: IdentityRequest
): string | undefined {
  switch (source.kind) {
    case 'header':
      return headerValue(request.headers, source.name)
    case 'querystring': {
      const values = queryValues(request.rawQueryString, source.name)
      return values.length === 0 ? undefined : values.join(',')
    }
    case 'stageVariable':
      return request.stageVariables?.[source.name]
    case 'context': {
      const value = request.context?.[source.name]
      return value === undefined ? undefined : String(value)
    }
  }
}

export type IdentityResolution =
  | { ok: true; values: string[] }
  | { ok: false; missing: ParsedIdentitySource; values: Array<string | undefined> }

/**
 * Reads every identity source. A missing or empty value (after trimming) is reported as the first
 * missing source: AWS treats "missing, null or empty" alike.
 */
export function resolveIdentitySources(
  sources: readonly ParsedIdentitySource[],
  request: IdentityRequest
): IdentityResolution {
  const values = sources.map((source) => readIdentitySource(source, request))
  const index = values.findIndex((value) => value === undefined || value.trim() === '')
  if (index >= 0) return { ok: false, missing: sources[index]!, values }
  return { ok: true, values: values as string[] }
}
