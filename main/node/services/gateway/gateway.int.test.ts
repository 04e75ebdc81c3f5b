import diagnosticsChannel from 'node:diagnostics_channel'
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { serviceSchema } from '../../../common/topology/lab-schema'
import { FakeClock } from '../../base/clock'
import { nullLogger } from '../../lab-host/logger'
import type { TrafficSignal } from '../../lab-host/traffic-recorder'
import { MetricsRegistry } from '../../metrics/metrics-registry'
import { listen } from '../../net/listen'
import type { ServiceSpecOf } from '../service-module'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { jwksOf, makeKey, signToken } from './auth/jwt-test-keys'
import { GatewayService } from './gateway-service'

/** A backend that answers with what it saw, or stalls for `/slow`. */
let backend: Server
let backendUrl = ''
let seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = []

beforeEach(async () => {
  seen = []
  backend = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      seen.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() })
      if (request.url?.includes('/slow')) return // never answers: the integration timeout decides
      response.writeHead(200, { 'content-type': 'application/json', 'x-backend': 'yes' })
      response.end(JSON.stringify({ url: request.url }))
    })
  })
  backendUrl = `http://127.0.0.1:${(await listen(backend, { host: '127.0.0.1', port: 0 }, 'backend')).port}`
})

let gateway: GatewayService | undefined
afterEach(async () => {
  await gateway?.stop()
  backend.closeAllConnections()
  await new Promise((resolve) => backend.close(resolve))
})

const traffic: TrafficSignal[] = []
diagnosticsChannel.subscribe('lab:gateway:request', (message) => traffic.push(message as TrafficSignal))

async function start(config: Record<string, unknown>, clock = new FakeClock(), labDir = '.') {
  const spec = serviceSchema.parse({ id: 'gw', kind: 'gateway', listen: { host: '127.0.0.1', port: 0 }, config }) as ServiceSpecOf<'gateway'>
  const metrics = new MetricsRegistry()
  gateway = new GatewayService(spec, { id: 'gw', labDir, log: nullLogger, metrics: metrics.scope({ service: 'gw' }), clock })
  await gateway.start()
  const port = gateway.endpoints()[0]!.port
  /** Sends with any Host header (fetch cannot set it): how a browser reaches `{api}.execute-api.localhost`. */
  const send = (method: string, path: string, options: { host?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host: options.host ?? `127.0.0.1:${port}`, ...options.headers } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }))
      })
      req.on('error', reject)
      req.end(options.body)
    })
  return { clock, send, metrics, port }
}

const httpApi = (extra: Record<string, unknown> = {}) => ({
  id: 'pets',
  type: 'http',
  integrations: [{ id: 'backend', type: 'http', url: backendUrl }],
  routes: [
    { key: 'GET /pets', integration: 'backend' },
    { key: 'GET /pets/{id}', integration: 'backend' },
    { key: 'ANY /files/{proxy+}', integration: 'backend' }
  ],
  ...extra
})

