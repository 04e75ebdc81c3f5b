import type { AuthorizerConfig } from './gateway-authorizers'
import type { GatewayApiConfig } from './gateway-config'
import type { IntegrationConfig } from './gateway-integrations'

/**
 * OpenAPI 3 and API Gateway's extensions (DG api-gateway-swagger-extensions): an HTTP or REST API of a
 * lab as a document AWS's import understands, and a document (an existing API definition) as a lab
 * API. What AWS has no words for (lab services, handler files, the session authorizer, JWKS files)
 * travels in `x-netloom-*` extensions, which AWS ignores.
 */

type Json = Record<string, unknown>
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const
const anyMethod = 'x-amazon-apigateway-any-method'
const lambdaUri = (handler: string) => `arn:aws:apigateway:lab-1:lambda:path/2015-03-31/functions/arn:aws:lambda:lab-1:000000000000:function:${handler.replace(/[^A-Za-z0-9-_]/g, '-')}/invocations`

function integrationExtension(integration: IntegrationConfig, apiType: 'http' | 'rest'): Json {
  if (integration.type === 'function')
    return { type: 'aws_proxy', httpMethod: 'POST', uri: lambdaUri(integration.handler), payloadFormatVersion: apiType === 'rest' ? '1.0' : integration.payloadFormatVersion, ...(integration.timeoutMs ? { timeoutInMillis: integration.timeoutMs } : {}), 'x-netloom-handler': integration.handler }
  if (integration.type === 'mock')
    return {
      type: 'mock',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      responses: { default: { statusCode: String(integration.statusCode), responseParameters: Object.fromEntries(Object.entries(integration.headers).map(([k, v]) => [`method.response.header.${k}`, `'${v}'`])), responseTemplates: { 'application/json': integration.body } } }
    }
  const mapping = apiType === 'http' ? integration.parameterMapping : integration.requestParameters
  return {
    type: 'http_proxy',
    httpMethod: 'ANY',
    uri: integration.url ?? `http://${integration.service}.lab.internal${integration.path ?? ''}`,
    connectionType: 'INTERNET',
    ...(apiType === 'http' ? { payloadFormatVersion: '1.0' } : {}),
    ...(integration.timeoutMs ? { timeoutInMillis: integration.timeoutMs } : {}),
    ...(Object.keys(mapping).length ? { requestParameters: mapping } : {}),
    ...(apiType === 'http' && Object.keys(integration.responseParameters).length ? { responseParameters: integration.responseParameters } : {}),
    ...(integration.service ? { 'x-netloom-service': integration.service, ...(integration.path ? { 'x-netloom-path': integration.path } : {}) } : {})
  }
}

function securityScheme(authorizer: AuthorizerConfig): Json {
  if (authorizer.type === 'jwt')
    return { type: 'oauth2', flows: {}, 'x-amazon-apigateway-authorizer': { type: 'jwt', jwtConfiguration: { issuer: authorizer.issuer, audience: authorizer.audiences }, identitySource: authorizer.identitySource }, 'x-netloom-jwks': authorizer.jwks }
  if (authorizer.type === 'session') {
    const { id: _id, type: _type, ...session } = authorizer
    return { type: 'apiKey', name: authorizer.cookieName, in: 'cookie', 'x-netloom-session': session }
  }
  return {
    type: 'apiKey',
    name: authorizer.identitySources[0]?.split('.').at(-1) ?? 'Authorization',
    in: 'header',
    'x-amazon-apigateway-authtype': 'custom',
    'x-amazon-apigateway-authorizer': {
      type: authorizer.type,
      authorizerUri: lambdaUri(authorizer.handler),
      identitySource: authorizer.identitySources.join(', '),
      authorizerResultTtlInSeconds: authorizer.resultTtlSeconds,
      ...(authorizer.type === 'request' ? { authorizerPayloadFormatVersion: authorizer.payloadFormatVersion, enableSimpleResponses: authorizer.simpleResponses } : {}),
      ...(authorizer.identityValidationExpression ? { identityValidationExpression: authorizer.identityValidationExpression } : {})
    },
    'x-netloom-handler': authorizer.handler
  }
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }))
}

