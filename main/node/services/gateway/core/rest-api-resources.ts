/**
 * REST API (API Gateway v1) resource tree and stage prefix. REST routes are resources (`/pets/{id}`,
 * greedy `{proxy+}`) × methods (incl. `ANY`); an unknown resource or method is the well-known 403
 * "Missing Authentication Token" (reference §1.4), not a 404.
 */
import { LabError } from '../../../../common/errors/lab-error'
import { HTTP_API_METHODS } from './http-api-routes'
import {
  decodeSegment,
  parseTemplatePath,
  splitRequestPath,
  type PathSegment
} from './path-segments'

/** Body of the REST 403 for an unknown resource, method or stage (MISSING_AUTHENTICATION_TOKEN). */
export const MISSING_AUTHENTICATION_TOKEN_BODY = '{"message":"Missing Authentication Token"}'

/** REST methods are the same set as HTTP API route methods (`ANY` included). */
export const REST_API_METHODS = HTTP_API_METHODS

/** One resource as configured: its path and the methods defined on it. */
export interface RestResourceDef {
  path: string
  methods: string[]
}

interface ResourceNode {
  path: string
  segment: PathSegment | undefined
  methods: Set<string>
  literals: Map<string, ResourceNode>
  param: ResourceNode | undefined
  greedy: ResourceNode | undefined
}

/** A compiled tree; build with `compileRestResources`. */
export interface RestResourceTree {
  readonly root: ResourceNode
}

/** The resource and method definition that serve a request. */
export interface RestResourceMatch {
  /** Template path of the resource, e.g. `/pets/{petId}` (`$context.resourcePath`). */
  resourcePath: string
  /** The method definition used: the request's method or `ANY`. */
  httpMethod: string
  pathParameters: Record<string, string>
}

function newNode(path: string, segment: PathSegment | undefined): ResourceNode {
  return {
    path,
    segment,
    methods: new Set(),
    literals: new Map(),
    param: undefined,
    greedy: undefined
  }
}

/**
 * Builds the tree. Throws `LAB_ERR_CONFIG_INVALID` listing every problem: bad paths, unknown methods,
 * a resource defined twice, two different variables under one parent (AWS allows one variable child
 * per resource), or children under a greedy resource.
 */
export function compileRestResources(resources: RestResourceDef[]): RestResourceTree {
  const problems: string[] = []
  const root = newNode('/', undefined)
  const defined = new Set<string>()
  for (const resource of resources) {
    const segments = parseTemplatePath(resource.path)
    if (typeof segments === 'string') {
      problems.push(`resource "${resource.path}": ${segments}`)
      continue
    }
    if (defined.has(resource.path)) {
      problems.push(`resource "${resource.path}" is defined twice`)
      continue
    }
    defined.add(resource.path)
    let node = root
    let failed = false
    for (const segment of segments) {
      const childPath = (node.path === '/' ? '' : node.path) + '/' + segmentText(segment)
      if (node.segment?.kind === 'greedy') {
        problems.push(
          `resource "${resource.path}": a greedy resource (${node.path}) cannot have children`
        )
        failed = true
        break
      }
      if (segment.kind === 'literal') {
        let child = node.literals.get(segment.value)
        if (!child) node.literals.set(segment.value, (child = newNode(childPath, segment)))
        node = child
        continue
      }
      const slot = segment.kind === 'param' ? 'param' : 'greedy'
      const other = segment.kind === 'param' ? node.greedy : node.param
      const existing = node[slot] ?? other
      if (existing && existing.path !== childPath) {
        problems.push(
          `resource "${resource.path}": ${childPath} conflicts with the sibling variable ${existing.path}`
        )
        failed = true
        break
      }
      if (!node[slot]) node[slot] = newNode(childPath, segment)
      node = node[slot]!
    }
    if (failed) continue
    for (const method of resource.methods) {
      if (!(REST_API_METHODS as readonly string[]).includes(method)) {
        problems.push(`resource "${resource.path}": unknown method "${method}"`)
      } else if (node.methods.has(method)) {
        problems.push(`resource "${resource.path}": method ${method} is defined twice`)
      } else {
        node.methods.add(method)
      }
    }
  }
  if (problems.length > 0) {
    throw new LabError(
      'LAB_ERR_CONFIG_INVALID',
      `Invalid REST API resources: ${problems.join('; ')}`,
      {
        details: { problems }
      }
    )
  }
  return { root }
}