describe('gateway: HTTP APIs', () => {
  it('routes by route key on the $default stage and forwards the path, query and body', async () => {
    const { send } = await start({ apis: [httpApi()] })
    const answer = await send('GET', '/pets/7?verbose=1')
    expect(answer.status).toBe(200)
    expect(answer.headers['x-backend']).toBe('yes')
    expect(answer.headers['apigw-requestid']).toMatch(/^[0-9a-f-]{36}$/)
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/pets/7?verbose=1' })
    expect(seen[0]!.headers['x-forwarded-for']).toBe('127.0.0.1')
    expect(traffic.at(-1)).toMatchObject({ serviceId: 'gw', status: 200, outcome: 'integration' })
    expect(traffic.at(-1)!.explanation).toContain('route GET /pets/{id}')
  })

  it('answers 404 {"message":"Not Found"} for no route, and for an unknown API host', async () => {
    const { send } = await start({ apis: [httpApi()] })
    expect(await send('POST', '/pets')).toMatchObject({ status: 404, body: '{"message":"Not Found"}' })
    expect(await send('GET', '/pets', { host: 'nope.execute-api.localhost' })).toMatchObject({ status: 404 })
    expect(traffic.at(-1)!.explanation).toContain('no API "nope"')
  })

  it('serves named stages side by side with their own stage variables', async () => {
    const api = httpApi({
      integrations: [{ id: 'backend', type: 'http', url: `${backendUrl}/\${stageVariables.version}/{id}` }],
      routes: [{ key: 'GET /pets/{id}', integration: 'backend' }],
      stages: [
        { name: 'v1', variables: { version: 'one' } },
        { name: 'v2', variables: { version: 'two' } }
      ]
    })
    const { send } = await start({ apis: [api] })
    expect((await send('GET', '/v1/pets/3')).status).toBe(200)
    expect((await send('GET', '/v2/pets/3')).status).toBe(200)
    expect(seen.map((s) => s.url)).toEqual(['/one/3', '/two/3'])
    expect((await send('GET', '/v3/pets/3')).status).toBe(404)
  })

  it('picks the API by host name when a gateway serves several', async () => {
    const second = { id: 'orders', type: 'http', integrations: [{ id: 'm', type: 'http', url: `${backendUrl}/orders-backend` }], routes: [{ key: '$default', integration: 'm' }] }
    const { send } = await start({ apis: [httpApi(), second] })
    await send('GET', '/anything', { host: 'orders.execute-api.localhost' })
    await send('GET', '/anything', { headers: { 'x-apigw-api-id': 'orders' } })
    expect(seen.map((s) => s.url)).toEqual(['/orders-backend', '/orders-backend'])
  })

  it('throttles a route with a token bucket: burst at once, then the refill rate (fake clock)', async () => {
    const api = httpApi({ stages: [{ name: '$default', routeThrottle: { 'GET /pets': { rate: 1, burst: 2 } } }] })
    const { send, clock } = await start({ apis: [api] })
    expect((await send('GET', '/pets')).status).toBe(200)
    expect((await send('GET', '/pets')).status).toBe(200)
    const refused = await send('GET', '/pets')
    expect(refused).toMatchObject({ status: 429, body: '{"message":"Too Many Requests"}' })
    expect(traffic.at(-1)!.explanation).toContain('throttled by the route bucket (1 rps, burst 2)')
    // Another route has its own bucket (the stage has no default limit).
    expect((await send('GET', '/pets/1')).status).toBe(200)
    clock.advance(1000)
    expect((await send('GET', '/pets')).status).toBe(200)
    expect((await send('GET', '/pets')).status).toBe(429)
  })

  it('answers 504 when the backend outlives the integration timeout', async () => {
    const api = httpApi({ integrations: [{ id: 'backend', type: 'http', url: backendUrl, timeoutMs: 100 }] })
    const { send } = await start({ apis: [api] })
    const answer = await send('GET', '/files/slow')
    expect(answer.status).toBe(504)
    expect(traffic.at(-1)).toMatchObject({ outcome: 'integration-timeout' })
  })

  it('refuses a body over the payload limit with 413 and headers over 10,240 bytes', async () => {
    const { send } = await start({ apis: [httpApi()], maxBodyBytes: 1000 })
    expect((await send('POST', '/files/up', { body: 'x'.repeat(2000) })).status).toBe(413)
    expect(seen).toHaveLength(0)
    await expect(send('GET', '/pets', { headers: { 'x-big': 'y'.repeat(11_000) } })).resolves.toMatchObject({ status: 413 })
  })

  it('counts requests and errors under AWS metric names', async () => {
    const { send, metrics } = await start({ apis: [httpApi()] })
    await send('GET', '/pets')
    await send('GET', '/nothing')
    const series = metrics.snapshot(0).series
    const value = (name: string) => series.filter((s) => s.name === name).reduce((sum, s) => sum + (s.value ?? 0), 0)
    expect(value('lab_gateway_requests_total')).toBe(2)
    expect(value('lab_gateway_4xx_error_total')).toBe(1)
  })
})