/** An HTTP or REST API as an OpenAPI 3 document (REST: the resources of one deployment). */
export function exportOpenApi(api: GatewayApiConfig, deploymentId?: string): Json {
  if (api.type === 'websocket') throw new Error('WebSocket APIs have no OpenAPI form (AWS imports them only from its own JSON)')
  const integrations = new Map(api.integrations.map((integration) => [integration.id, integration]))
  const paths: Record<string, Json> = {}
  const operation = (path: string, spec: { integration: string; authorizer?: string; scopes?: string[] }): Json => ({
    ...(pathParameters(path).length ? { parameters: pathParameters(path) } : {}),
    ...(spec.authorizer ? { security: [{ [spec.authorizer]: spec.scopes ?? [] }] } : {}),
    'x-amazon-apigateway-integration': integrationExtension(integrations.get(spec.integration)!, api.type)
  })
  const doc: Json = { openapi: '3.0.1', info: { title: api.name ?? api.id, version: '1.0' }, paths }
  const schemes: Record<string, Json> = Object.fromEntries(api.authorizers.map((a) => [a.id, securityScheme(a)]))
  if (api.type === 'http') {
    for (const route of api.routes) {
      const [method, path] = route.key === '$default' ? ['ANY', '$default'] : (route.key.split(' ') as [string, string])
      paths[path] ??= {}
      paths[path][method === 'ANY' ? anyMethod : method.toLowerCase()] = operation(path, route)
    }
    if (api.cors) doc['x-amazon-apigateway-cors'] = api.cors
  } else {
    const deployment = api.deployments.find((d) => d.id === (deploymentId ?? api.stages[0]!.deployment)) ?? api.deployments[0]!
    for (const resource of deployment.resources) {
      paths[resource.path] ??= {}
      for (const [method, spec] of Object.entries(resource.methods)) {
        const op = operation(resource.path, spec!)
        const params = Object.entries(spec!.requestParameters).map(([key, required]) => {
          const [, where, name] = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(key)!
          return { name, in: where === 'querystring' ? 'query' : where, required, schema: { type: 'string' } }
        })
        const merged = [...((op['parameters'] as Json[] | undefined) ?? []).filter((p) => !params.some((q) => q.name === p['name'] && q.in === 'path')), ...params]
        if (merged.length) op['parameters'] = merged
        if (spec!.apiKeyRequired) op['security'] = [...((op['security'] as Json[] | undefined) ?? []), { api_key: [] }]
        if (Object.keys(spec!.requestModels).length) op['requestBody'] = { content: Object.fromEntries(Object.entries(spec!.requestModels).map(([type, model]) => [type, { schema: { $ref: `#/components/schemas/${model}` } }])) }
        if (spec!.validator !== 'none') op['x-amazon-apigateway-request-validator'] = spec!.validator
        paths[resource.path][method === 'ANY' ? anyMethod : method.toLowerCase()] = op
      }
    }
    if (deployment.resources.some((r) => Object.values(r.methods).some((m) => m!.apiKeyRequired))) schemes['api_key'] = { type: 'apiKey', name: 'x-api-key', in: 'header' }
    doc['x-amazon-apigateway-request-validators'] = { all: { validateRequestBody: true, validateRequestParameters: true }, body: { validateRequestBody: true, validateRequestParameters: false }, params: { validateRequestBody: false, validateRequestParameters: true } }
    if (Object.keys(api.gatewayResponses).length)
      doc['x-amazon-apigateway-gateway-responses'] = Object.fromEntries(
        Object.entries(api.gatewayResponses).map(([type, r]) => [
          type,
          { ...(r.statusCode ? { statusCode: r.statusCode } : {}), responseParameters: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [`gatewayresponse.header.${k}`, v])), ...(r.bodyTemplate ? { responseTemplates: { 'application/json': r.bodyTemplate } } : {}) }
        ])
      )
    if (api.resourcePolicy) doc['x-amazon-apigateway-policy'] = api.resourcePolicy
    else if (api.allowedSourceIps)
      doc['x-amazon-apigateway-policy'] = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: { IpAddress: { 'aws:SourceIp': api.allowedSourceIps } } }] }
    if (api.endpointType !== 'REGIONAL') doc['x-amazon-apigateway-endpoint-configuration'] = { types: [api.endpointType] }
    doc['x-netloom-deployment'] = deployment.id
  }
  doc['components'] = { ...(Object.keys(schemes).length ? { securitySchemes: schemes } : {}), ...(api.type === 'rest' && Object.keys(api.models).length ? { schemas: api.models } : {}) }
  return doc
}

