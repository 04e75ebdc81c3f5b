import type { MetricsSample } from '../../../../main/common/contract/lab-types'
import type { GatewayConfig } from '../../../../main/common/services/gateway/gateway-config'
import { ratePerSecond, worstP99 } from '../metrics/series-math'

export interface RouteRow {
  /** `GET /pets/{id}` or `$default`. */
  key: string
  method: string
  /** Path to try, relative to the stage, with `{param}` filled by an example value. */
  tryPath: string
  integration: string
  auth: string
  extras: string[]
}

export interface StageRow {
  name: string
  /** Where requests for this stage go: `/` for HTTP `$default`, `/{stage}/` otherwise. */
  prefix: string
  notes: string[]
}

export interface ApiSummary {
  id: string
  type: 'http' | 'rest' | 'websocket'
  name: string
  url: string
  stages: StageRow[]
  routes: RouteRow[]
  authorizers: string[]
}

const limits = (l: { rate: number; burst: number }) => `${l.rate} rps, burst ${l.burst}`

/** Fills `{id}` and `{proxy+}` so that a route can be tried at once. */
function examplePath(path: string): string {
  return path.replace(/\{[^}+]+\+\}/g, 'some/path').replace(/\{[^}]+\}/g, '1')
}

/** What the API panel lists, from a gateway's config: enough to read an API at a glance and try it. */
export function summariseGateway(config: GatewayConfig | undefined, port: number | undefined): ApiSummary[] {
  if (!config) return []
  return config.apis.map((api) => {
    const authorizers = api.authorizers.map((a) => `${a.id} (${a.type})`)
    const authOf = (id: string | undefined) => (id === undefined ? 'none' : (authorizers.find((a) => a.startsWith(`${id} `)) ?? id))
    const url = port === undefined ? '' : `http://${api.id}.execute-api.localhost:${port}/`
    if (api.type === 'http') {
      return {
        id: api.id,
        type: 'http',
        name: api.name ?? api.id,
        url,
        authorizers,
        stages: api.stages.map((stage) => ({
          name: stage.name,
          prefix: stage.name === '$default' ? '/' : `/${stage.name}/`,
          notes: [
            ...(stage.throttle ? [`routes ${limits(stage.throttle)}`] : []),
            ...Object.entries(stage.routeThrottle).map(([key, l]) => `${key}: ${limits(l)}`),
            ...Object.entries(stage.variables).map(([k, v]) => `${k}=${v}`)
          ]
        })),
        routes: api.routes.map((route) => {
          const [method = 'GET', path = '/'] = route.key === '$default' ? ['GET', '/'] : route.key.split(' ')
          return { key: route.key, method: method === 'ANY' ? 'GET' : method, tryPath: examplePath(path), integration: route.integration, auth: authOf(route.authorizer), extras: route.scopes.length ? [`scopes: ${route.scopes.join(' ')}`] : [] }
        })
      }
    }
    if (api.type === 'websocket') {
      return {
        id: api.id,
        type: 'websocket',
        name: api.name ?? api.id,
        url: port === undefined ? '' : `ws://${api.id}.execute-api.localhost:${port}/`,
        authorizers,
        stages: api.stages.map((stage) => ({
          name: stage.name,
          prefix: `/${stage.name}`,
          notes: [`idle ${stage.idleTimeoutSeconds} s, max ${stage.maxConnectionSeconds} s`, ...(stage.throttle ? [`messages ${limits(stage.throttle)}`] : [])]
        })),
        // Routes are chosen by message bodies, not paths: nothing to try with an HTTP request.
        routes: api.routes.map((route) => ({
          key: route.key,
          method: '',
          tryPath: '',
          integration: route.integration,
          auth: authOf(route.authorizer),
          extras: [route.key.startsWith('$') ? '' : `${api.routeSelectionExpression} = ${route.key}`, route.twoWay ? 'two-way' : ''].filter(Boolean)
        }))
      }
    }
    const first = api.stages[0]!
    const deployment = api.deployments.find((d) => d.id === first.deployment)
    return {
      id: api.id,
      type: 'rest',
      name: api.name ?? api.id,
      url,
      authorizers,
      stages: api.stages.map((stage) => ({
        name: stage.name,
        prefix: `/${stage.name}/`,
        notes: [
          `deployment ${stage.deployment}`,
          ...(stage.canary ? [`canary ${stage.canary.percent} % → ${stage.canary.deployment}`] : []),
          ...(stage.throttle ? [`methods ${limits(stage.throttle)}`] : []),
          ...Object.entries(stage.variables).map(([k, v]) => `${k}=${v}`)
        ]
      })),
      // The routes of the first stage's deployment, tried under that stage.
      routes: (deployment?.resources ?? []).flatMap((resource) =>
        Object.entries(resource.methods).map(([method, spec]) => ({
          key: `${method} ${resource.path}`,
          method: method === 'ANY' ? 'GET' : method,
          tryPath: `/${first.name}${examplePath(resource.path)}`,
          integration: spec!.integration,
          auth: authOf(spec!.authorizer),
          extras: [...(spec!.apiKeyRequired ? ['API key'] : []), ...(spec!.validator !== 'none' ? [`validates ${spec!.validator}`] : [])]
        }))
      )
    }
  })
}

/** One point of an API's live charts. */
export interface ApiPoint {
  requestsPerSecond: number
  throttledPerSecond: number
  /** The worst stage's p99 latency, in milliseconds. */
  p99Ms: number
}

/** Rates between two samples and the current p99, for one API of one gateway service. */
export function apiPoint(previous: MetricsSample, current: MetricsSample, serviceId: string, apiId: string): ApiPoint {
  const match = { service: serviceId, api: apiId }
  return {
    requestsPerSecond: ratePerSecond(previous, current, 'lab_gateway_requests_total', match),
    throttledPerSecond: ratePerSecond(previous, current, 'lab_gateway_throttled_total', match),
    p99Ms: worstP99(current, 'lab_gateway_latency_seconds', match) * 1000
  }
}
