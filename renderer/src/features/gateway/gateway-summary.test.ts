import { describe, expect, it } from 'vitest'
import { gatewayConfigSchema } from '../../../../main/common/services/gateway/gateway-config'
import { apiPoint, summariseGateway } from './gateway-summary'

describe('summariseGateway', () => {
  it('lists stages with their limits and routes with a path to try', () => {
    const config = gatewayConfigSchema.parse({
      apis: [
        {
          id: 'pets',
          type: 'http',
          integrations: [{ id: 'b', type: 'http', url: 'http://127.0.0.1:1' }],
          authorizers: [{ id: 'jwt', type: 'jwt', issuer: 'i', audiences: ['a'], jwks: { file: 'k.json' } }],
          routes: [{ key: 'GET /pets/{id}', integration: 'b', authorizer: 'jwt', scopes: ['read'] }, { key: 'ANY /files/{proxy+}', integration: 'b' }],
          stages: [{ name: '$default', routeThrottle: { 'GET /pets/{id}': { rate: 1, burst: 2 } } }]
        },
        {
          id: 'shop',
          type: 'rest',
          integrations: [{ id: 'm', type: 'mock' }],
          deployments: [{ id: 'd1', resources: [{ path: '/items', methods: { POST: { integration: 'm', apiKeyRequired: true } } }] }],
          stages: [{ name: 'prod', deployment: 'd1', canary: { percent: 10, deployment: 'd1' } }]
        }
      ]
    })
    const [pets, shop] = summariseGateway(config, 8080)
    expect(pets!.url).toBe('http://pets.execute-api.localhost:8080/')
    expect(pets!.stages).toEqual([{ name: '$default', prefix: '/', notes: ['GET /pets/{id}: 1 rps, burst 2'] }])
    expect(pets!.routes[0]).toMatchObject({ method: 'GET', tryPath: '/pets/1', auth: 'jwt (jwt)', extras: ['scopes: read'] })
    expect(pets!.routes[1]).toMatchObject({ method: 'GET', tryPath: '/files/some/path', auth: 'none' })
    expect(shop!.stages[0]!.notes).toEqual(['deployment d1', 'canary 10 % → d1'])
    expect(shop!.routes).toEqual([{ key: 'POST /items', method: 'POST', tryPath: '/prod/items', integration: 'm', auth: 'none', extras: ['API key'] }])
  })
})

describe('apiPoint', () => {
  const series = (name: string, api: string, value: number, p99?: number) => ({ name, type: p99 === undefined ? ('counter' as const) : ('histogram' as const), help: '', labels: { service: 'gw', api, stage: '$default' }, value, ...(p99 !== undefined ? { percentiles: { p50: 0, p90: 0, p99, p999: 0 } } : {}) })
  it('gives per-API request and 429 rates and the worst p99', () => {
    const before = { at: 0, series: [series('lab_gateway_requests_total', 'pets', 10), series('lab_gateway_requests_total', 'other', 5)] }
    const after = { at: 2000, series: [series('lab_gateway_requests_total', 'pets', 30), series('lab_gateway_throttled_total', 'pets', 4), series('lab_gateway_latency_seconds', 'pets', 0, 0.012), series('lab_gateway_requests_total', 'other', 100)] }
    expect(apiPoint(before, after, 'gw', 'pets')).toEqual({ requestsPerSecond: 10, throttledPerSecond: 2, p99Ms: 12 })
  })
})
