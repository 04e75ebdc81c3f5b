// eslint-disable-next-line no-restricted-imports -- the test reads the example labs; it runs under Node only
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadLab } from '../../topology/load-lab'
import { gatewayApiSchema, type HttpApiConfig, type RestApiConfig } from './gateway-config'
import { exportOpenApi, importOpenApi } from './openapi'

function exampleApi(file: string): HttpApiConfig | RestApiConfig {
  const lab = loadLab(readFileSync(new URL(`../../../../resources/examples/${file}`, import.meta.url), 'utf8')).lab!
  const gateway = lab.services.find((s) => s.kind === 'gateway')!
  return (gateway.config as { apis: (HttpApiConfig | RestApiConfig)[] }).apis[0]!
}

describe('OpenAPI export and import', () => {
  it('round-trips an HTTP API: routes, integrations, JWT authorizer, scopes, CORS', () => {
    const api = exampleApi('http-api-jwt.yaml') as HttpApiConfig
    const doc = exportOpenApi(api)
    expect(doc).toMatchObject({ openapi: '3.0.1', paths: { '/pets/{id}': { get: { security: [{ 'lab-issuer': [] }] } } } })
    expect((doc['components'] as { securitySchemes: Record<string, unknown> }).securitySchemes['lab-issuer']).toMatchObject({ 'x-amazon-apigateway-authorizer': { type: 'jwt', jwtConfiguration: { issuer: 'https://issuer.netloom.lab', audience: ['pets-app'] } } })
    const back = gatewayApiSchema.parse(importOpenApi(JSON.parse(JSON.stringify(doc)), { id: 'pets', type: 'http' }).api) as HttpApiConfig
    const routes = (a: HttpApiConfig) => a.routes.map((r) => [r.key, r.authorizer, r.scopes]).sort((x, y) => String(x[0]).localeCompare(String(y[0])))
    expect(routes(back)).toEqual(routes(api))
    expect(back.authorizers).toEqual(api.authorizers)
    expect(back.cors).toEqual(api.cors)
    expect(back.integrations.map(({ id: _id, ...rest }) => rest)).toEqual(api.integrations.map(({ id: _id, ...rest }) => rest))
  })

  it('round-trips a REST deployment: resources, API keys, validators, models, gateway responses', () => {
    const api = exampleApi('rest-api-stages.yaml') as RestApiConfig
    const doc = exportOpenApi(api)
    expect(doc['x-amazon-apigateway-request-validators']).toBeDefined()
    const back = gatewayApiSchema.parse(importOpenApi(doc, { id: 'shop', type: 'rest' }).api) as RestApiConfig
    const methodsOf = (a: RestApiConfig) => a.deployments[0]!.resources.map((r) => [r.path, Object.entries(r.methods).map(([m, spec]) => [m, spec!.apiKeyRequired, spec!.validator, spec!.requestModels])])
    expect(methodsOf(back)).toEqual(methodsOf(api))
    expect(back.models).toEqual(api.models)
    expect(back.gatewayResponses).toEqual(api.gatewayResponses)
    expect(back.deployments[0]!.id).toBe('v1')
  })

  it('imports an AWS document, saying what the lab must supply', () => {
    const doc = parse(`
openapi: 3.0.1
info: { title: Orders, version: '1' }
paths:
  /orders:
    post:
      security: [{ cognito: [] }, { byToken: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:createOrder/invocations', payloadFormatVersion: '2.0' }
  /health:
    get: {}
components:
  securitySchemes:
    cognito: { type: oauth2, flows: {}, x-amazon-apigateway-authorizer: { type: cognito_user_pools } }
    byToken: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authorizer: { type: request, identitySource: '$request.header.Authorization', authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:checkToken/invocations', authorizerPayloadFormatVersion: '2.0', enableSimpleResponses: true } }
`)
    const { api, warnings } = importOpenApi(doc, { id: 'orders', type: 'http' })
    const parsed = gatewayApiSchema.parse(api) as HttpApiConfig
    expect(parsed.routes).toEqual([{ key: 'POST /orders', integration: 'integration-1', authorizer: 'byToken', scopes: [] }])
    expect(parsed.integrations[0]).toMatchObject({ type: 'function', handler: 'functions/createOrder.handler' })
    expect(parsed.authorizers[0]).toMatchObject({ id: 'byToken', type: 'request', handler: 'functions/checkToken.handler', simpleResponses: true })
    expect(warnings).toEqual([
      'authorizer cognito: type cognito_user_pools (e.g. Cognito) is not supported',
      'authorizer byToken: its Lambda becomes the handler file functions/checkToken.handler: write it next to the lab',
      'GET /health: no x-amazon-apigateway-integration; left out'
    ])
  })

  it('refuses what is not an OpenAPI document', () => {
    expect(() => importOpenApi({ hello: 1 }, { id: 'x', type: 'http' })).toThrow('no "paths"')
  })
})
