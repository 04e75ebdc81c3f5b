/**
 * HTTP API (API Gateway v2) route selection. Route keys are `METHOD /path` or `$default`; the
 * priority follows the reference §1.4 (DG http-api-develop-routes): a full match of route and method,
 * then a greedy `{proxy+}` route with the method, then `ANY`, then `$default`.
 */
import { LabError } from '../../../../common/errors/lab-error'
import {
  decodeSegment,
  parseTemplatePath,
  pathShape,
  splitRequestPath,
  type PathSegment
} from './path-segments'

/** Body of the HTTP API 404 (no stage or no route matched). */
export const HTTP_API_NOT_FOUND_BODY = '{"message":"Not Found"}'

/** Methods a route key may name (`ANY` matches every method). */
export const HTTP_API_METHODS = [
  'ANY',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT'
] as const

export type HttpApiMethod = (typeof HTTP_API_METHODS)[number]

/** One validated route, with the rank that orders it against the others. */
export interface CompiledHttpRoute {
  readonly routeKey: string
  /** Undefined for `$default`. */
  readonly method: HttpApiMethod | undefined
  readonly segments: readonly PathSegment[]
  /** Lexicographic priority; smaller wins. */
  readonly rank: readonly number[]
}

/** Routes sorted best-first; build with `compileHttpRoutes`. */
export interface CompiledHttpRoutes {
  readonly routes: readonly CompiledHttpRoute[]
}

/** The selected route and the decoded path variables (a greedy variable keeps its `/`s). */
export interface HttpRouteMatch {
  routeKey: string
  pathParameters: Record<string, string>
}

const SEGMENT_RANK = { literal: 0, param: 1, greedy: 2 } as const

/** Priority tiers from the reference, in order. */
function tierOf(method: HttpApiMethod | undefined, segments: readonly PathSegment[]): number {
  if (method === undefined) return 4
  const greedy = segments.some((s) => s.kind === 'greedy')
  if (method !== 'ANY') return greedy ? 1 : 0
  return greedy ? 3 : 2
}

function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/**
 * Validates and orders route keys. Throws `LAB_ERR_CONFIG_INVALID` listing every bad key: a malformed
 * key, an unknown or lower-case method, a bad path, or a key that duplicates another (same method and
 * same path shape: `GET /pets/{id}` and `GET /pets/{name}` could never be told apart).
 */
export function compileHttpRoutes(routeKeys: string[]): CompiledHttpRoutes {
  const problems: string[] = []
  const routes: CompiledHttpRoute[] = []
  const seen = new Map<string, string>()
  for (const routeKey of routeKeys) {
    if (routeKey === '$default') {
      if (seen.has('$default')) problems.push('duplicate route key "$default"')
      seen.set('$default', routeKey)
      routes.push({ routeKey, method: undefined, segments: [], rank: [4] })
      continue
    }
    const match = /^(\S+) (\S+)$/.exec(routeKey)
    if (!match) {
      problems.push(`route key "${routeKey}" must be "$default" or "METHOD /path" (one space)`)
      continue
    }
    const method = match[1]!
    if (!(HTTP_API_METHODS as readonly string[]).includes(method)) {
      const hint = (HTTP_API_METHODS as readonly string[]).includes(method.toUpperCase())
        ? ` (methods are upper-case: "${method.toUpperCase()}")`
        : ` (one of ${HTTP_API_METHODS.join(', ')})`
      problems.push(`route key "${routeKey}": unknown method "${method}"${hint}`)
      continue
    }
    const segments = parseTemplatePath(match[2]!)
    if (typeof segments === 'string') {
      problems.push(`route key "${routeKey}": ${segments}`)
      continue
    }
    const identity = `${method} ${pathShape(segments)}`
    const previous = seen.get(identity)
    if (previous !== undefined) {
      problems.push(
        previous === routeKey
          ? `duplicate route key "${routeKey}"`
          : `route key "${routeKey}" conflicts with "${previous}" (same method and path shape)`
      )
      continue
    }
    seen.set(identity, routeKey)
    const typed = method as HttpApiMethod
    routes.push({
      routeKey,
      method: typed,
      segments,
      rank: [tierOf(typed, segments), ...segments.map((s) => SEGMENT_RANK[s.kind])]
    })
  }
  if (problems.length > 0) {
    throw new LabError(
      'LAB_ERR_CONFIG_INVALID',
      `Invalid HTTP API routes: ${problems.join('; ')}`,
      {
        details: { problems }
      }
    )
  }
  routes.sort((a, b) => compareRank(a.rank, b.rank))
  return { routes }
}

/** Matches template segments against request segments; undefined when they do not match. */
export function matchSegments(
  template: readonly PathSegment[],
  request: readonly string[]
): Record<string, string> | undefined {
  const params: Record<string, string> = {}
  for (let i = 0; i < template.length; i++) {
    const segment = template[i]!
    if (segment.kind === 'greedy') {
      const rest = request.slice(i)
      // A greedy variable needs at least one character: `/pets/{proxy+}` does not match `/pets/`.
      if (rest.length === 0 || rest.join('/') === '') return undefined
      params[segment.name] = rest.map(decodeSegment).join('/')
      return params
    }
    const value = request[i]
    if (value === undefined) return undefined
    if (segment.kind === 'literal') {
      if (value !== segment.value && decodeSegment(value) !== segment.value) return undefined
    } else {
      if (value === '') return undefined
      params[segment.name] = decodeSegment(value)
    }
  }
  return template.length === request.length ? params : undefined
}

/**
 * Selects the route for a request. `path` is the path after the stage (a query string is ignored).
 * Matching is case-sensitive and does not normalise a trailing slash: `/pets/` is not `GET /pets`.
 * Undefined means 404 with `HTTP_API_NOT_FOUND_BODY`.
 */
export function matchHttpRoute(
  compiled: CompiledHttpRoutes,
  method: string,
  path: string
): HttpRouteMatch | undefined {
  const query = path.indexOf('?')
  const segments = splitRequestPath(query === -1 ? path : path.slice(0, query))
  for (const route of compiled.routes) {
    if (route.method === undefined) return { routeKey: route.routeKey, pathParameters: {} }
    if (route.method !== 'ANY' && route.method !== method) continue
    const pathParameters = matchSegments(route.segments, segments)
    if (pathParameters) return { routeKey: route.routeKey, pathParameters }
  }
  return undefined
}