const restApi = (extra: Record<string, unknown> = {}) => ({
  id: 'shop',
  type: 'rest',
  integrations: [
    { id: 'backend', type: 'http', url: `${backendUrl}/items/{id}` },
    { id: 'hello', type: 'mock', statusCode: 200, body: '{"hello":"$stageVariables.who","id":"$input.params(\'id\')"}' }
  ],
  deployments: [
    { id: 'd1', resources: [{ path: '/items/{id}', methods: { GET: { integration: 'backend' } } }, { path: '/hello/{id}', methods: { GET: { integration: 'hello', apiKeyRequired: true } } }] },
    { id: 'd2', resources: [{ path: '/hello/{id}', methods: { GET: { integration: 'hello' } } }] }
  ],
  stages: [
    { name: 'prod', deployment: 'd1', variables: { who: 'prod' } },
    { name: 'beta', deployment: 'd2', variables: { who: 'beta' } }
  ],
  ...extra
})

describe('gateway: REST APIs', () => {
  it('serves stages under /{stage} from their deployments; unknown paths get 403 Missing Authentication Token', async () => {
    const { send } = await start({ apis: [restApi()] })
    expect(await send('GET', '/beta/hello/5')).toMatchObject({ status: 200, body: '{"hello":"beta","id":"5"}' })
    expect((await send('GET', '/prod/items/5')).status).toBe(200)
    expect(seen.at(-1)!.url).toBe('/items/5')
    const missing = await send('GET', '/beta/items/5')
    expect(missing).toMatchObject({ status: 403, body: '{"message":"Missing Authentication Token"}' })
    expect(missing.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException')
    expect((await send('GET', '/nostage/items/5')).status).toBe(403)
  })

  it('requires API keys where a method asks, and enforces the usage plan quota', async () => {
    const config = {
      apis: [restApi()],
      apiKeys: [{ id: 'alice', value: 'a'.repeat(20) }],
      usagePlans: [{ id: 'basic', stages: ['shop/prod'], keys: ['alice'], quota: { limit: 2, period: 'DAY' } }]
    }
    const { send } = await start(config)
    expect(await send('GET', '/prod/hello/1')).toMatchObject({ status: 403, body: '{"message":"Forbidden"}' })
    expect((await send('GET', '/prod/hello/1', { headers: { 'x-api-key': 'b'.repeat(20) } })).status).toBe(403)
    const key = { 'x-api-key': 'a'.repeat(20) }
    expect((await send('GET', '/prod/hello/1', { headers: key })).status).toBe(200)
    expect((await send('GET', '/prod/hello/1', { headers: key })).status).toBe(200)
    expect(await send('GET', '/prod/hello/1', { headers: key })).toMatchObject({ status: 429, body: '{"message":"Limit Exceeded"}' })
  })

  it('sends a canary share of a stage to the canary deployment', async () => {
    const api = restApi({ stages: [{ name: 'prod', deployment: 'd1', variables: { who: 'prod' }, canary: { percent: 100, deployment: 'd2', variables: { who: 'canary' } } }] })
    const { send } = await start({ apis: [api] })
    expect(await send('GET', '/prod/hello/2')).toMatchObject({ status: 200, body: '{"hello":"canary","id":"2"}' })
  })

  it('applies customised gateway responses', async () => {
    const { send } = await start({ apis: [restApi({ gatewayResponses: { MISSING_AUTHENTICATION_TOKEN: { statusCode: 404, headers: { 'Access-Control-Allow-Origin': "'*'" }, bodyTemplate: '{"error":"no such path","type":"$context.error.responseType"}' } } })] })
    const answer = await send('GET', '/prod/nowhere')
    expect(answer).toMatchObject({ status: 404, body: '{"error":"no such path","type":"MISSING_AUTHENTICATION_TOKEN"}' })
    expect(answer.headers['access-control-allow-origin']).toBe('*')
  })

  it('keeps out sources its resource policy does not allow', async () => {
    const { send } = await start({ apis: [restApi({ endpointType: 'PRIVATE', allowedSourceIps: ['10.0.0.0/8'] })] })
    const answer = await send('GET', '/prod/items/1')
    expect(answer.status).toBe(403)
    expect(JSON.parse(answer.body).Message).toContain('is not authorized to perform: execute-api:Invoke')
    expect(seen).toHaveLength(0)
  })
})

describe('gateway: access control', () => {
  it('checks JWTs against a JWKS file: signature, issuer, audience, expiry and route scopes', async () => {
    const key = await makeKey('k1')
    const dir = mkdtempSync(join(tmpdir(), 'netloom-jwks-'))
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwksOf(key)))
    const clock = new FakeClock()
    const api = httpApi({
      authorizers: [{ id: 'jwt', type: 'jwt', issuer: 'https://issuer.lab', audiences: ['pets-app'], jwks: { file: join(dir, 'jwks.json') } }],
      routes: [
        { key: 'GET /pets', integration: 'backend', authorizer: 'jwt' },
        { key: 'POST /pets', integration: 'backend', authorizer: 'jwt', scopes: ['pets:write'] }
      ]
    })
    const { send } = await start({ apis: [api] }, clock)
    const now = Math.floor(clock.now() / 1000)
    const token = await signToken(key, { iss: 'https://issuer.lab', aud: 'pets-app', sub: 'ana', scope: 'pets:read', iat: now, exp: now + 60 })
    expect((await send('GET', '/pets')).status).toBe(401)
    expect((await send('GET', '/pets', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    expect(traffic.at(-1)!.explanation).toContain('JWT authorizer jwt')
    expect(await send('POST', '/pets', { headers: { authorization: `Bearer ${token}` } })).toMatchObject({ status: 403, body: '{"message":"Forbidden"}' })
    clock.advance(61_000)
    const expired = await send('GET', '/pets', { headers: { authorization: token } })
    expect(expired.status).toBe(401)
    expect(expired.headers['www-authenticate']).toContain('invalid_token')
    expect(seen).toHaveLength(1)
  })

  it('logs in with the session authorizer, lets the cookie through, and logs out', async () => {
    const api = restApi({
      authorizers: [{ id: 'login', type: 'session', users: [{ username: 'ana', password: 'secret' }] }],
      deployments: [{ id: 'd1', resources: [{ path: '/items/{id}', methods: { GET: { integration: 'backend', authorizer: 'login' } } }] }],
      stages: [{ name: 'prod', deployment: 'd1' }]
    })
    const { send } = await start({ apis: [api] })
    expect(await send('GET', '/prod/items/1')).toMatchObject({ status: 401, body: '{"message":"Unauthorized"}' })
    expect((await send('POST', '/prod/login', { body: '{"username":"ana","password":"wrong"}' })).status).toBe(401)
    const login = await send('POST', '/prod/login', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=ana&password=secret' })
    expect(login.status).toBe(200)
    const cookie = String(login.headers['set-cookie']).split(';')[0]!
    expect(String(login.headers['set-cookie'])).toContain('HttpOnly')
    expect((await send('GET', '/prod/items/1', { headers: { cookie } })).status).toBe(200)
    expect(traffic.at(-1)!.explanation).toContain('session of ana')
    const logout = await send('POST', '/prod/logout', { headers: { cookie } })
    expect(String(logout.headers['set-cookie'])).toContain('Max-Age=0')
  })
})

describe('gateway: configuration', () => {
  it('refuses unknown integrations, mock integrations in HTTP APIs and usage plans on unknown stages', () => {
    const result = serviceSchema.safeParse({
      id: 'gw',
      kind: 'gateway',
      listen: { port: 0 },
      config: {
        apis: [{ id: 'a', type: 'http', integrations: [{ id: 'm', type: 'mock' }], routes: [{ key: 'GET /x', integration: 'nope' }] }],
        usagePlans: [{ id: 'p', stages: ['a/$default'] }]
      }
    })
    expect(result.success).toBe(false)
    const messages = result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    expect(messages).toEqual(
      expect.arrayContaining([
        'config.apis.0.routes.0.integration: unknown integration "nope"',
        'config.apis.0.integrations.0.type: HTTP APIs have no mock integrations (REST APIs do)',
        'config.usagePlans.0.stages.0: no REST API stage "a/$default"'
      ])
    )
  })
})

describe('gateway: REST request validation', () => {
  const api = () =>
    restApi({
      models: {
        Pet: { type: 'object', required: ['name', 'owner'], properties: { name: { type: 'string', minLength: 1 }, owner: { $ref: 'https://apigateway.amazonaws.com/restapis/abc123/models/Owner' } } },
        Owner: { type: 'object', required: ['email'], properties: { email: { type: 'string', pattern: '@' } } }
      },
      deployments: [
        {
          id: 'd1',
          resources: [
            {
              path: '/items/{id}',
              methods: {
                POST: { integration: 'backend', validator: 'all', requestModels: { 'application/json': 'Pet' }, requestParameters: { 'method.request.querystring.page': true, 'method.request.header.x-token': true } }
              }
            }
          ]
        }
      ],
      stages: [{ name: 'prod', deployment: 'd1' }]
    })

  it('refuses missing parameters and bodies that do not match the model (draft-04, $ref to another model)', async () => {
    const { send } = await start({ apis: [api()] })
    const json = { 'content-type': 'application/json' }
    expect(await send('POST', '/prod/items/1', { headers: json, body: '{}' })).toMatchObject({ status: 400, body: '{"message":"Missing required request parameters: [page, x-token]"}' })
    expect(await send('POST', '/prod/items/1?page=%20', { headers: { ...json, 'x-token': 't' }, body: '{}' })).toMatchObject({ status: 400, body: '{"message":"Missing required request parameters: [page]"}' })
    const bad = await send('POST', '/prod/items/1?page=2', { headers: { ...json, 'x-token': 't' }, body: '{"name":"Rex","owner":{"email":"nope"}}' })
    expect(bad).toMatchObject({ status: 400, body: '{"message":"Invalid request body"}' })
    expect(traffic.at(-1)!.explanation).toContain('/owner/email must match pattern')
    expect((await send('POST', '/prod/items/1?page=2', { headers: { ...json, 'x-token': 't' }, body: 'not json' })).status).toBe(400)
    expect(seen).toHaveLength(0)
    const good = await send('POST', '/prod/items/1?page=2', { headers: { ...json, 'x-token': 't' }, body: '{"name":"Rex","owner":{"email":"a@b"}}' })
    expect(good.status).toBe(200)
    expect(seen[0]!.body).toBe('{"name":"Rex","owner":{"email":"a@b"}}')
  })

  it('reports a broken model when the service starts', async () => {
    const broken = restApi({ models: { Bad: { type: 'object', properties: { a: { type: 'nonsense' } } } } })
    await expect(start({ apis: [broken] })).rejects.toThrow(/model is not valid JSON Schema draft-04/)
  })
})

describe('gateway: parameter mapping', () => {
  it('HTTP APIs rewrite headers, query strings and the path from the request and $context', async () => {
    const api = httpApi({
      integrations: [
        {
          id: 'backend',
          type: 'http',
          url: backendUrl,
          parameterMapping: {
            'overwrite:path': '/v2${request.path}',
            'append:header.x-request-id': '$context.requestId',
            'overwrite:header.x-user': 'user-${request.querystring.user}',
            'remove:querystring.user': "''"
          }
        }
      ]
    })
    const { send } = await start({ apis: [api] })
    await send('GET', '/pets/5?user=ana&keep=1')
    expect(seen[0]!.url).toBe('/v2/pets/5?keep=1')
    expect(seen[0]!.headers['x-user']).toBe('user-ana')
    expect(seen[0]!.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(traffic.at(-1)!.explanation).toContain('mapped path → /v2/pets/5')
  })

  it('REST integrations take request parameters from the method request, stage variables and literals', async () => {
    const api = restApi({
      integrations: [
        {
          id: 'backend',
          type: 'http',
          url: `${backendUrl}/items/{item}`,
          requestParameters: {
            'integration.request.path.item': 'method.request.path.id',
            'integration.request.header.x-tenant': "'lab'",
            'integration.request.querystring.region': 'stageVariables.region'
          }
        }
      ],
      deployments: [{ id: 'd1', resources: [{ path: '/items/{id}', methods: { GET: { integration: 'backend' } } }] }],
      stages: [{ name: 'prod', deployment: 'd1', variables: { region: 'eu' } }]
    })
    const { send } = await start({ apis: [api] })
    await send('GET', '/prod/items/9')
    expect(seen[0]!.url).toBe('/items/9?region=eu')
    expect(seen[0]!.headers['x-tenant']).toBe('lab')
  })
})

describe('gateway: function integrations and authorizers', () => {
  const fixtures = fileURLToPath(new URL('./functions/fixtures/', import.meta.url))
  const fnApi = () =>
    httpApi({
      integrations: [
        { id: 'echo', type: 'function', handler: 'handlers.echo' },
        { id: 'inferred', type: 'function', handler: 'handlers.inferred' },
        { id: 'cookies', type: 'function', handler: 'handlers.cookies' },
        { id: 'malformed', type: 'function', handler: 'handlers.malformed', payloadFormatVersion: '1.0' },
        { id: 'slow', type: 'function', handler: 'handlers.forever', timeoutMs: 100 }
      ],
      routes: [
        { key: 'POST /echo/{id}', integration: 'echo' },
        { key: 'GET /inferred', integration: 'inferred' },
        { key: 'GET /cookies', integration: 'cookies' },
        { key: 'GET /malformed', integration: 'malformed' },
        { key: 'GET /slow', integration: 'slow' }
      ]
    })

  it('sends HTTP APIs the 2.0 event and turns the handler result into the response', async () => {
    const { send } = await start({ apis: [fnApi()] }, new FakeClock(), fixtures)
    const echoed = await send('POST', '/echo/7?a=1&a=2', { headers: { 'content-type': 'application/json', cookie: 'x=1; y=2' }, body: '{"n":1}' })
    expect(echoed.status).toBe(200)
    const { event } = JSON.parse(echoed.body)
    expect(event).toMatchObject({ version: '2.0', routeKey: 'POST /echo/{id}', rawPath: '/echo/7', rawQueryString: 'a=1&a=2', cookies: ['x=1', 'y=2'], queryStringParameters: { a: '1,2' }, pathParameters: { id: '7' }, body: '{"n":1}', isBase64Encoded: false })
    expect(event.requestContext.http).toMatchObject({ method: 'POST', path: '/echo/7', sourceIp: '127.0.0.1' })
    expect(await send('GET', '/inferred')).toMatchObject({ status: 200, body: '{"hello":"world"}' })
    expect((await send('GET', '/cookies')).headers['set-cookie']).toEqual(['a=1', 'b=2; HttpOnly'])
  })

  it('answers a malformed result with 500 and a function timeout with 504', async () => {
    const { send } = await start({ apis: [fnApi()] }, new FakeClock(), fixtures)
    expect(await send('GET', '/malformed')).toMatchObject({ status: 500, body: '{"message":"Internal Server Error"}' })
    expect(traffic.at(-1)!.explanation).toContain('body must be a string')
    expect((await send('GET', '/slow')).status).toBe(504)
  })

  it('sends REST APIs the 1.0 event and runs TOKEN authorizers, caching their answers', async () => {
    const api = restApi({
      integrations: [{ id: 'echo', type: 'function', handler: 'handlers.echo' }],
      authorizers: [{ id: 'fn', type: 'token', handler: 'handlers.authorize', identitySources: ['method.request.header.Authorization'] }],
      deployments: [{ id: 'd1', resources: [{ path: '/pets/{id}', methods: { GET: { integration: 'echo', authorizer: 'fn' } } }] }],
      stages: [{ name: 'prod', deployment: 'd1', variables: { color: 'red' } }]
    })
    const { send } = await start({ apis: [api] }, new FakeClock(), fixtures)
    expect(await send('GET', '/prod/pets/3')).toMatchObject({ status: 401, body: '{"message":"Unauthorized"}' })
    expect((await send('GET', '/prod/pets/3', { headers: { authorization: 'wrong' } })).status).toBe(401)
    expect((await send('GET', '/prod/pets/3', { headers: { authorization: 'deny' } })).status).toBe(403)
    const allowed = await send('GET', '/prod/pets/3?q=1', { headers: { authorization: 'let-me-in' } })
    expect(allowed.status).toBe(200)
    const { event } = JSON.parse(allowed.body)
    expect(event).toMatchObject({ resource: '/pets/{id}', path: '/pets/3', httpMethod: 'GET', pathParameters: { id: '3' }, stageVariables: { color: 'red' }, queryStringParameters: { q: '1' } })
    expect(event.requestContext).toMatchObject({ stage: 'prod', path: '/prod/pets/3', authorizer: { principalId: 'ana', team: 'blue' } })
    await send('GET', '/prod/pets/4', { headers: { authorization: 'let-me-in' } })
    expect(traffic.at(-1)!.explanation).toContain('authorizer result from cache')
  })
})

describe('gateway: REST stage cache', () => {
  it('serves GETs from the stage cache per path parameter until the TTL, and max-age=0 refreshes', async () => {
    const api = restApi({ stages: [{ name: 'prod', deployment: 'd1', cache: { ttlSeconds: 60 } }] })
    const { send, clock, metrics } = await start({ apis: [api] })
    await send('GET', '/prod/items/1')
    await send('GET', '/prod/items/1')
    await send('GET', '/prod/items/2')
    expect(seen.map((s) => s.url)).toEqual(['/items/1', '/items/2'])
    expect(traffic.at(-2)!.explanation).toContain('stage cache hit')
    clock.advance(61_000)
    await send('GET', '/prod/items/1')
    await send('GET', '/prod/items/1', { headers: { 'cache-control': 'max-age=0' } })
    expect(seen).toHaveLength(4)
    const series = metrics.snapshot(0).series
    expect(series.find((s) => s.name === 'lab_gateway_cache_hit_count_total')?.value).toBe(1)
    expect(series.find((s) => s.name === 'lab_gateway_cache_miss_count_total')?.value).toBe(4)
  })
})

describe('gateway: resource policies', () => {
  it('evaluates Allow and Deny statements with source-address conditions; an explicit deny wins', async () => {
    const resourcePolicy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
        { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/prod/GET/items/*', Condition: { IpAddress: { 'aws:SourceIp': ['127.0.0.0/8'] } } }
      ]
    }
    const { send } = await start({ apis: [restApi({ resourcePolicy })] })
    const denied = await send('GET', '/prod/items/1')
    expect(denied.status).toBe(403)
    expect(JSON.parse(denied.body).Message).toMatch(/on resource: arn:aws:execute-api:lab-1:000000000000:shop\/prod\/GET\/items\/1 with an explicit deny$/)
    expect(traffic.at(-1)!.explanation).toContain('resource policy statement 1 denies 127.0.0.1')
    expect((await send('GET', '/beta/hello/1')).status).toBe(200)
  })

  it('refuses a policy it cannot evaluate when the service starts', async () => {
    const resourcePolicy = { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }] }
    await expect(start({ apis: [restApi({ resourcePolicy })] })).rejects.toThrow(/condition StringEquals is not evaluated in the lab/)
  })
})