function segmentText(segment: PathSegment): string {
  if (segment.kind === 'literal') return segment.value
  return segment.kind === 'param' ? `{${segment.name}}` : `{${segment.name}+}`
}

/** Depth-first, literal before variable before greedy, backtracking when a branch dead-ends. */
function findResource(
  node: ResourceNode,
  request: readonly string[],
  index: number,
  params: Record<string, string>
): ResourceNode | undefined {
  if (index === request.length) return node
  const raw = request[index]!
  const literal = node.literals.get(raw) ?? node.literals.get(decodeSegment(raw))
  if (literal) {
    const found = findResource(literal, request, index + 1, params)
    if (found) return found
  }
  if (node.param && node.param.segment?.kind === 'param' && raw !== '') {
    const name = node.param.segment.name
    const found = findResource(node.param, request, index + 1, params)
    if (found) {
      params[name] = decodeSegment(raw)
      return found
    }
  }
  if (node.greedy && node.greedy.segment?.kind === 'greedy') {
    const rest = request.slice(index)
    if (rest.join('/') !== '') {
      params[node.greedy.segment.name] = rest.map(decodeSegment).join('/')
      return node.greedy
    }
  }
  return undefined
}

/**
 * Finds the resource and method for a request path (after the stage). The most specific resource is
 * chosen first (literal over `{var}` over `{proxy+}`), then the method on it: the exact method, else
 * `ANY`. There is no fallback to a less specific resource for a missing method. One trailing slash is
 * ignored (`/pets/` is `/pets`); matching is case-sensitive. Undefined means 403
 * `MISSING_AUTHENTICATION_TOKEN_BODY`.
 */
export function matchRestResource(
  tree: RestResourceTree,
  method: string,
  path: string
): RestResourceMatch | undefined {
  const query = path.indexOf('?')
  let clean = query === -1 ? path : path.slice(0, query)
  if (clean.length > 1 && clean.endsWith('/')) clean = clean.slice(0, -1)
  const params: Record<string, string> = {}
  const node = findResource(tree.root, splitRequestPath(clean), 0, params)
  if (!node) return undefined
  const httpMethod = node.methods.has(method) ? method : node.methods.has('ANY') ? 'ANY' : undefined
  if (httpMethod === undefined) return undefined
  return { resourcePath: node.path, httpMethod, pathParameters: params }
}

/** The stage named by a request path and the path that remains for resource/route matching. */
export interface StageSplit {
  stage: string
  path: string
}

/**
 * Splits `/{stage}/rest` (the stage is the first path segment, case-sensitive). A path whose first
 * segment is not a stage goes to the `$default` stage if there is one (HTTP APIs, reference §1.4:
 * "an explicit stage match wins, otherwise the `$default` stage"), with the path unchanged.
 * Undefined: no stage (REST answers 403 Missing Authentication Token, HTTP 404 Not Found).
 */
export function splitStage(path: string, stages: Iterable<string>): StageSplit | undefined {
  const names = new Set(stages)
  const rest = path.startsWith('/') ? path.slice(1) : path
  const slash = rest.search(/[/?]/)
  const first = slash === -1 ? rest : rest.slice(0, slash)
  if (first !== '' && first !== '$default' && names.has(first)) {
    const remainder = slash === -1 ? '' : rest.slice(slash)
    return {
      stage: first,
      path: remainder === '' || remainder.startsWith('?') ? '/' + remainder : remainder
    }
  }
  if (names.has('$default'))
    return { stage: '$default', path: path.startsWith('/') ? path : '/' + path }
  return undefined
}
