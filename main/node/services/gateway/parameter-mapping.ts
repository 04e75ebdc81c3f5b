/**
 * Parameter mapping for HTTP integrations: HTTP API `parameterMapping` (`append|overwrite|remove:header.X`,
 * `…:querystring.X`, `overwrite:path`, DG http-api-parameter-mapping) and REST integration
 * `requestParameters` (`integration.request.header.X = method.request.querystring.Y`, DG
 * request-response-data-mappings). Both edit the request the backend receives, and say what they did.
 */

/** Where mapping values come from. */
export interface MappingSource {
  headers: readonly (readonly [string, string])[]
  rawQuery: string
  /** Path after the stage. */
  path: string
  pathParameters: Record<string, string>
  stageVariables: Record<string, string>
  /** `$context` values by name without the prefix (`requestId`, `authorizer.claims.sub`, ...). */
  context: Record<string, string>
}

/** The backend request being built. */
export interface MappedRequest {
  path: string
  query: [string, string][]
  headers: [string, string][]
  pathParameters: Record<string, string>
}

/** Headers a mapping may not touch: they belong to the connection or to the gateway. */
const reservedHeaders = /^(connection|content-length|host|transfer-encoding|upgrade|te|trailer|proxy-.*|x-amzn-.*|x-amz-.*|apigw-.*|x-forwarded-.*|forwarded)$/i

export const httpMappingKey = /^((append|overwrite|remove):(header|querystring)\.[^\s]+|overwrite:path)$/
export const restMappingKey = /^integration\.request\.(header|querystring|path)\.[^\s]+$/
export const restMappingValue = /^(method\.request\.(header|querystring|path)\.[^\s]+|'[^']*'|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$/

function header(source: MappingSource, name: string): string | undefined {
  const values = source.headers.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, value]) => value)
  return values.length ? values.join(',') : undefined
}

function query(source: MappingSource, name: string): string | undefined {
  const values = new URLSearchParams(source.rawQuery).getAll(name)
  return values.length ? values.join(',') : undefined
}

/** One `$request.…`, `$context.…` or `$stageVariables.…` reference, by its name after the `$`. */
function reference(source: MappingSource, ref: string): string | undefined {
  const [root, kind, ...rest] = ref.split('.')
  const name = rest.join('.')
  if (root === 'request' && kind === 'header') return header(source, name)
  if (root === 'request' && kind === 'querystring') return query(source, name)
  if (root === 'request' && kind === 'path') return name === '' ? source.path : source.pathParameters[name]
  if (root === 'context') return source.context[[kind, ...rest].join('.')]
  if (root === 'stageVariables') return source.stageVariables[[kind, ...rest].join('.')]
  return undefined
}

/** A mapping value: a bare reference (`$request.header.x`), or text with `${…}` references in it. */
export function mappingValue(value: string, source: MappingSource): string {
  const bare = /^\$((request\.(header|querystring|path)(\.[^\s]+)?)|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/.exec(value)
  if (bare) return reference(source, bare[1]!) ?? ''
  return value.replace(/\$\{([^}]+)\}/g, (_whole, ref: string) => reference(source, ref) ?? '')
}

/** Problems with an HTTP API mapping, for the config check. */
export function httpMappingProblems(mapping: Record<string, string>): string[] {
  const problems: string[] = []
  for (const key of Object.keys(mapping)) {
    if (!httpMappingKey.test(key)) problems.push(`"${key}": write append|overwrite|remove:header.NAME, …:querystring.NAME or overwrite:path`)
    else if (key.includes(':header.') && reservedHeaders.test(key.slice(key.indexOf('.') + 1))) problems.push(`"${key}": ${key.slice(key.indexOf('.') + 1)} is a reserved header`)
  }
  return problems
}

function setHeader(target: MappedRequest, name: string, value: string, append: boolean): void {
  if (!append) target.headers = target.headers.filter(([key]) => key.toLowerCase() !== name.toLowerCase())
  target.headers.push([name, value])
}

function setQuery(target: MappedRequest, name: string, value: string, append: boolean): void {
  if (!append) target.query = target.query.filter(([key]) => key !== name)
  target.query.push([name, value])
}

