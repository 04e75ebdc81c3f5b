import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Clock } from '../../base/clock'
import type { Random } from '../../base/random'
import type { Logger } from '../../lab-host/logger'
import type { MetricsScope } from '../../metrics/metrics-scope'
import type { ThrottleDecision, ThrottleLayers, ThrottleLimits } from './core/token-bucket'
import type { UsagePlans } from './core/usage-plans'
import type { AuthorizerInvoker } from './api-authorizers'
import type { GatewayReply, GatewayRequest } from './gateway-exchange'
import type { IntegrationDeps } from './integrations'
import type { RequestTrace } from './request-trace'

/** What every API of one gateway shares: the account's buckets, keys and plans, and the backends. */
export interface ApiDeps extends IntegrationDeps {
  readonly clock: Clock
  readonly log: Logger
  readonly throttle: ThrottleLayers
  readonly usagePlans: UsagePlans
  readonly random: Random
  /** Folder of the lab file: JWKS files and handler files are relative to it. */
  readonly labDir: string
  /** Runs authorizer functions; undefined where functions cannot run. */
  readonly invokeAuthorizer: AuthorizerInvoker | undefined
  readonly metrics: MetricsScope
  /** Counts, logs and publishes an exchange that was not a plain HTTP request (WebSocket events). */
  readonly record: (request: GatewayRequest, trace: RequestTrace, status: number, bytesOut: number, elapsedMs: number) => void
}

/** One running API: takes a request that was addressed to it and answers it. */
export interface ApiRuntime {
  readonly id: string
  readonly type: 'http' | 'rest' | 'websocket'
  /** Stage names, for the endpoints a user sees. */
  readonly stages: readonly string[]
  handle(request: GatewayRequest, trace: RequestTrace): Promise<GatewayReply>
  /** WebSocket APIs: takes an HTTP upgrade. */
  upgrade?(message: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Closes what the API holds open (WebSocket connections). */
  dispose?(): void
}

/** The stage key the throttle and usage plans know a stage by: APIs share one account. */
export function stageKey(apiId: string, stage: string): string {
  return `${apiId}/${stage}`
}

export function describeLimits(limits: ThrottleLimits): string {
  return `${limits.rate} rps, burst ${limits.burst}`
}

/** One sentence on a throttle decision: which layer refused, or how full the buckets are. */
export function describeThrottle(decision: ThrottleDecision): string {
  if (!decision.allowed) return `throttled by the ${decision.layer} bucket (${describeLimits(decision.limits)}): ${decision.tokens.toFixed(2)} tokens left`
  if (!decision.levels.length) return 'no throttle applies'
  return `buckets ${decision.levels.map((level) => `${level.layer} ${level.tokens.toFixed(0)}/${level.limits.burst}`).join(', ')}`
}