export interface ImportedApi {
  /** The API, in lab-file shape (defaults left to the schema). */
  api: Json
  /** What could not be carried over, one sentence each. */
  warnings: string[]
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function handlerOf(extension: Json): string {
  const named = str(extension['x-netloom-handler'])
  if (named) return named
  const fn = /function:([^/:]+)/.exec(str(extension['uri']) ?? str(extension['authorizerUri']) ?? '')?.[1] ?? 'handler'
  return `functions/${fn}.handler`
}

function importIntegration(extension: Json, id: string, apiType: 'http' | 'rest', warnings: string[]): Json {
  const type = (str(extension['type']) ?? '').toLowerCase()
  const timeout = typeof extension['timeoutInMillis'] === 'number' ? { timeoutMs: extension['timeoutInMillis'] } : {}
  if (type === 'aws_proxy') return { id, type: 'function', handler: handlerOf(extension), ...(apiType === 'http' ? { payloadFormatVersion: str(extension['payloadFormatVersion']) ?? '2.0' } : {}), ...timeout }
  if (type === 'mock') {
    const response = ((extension['responses'] as Json | undefined)?.['default'] ?? {}) as Json
    const headers = Object.fromEntries(Object.entries((response['responseParameters'] as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k.replace(/^method\.response\.header\./, ''), v.replace(/^'|'$/g, '')]))
    const body = Object.values((response['responseTemplates'] as Record<string, string> | undefined) ?? {})[0] ?? ''
    return { id, type: 'mock', statusCode: Number(response['statusCode'] ?? 200), headers, body }
  }
  if (type === 'http_proxy' || type === 'http') {
    if (type === 'http') warnings.push(`integration ${id}: HTTP (non-proxy) integrations with mapping templates are imported as HTTP proxies`)
    const mapping = (extension['requestParameters'] as Record<string, string> | undefined) ?? {}
    const service = str(extension['x-netloom-service'])
    const target = service ? { service, ...(str(extension['x-netloom-path']) ? { path: extension['x-netloom-path'] } : {}) } : { url: str(extension['uri']) }
    const responses = apiType === 'http' ? ((extension['responseParameters'] as Record<string, Record<string, string>> | undefined) ?? {}) : {}
    return {
      id,
      type: 'http',
      ...target,
      ...timeout,
      ...(Object.keys(mapping).length ? { [apiType === 'http' ? 'parameterMapping' : 'requestParameters']: mapping } : {}),
      ...(Object.keys(responses).length ? { responseParameters: responses } : {})
    }
  }
  warnings.push(`integration ${id}: type ${type || '(none)'} is not supported; imported as a 501 mock`)
  return { id, type: 'mock', statusCode: 501, body: `{"message":"integration type ${type} is not available in the lab"}` }
}

function importAuthorizer(id: string, scheme: Json, warnings: string[]): Json | undefined {
  const session = scheme['x-netloom-session'] as Json | undefined
  if (session) return { id, type: 'session', ...session }
  const authorizer = scheme['x-amazon-apigateway-authorizer'] as Json | undefined
  if (!authorizer) return undefined
  const type = (str(authorizer['type']) ?? '').toLowerCase()
  if (type === 'jwt') {
    const jwt = (authorizer['jwtConfiguration'] ?? {}) as Json
    const jwks = (scheme['x-netloom-jwks'] as Json | undefined) ?? { file: 'jwks.json' }
    if (!scheme['x-netloom-jwks']) warnings.push(`authorizer ${id}: AWS fetches keys from the issuer; put the issuer's JWKS in jwks.json next to the lab (or set jwks.url)`)
    return { id, type: 'jwt', issuer: jwt['issuer'], audiences: jwt['audience'], jwks, ...(str(authorizer['identitySource']) ? { identitySource: authorizer['identitySource'] } : {}) }
  }
  if (type === 'request' || type === 'token') {
    if (!scheme['x-netloom-handler']) warnings.push(`authorizer ${id}: its Lambda becomes the handler file ${handlerOf(authorizer)}: write it next to the lab`)
    const sources = (str(authorizer['identitySource']) ?? '').split(',').map((s) => s.trim()).filter(Boolean)
    return {
      id,
      type,
      handler: handlerOf({ ...authorizer, 'x-netloom-handler': scheme['x-netloom-handler'] }),
      identitySources: sources,
      ...(typeof authorizer['authorizerResultTtlInSeconds'] === 'number' ? { resultTtlSeconds: authorizer['authorizerResultTtlInSeconds'] } : {}),
      ...(str(authorizer['authorizerPayloadFormatVersion']) ? { payloadFormatVersion: authorizer['authorizerPayloadFormatVersion'] } : {}),
      ...(typeof authorizer['enableSimpleResponses'] === 'boolean' ? { simpleResponses: authorizer['enableSimpleResponses'] } : {}),
      ...(str(authorizer['identityValidationExpression']) ? { identityValidationExpression: authorizer['identityValidationExpression'] } : {})
    }
  }
  warnings.push(`authorizer ${id}: type ${type} (e.g. Cognito) is not supported`)
  return undefined
}

/** An OpenAPI 3 document with API Gateway extensions as a lab API of the given type. */
export function importOpenApi(doc: unknown, options: { id: string; type: 'http' | 'rest' }): ImportedApi {
  if (doc === null || typeof doc !== 'object' || typeof (doc as Json)['paths'] !== 'object') throw new Error('not an OpenAPI document: it has no "paths"')
  const root = doc as Json
  const warnings: string[] = []
  if (!str(root['openapi'])?.startsWith('3')) warnings.push(`openapi ${String(root['openapi'] ?? root['swagger'] ?? '?')}: read as OpenAPI 3`)
  const components = (root['components'] ?? {}) as Json
  const schemes = (components['securitySchemes'] ?? {}) as Record<string, Json>
  const authorizers = Object.entries(schemes)
    .map(([id, scheme]) => importAuthorizer(id, scheme, warnings))
    .filter((authorizer): authorizer is Json => authorizer !== undefined)
  const authorizerIds = new Set(authorizers.map((a) => a['id'] as string))
  const integrations: Json[] = []
  const integrationFor = (extension: Json | undefined, where: string): string | undefined => {
    if (!extension) {
      warnings.push(`${where}: no x-amazon-apigateway-integration; left out`)
      return undefined
    }
    const key = JSON.stringify(extension)
    const existing = integrations.find((i) => i['_key'] === key)
    if (existing) return existing['id'] as string
    const id = `integration-${integrations.length + 1}`
    integrations.push({ ...importIntegration(extension, id, options.type, warnings), _key: key })
    return id
  }
  const routes: Json[] = []
  const resources: Json[] = []
  for (const [path, item] of Object.entries(root['paths'] as Record<string, Json>)) {
    const resourceMethods: Json = {}
    for (const name of [...methods, anyMethod]) {
      const op = item[name] as Json | undefined
      if (!op) continue
      const method = name === anyMethod ? 'ANY' : name.toUpperCase()
      const integration = integrationFor(op['x-amazon-apigateway-integration'] as Json | undefined, `${method} ${path}`)
      if (!integration) continue
      const security = ((op['security'] as Record<string, string[]>[] | undefined) ?? (root['security'] as Record<string, string[]>[] | undefined) ?? []).flatMap((s) => Object.entries(s))
      const [authorizer, scopes] = security.find(([id]) => authorizerIds.has(id)) ?? []
      if (options.type === 'http') {
        routes.push({ key: path === '$default' ? '$default' : `${method} ${path}`, integration, ...(authorizer ? { authorizer } : {}), ...(scopes?.length ? { scopes } : {}) })
        continue
      }
      const parameters = ((op['parameters'] as Json[] | undefined) ?? []).filter((p) => p['in'] !== 'path' && p['required'] === true)
      const bodyContent = ((op['requestBody'] as Json | undefined)?.['content'] ?? {}) as Record<string, Json>
      const requestModels = Object.fromEntries(
        Object.entries(bodyContent).flatMap(([type, media]) => {
          const ref = str((media['schema'] as Json | undefined)?.['$ref'])
          return ref ? [[type, ref.split('/').at(-1)!]] : []
        })
      )
      const validators = (root['x-amazon-apigateway-request-validators'] ?? {}) as Record<string, { validateRequestBody?: boolean; validateRequestParameters?: boolean }>
      const validatorName = str(op['x-amazon-apigateway-request-validator']) ?? str(root['x-amazon-apigateway-request-validator'])
      const v = validatorName ? validators[validatorName] : undefined
      const validator = v ? (v.validateRequestBody && v.validateRequestParameters ? 'all' : v.validateRequestBody ? 'body' : v.validateRequestParameters ? 'params' : 'none') : 'none'
      resourceMethods[method] = {
        integration,
        ...(authorizer ? { authorizer } : {}),
        ...(security.some(([id]) => id === 'api_key' || schemes[id]?.['name'] === 'x-api-key') ? { apiKeyRequired: true } : {}),
        ...(parameters.length ? { requestParameters: Object.fromEntries(parameters.map((p) => [`method.request.${p['in'] === 'query' ? 'querystring' : String(p['in'])}.${String(p['name'])}`, true])) } : {}),
        ...(Object.keys(requestModels).length ? { requestModels } : {}),
        ...(validator !== 'none' ? { validator } : {})
      }
    }
    if (options.type === 'rest' && Object.keys(resourceMethods).length) resources.push({ path, methods: resourceMethods })
  }
  const cleanIntegrations = integrations.map(({ _key: _ignored, ...integration }) => integration)
  const title = str((root['info'] as Json | undefined)?.['title'])
  const base = { id: options.id, ...(title ? { name: title } : {}), integrations: cleanIntegrations, authorizers }
  if (options.type === 'http') {
    const cors = root['x-amazon-apigateway-cors']
    return { api: { ...base, type: 'http', routes, ...(cors ? { cors } : {}) }, warnings }
  }
  const policy = root['x-amazon-apigateway-policy'] as Json | undefined
  const endpointTypes = ((root['x-amazon-apigateway-endpoint-configuration'] as Json | undefined)?.['types'] as string[] | undefined) ?? []
  const responses = (root['x-amazon-apigateway-gateway-responses'] ?? {}) as Record<string, Json>
  const deployment = str(root['x-netloom-deployment']) ?? 'imported'
  return {
    api: {
      ...base,
      type: 'rest',
      ...(endpointTypes[0] && endpointTypes[0] !== 'REGIONAL' ? { endpointType: endpointTypes[0] } : {}),
      ...(policy ? { resourcePolicy: policy } : {}),
      ...(components['schemas'] ? { models: components['schemas'] } : {}),
      deployments: [{ id: deployment, resources }],
      stages: [{ name: 'dev', deployment }],
      ...(Object.keys(responses).length
        ? {
            gatewayResponses: Object.fromEntries(
              Object.entries(responses).map(([type, r]) => [
                type,
                {
                  ...(r['statusCode'] !== undefined ? { statusCode: Number(r['statusCode']) } : {}),
                  headers: Object.fromEntries(Object.entries((r['responseParameters'] as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k.replace(/^gatewayresponse\.header\./, ''), v])),
                  ...(Object.values((r['responseTemplates'] as Record<string, string> | undefined) ?? {})[0] !== undefined ? { bodyTemplate: Object.values(r['responseTemplates'] as Record<string, string>)[0] } : {})
                }
              ])
            )
          }
        : {})
    },
    warnings
  }
}