/** Applies an HTTP API parameter mapping; returns one line per change, for the request log. */
export function applyHttpMapping(mapping: Record<string, string>, source: MappingSource, target: MappedRequest): string[] {
  const applied: string[] = []
  for (const [key, value] of Object.entries(mapping)) {
    if (key === 'overwrite:path') {
      target.path = mappingValue(value, source) || '/'
      applied.push(`path → ${target.path}`)
      continue
    }
    const [action, where] = key.split(':') as [string, string]
    const name = where.slice(where.indexOf('.') + 1)
    const isHeader = where.startsWith('header.')
    if (action === 'remove') {
      if (isHeader) target.headers = target.headers.filter(([k]) => k.toLowerCase() !== name.toLowerCase())
      else target.query = target.query.filter(([k]) => k !== name)
      applied.push(`removed ${where}`)
      continue
    }
    const resolved = mappingValue(value, source)
    if (isHeader) setHeader(target, name, resolved, action === 'append')
    else setQuery(target, name, resolved, action === 'append')
    applied.push(`${action} ${where} = ${resolved}`)
  }
  return applied
}

/** Applies REST integration request parameters; `integration.request.path.X` fills `{X}` in the URI. */
export function applyRestMapping(mapping: Record<string, string>, source: MappingSource, target: MappedRequest): string[] {
  const applied: string[] = []
  for (const [key, value] of Object.entries(mapping)) {
    const [, where, name] = /^integration\.request\.(header|querystring|path)\.(.+)$/.exec(key) ?? []
    if (!where || !name) continue
    let resolved: string | undefined
    const literal = /^'([^']*)'$/.exec(value)
    if (literal) resolved = literal[1]
    else {
      const [, kind, from] = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(value) ?? []
      if (kind === 'header') resolved = header(source, from!)
      else if (kind === 'querystring') resolved = query(source, from!)
      else if (kind === 'path') resolved = source.pathParameters[from!]
      else if (value.startsWith('stageVariables.')) resolved = source.stageVariables[value.slice('stageVariables.'.length)]
      else if (value.startsWith('context.')) resolved = source.context[value.slice('context.'.length)]
    }
    // AWS leaves a parameter out when its source is missing.
    if (resolved === undefined) continue
    if (where === 'header') setHeader(target, name, resolved, false)
    else if (where === 'querystring') setQuery(target, name, resolved, false)
    else target.pathParameters[name] = resolved
    applied.push(`${where} ${name} = ${resolved}`)
  }
  return applied
}

/** What a response mapping reads: the backend's answer. */
export interface ResponseSource {
  status: number
  headers: readonly (readonly [string, string])[]
  body: Buffer
}

function responseReference(source: ResponseSource, ref: string): string | undefined {
  const header = /^response\.header\.(.+)$/.exec(ref)
  if (header) {
    const values = source.headers.filter(([key]) => key.toLowerCase() === header[1]!.toLowerCase()).map(([, value]) => value)
    return values.length ? values.join(',') : undefined
  }
  const body = /^response\.body\.(.+)$/.exec(ref)
  if (!body) return undefined
  let current: unknown
  try {
    current = JSON.parse(source.body.subarray(0, 100 * 1024).toString('utf8'))
  } catch {
    return undefined
  }
  for (const part of body[1]!.split('.')) current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined
  return current === undefined || current === null ? undefined : typeof current === 'object' ? JSON.stringify(current) : String(current)
}

/**
 * HTTP API response parameter mapping (DG http-api-parameter-mapping, "Transforming API responses"):
 * the mappings for the backend's status code rewrite the status and headers the client gets.
 */
export function applyResponseMapping(mappings: Record<string, Record<string, string>>, reply: { status: number; headers: [string, string][]; body: Buffer }): string[] {
  const mapping = mappings[String(reply.status)]
  if (!mapping) return []
  const source: ResponseSource = { status: reply.status, headers: [...reply.headers], body: reply.body }
  const resolve = (value: string) => {
    const bare = /^\$(response\.(header|body)\.[^\s]+)$/.exec(value)
    if (bare) return responseReference(source, bare[1]!) ?? ''
    return value.replace(/\$\{(response\.[^}]+)\}/g, (_all, ref: string) => responseReference(source, ref) ?? '')
  }
  const applied: string[] = []
  for (const [key, value] of Object.entries(mapping)) {
    if (key === 'overwrite:statuscode') {
      const status = Number(resolve(value))
      if (Number.isInteger(status) && status >= 100 && status <= 599) {
        reply.status = status
        applied.push(`status → ${status}`)
      }
      continue
    }
    const [action, where] = key.split(':') as [string, string]
    const name = where.slice('header.'.length)
    if (action !== 'append') reply.headers = reply.headers.filter(([k]) => k.toLowerCase() !== name.toLowerCase())
    if (action === 'remove') {
      applied.push(`removed response header ${name}`)
      continue
    }
    const resolved = resolve(value)
    reply.headers.push([name, resolved])
    applied.push(`${action} response header ${name} = ${resolved}`)
  }
  return applied
}
