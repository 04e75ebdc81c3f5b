/**
 * Request throttling as the reference §1.2 describes it: "token bucket, one token per request", `rate`
 * tokens/s refill up to a capacity of `burst`, layered account → stage/route → usage plan.
 */
import { LabError } from '../../../../common/errors/lab-error'
import type { Clock } from '../../../base/clock'

/** Body of a 429 from any throttling layer (gateway response THROTTLED). */
export const THROTTLED_BODY = '{"message":"Too Many Requests"}'

/** Floating-point refill (e.g. 0.1 token/s) must not leave a bucket at 0.9999999 instead of 1. */
const EPSILON = 1e-9

/** Result of one `take`: the level is what remains after the request (or what was there, if refused). */
export interface TokenTake {
  allowed: boolean
  tokens: number
  /** Time until one token is available; absent when allowed, or when the bucket can never refill. */
  retryAfterMs?: number
}

/** `rate` and `burst` as AWS sets them (`throttlingRateLimit` / `throttlingBurstLimit`). */
export interface ThrottleLimits {
  /** Steady refill in requests per second; may be fractional. */
  rate: number
  /** Bucket capacity; 0 blocks every request. */
  burst: number
}

function checkLimits(rate: number, burst: number): void {
  if (!Number.isFinite(rate) || rate < 0 || !Number.isFinite(burst) || burst < 0) {
    throw new LabError(
      'LAB_ERR_CONFIG_INVALID',
      `Throttle limits must be finite and non-negative (rate ${rate}, burst ${burst})`,
      { details: { rate, burst } }
    )
  }
}

/** A token bucket that starts full and refills continuously from the injected clock. */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly clock: Clock
  ) {
    checkLimits(rate, burst)
    this.tokens = burst
    this.last = clock.now()
  }

  private refill(): void {
    const now = this.clock.now()
    // A clock that steps back (wall-clock adjustments) must not drain the bucket.
    const elapsed = Math.max(0, now - this.last)
    this.last = Math.max(now, this.last)
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rate) / 1000)
  }

  /** The current level, refilled to now. */
  level(): number {
    this.refill()
    return this.tokens
  }

  /** Whether a request now would be allowed, without taking a token. */
  canTake(): boolean {
    return this.level() >= 1 - EPSILON
  }

  /** Time until a token is available (0 if one is), undefined if it never will be (rate 0 or burst < 1). */
  retryAfterMs(): number | undefined {
    const level = this.level()
    if (level >= 1 - EPSILON) return 0
    if (this.rate === 0 || this.burst < 1) return undefined
    return Math.ceil(((1 - level) * 1000) / this.rate)
  }

  /** Takes one token if there is one. */
  take(): TokenTake {
    if (!this.canTake()) {
      const retryAfterMs = this.retryAfterMs()
      return retryAfterMs === undefined
        ? { allowed: false, tokens: this.tokens }
        : { allowed: false, tokens: this.tokens, retryAfterMs }
    }
    this.tokens = Math.max(0, this.tokens - 1)
    return { allowed: true, tokens: this.tokens }
  }
}

/** Layer names, most specific first (the order in which they are checked). */
export type ThrottleLayerName = 'usage-plan-method' | 'usage-plan' | 'route' | 'stage' | 'account'

/** Throttle settings of a gateway: every part is optional (an absent layer never throttles). */
export interface ThrottleConfig {
  /** Account-level limit shared by every API, stage and route (AWS default 10,000 rps / 5,000 burst). */
  account?: ThrottleLimits
  stages?: Record<
    string,
    {
      /** Applies to each route of the stage that has no override (its own bucket per route). */
      defaultRoute?: ThrottleLimits
      /** Per route key (HTTP `GET /pets`) or per method (REST `/pets/GET`); overrides `defaultRoute`. */
      routes?: Record<string, ThrottleLimits>
    }
  >
  usagePlans?: Record<
    string,
    {
      /** Per API key, aggregated across all API stages in the plan. */
      throttle?: ThrottleLimits
      /** Per API key, stage → route → limits. */
      methods?: Record<string, Record<string, ThrottleLimits>>
    }
  >
}

/** What a request is throttled by. `usagePlanId` and `apiKey` come from usage-plan key validation. */
export interface ThrottleRequest {
  stage: string
  route: string
  usagePlanId?: string
  apiKey?: string
}

/** Bucket level of one layer a request went through, for the explanation shown to the user. */
export interface ThrottleLayerLevel {
  layer: ThrottleLayerName
  limits: ThrottleLimits
  /** Tokens left after the decision. */
  tokens: number
}

export type ThrottleDecision =
  | { allowed: true; levels: ThrottleLayerLevel[] }
  | {
      allowed: false
      /** The first layer, in check order, whose bucket was empty. */
      layer: ThrottleLayerName
      limits: ThrottleLimits
      tokens: number
      retryAfterMs?: number
      levels: ThrottleLayerLevel[]
    }

interface AppliedLayer {
  layer: ThrottleLayerName
  id: string
  limits: ThrottleLimits
}

/**
 * The layered throttle. Layers are checked most specific first, the order the reference gives for REST
 * ("1. usage-plan per-client / per-method limits; 2. per-method limits set on the stage; 3. account").
 * The first empty bucket decides and the request is refused without taking a token from any layer:
 * a request that never reached the backend should not use up anyone's capacity (the reference does not
 * say what AWS does here; this choice keeps the decision deterministic and explainable).
 */
export class ThrottleLayers {
  private readonly buckets = new Map<string, TokenBucket>()

  constructor(
    private readonly config: ThrottleConfig,
    private readonly clock: Clock
  ) {
    const all: ThrottleLimits[] = []
    if (config.account) all.push(config.account)
    for (const stage of Object.values(config.stages ?? {})) {
      if (stage.defaultRoute) all.push(stage.defaultRoute)
      all.push(...Object.values(stage.routes ?? {}))
    }
    for (const plan of Object.values(config.usagePlans ?? {})) {
      if (plan.throttle) all.push(plan.throttle)
      for (const routes of Object.values(plan.methods ?? {})) all.push(...Object.values(routes))
    }
    for (const limits of all) checkLimits(limits.rate, limits.burst)
  }

  /** Number of buckets created so far (one per layer instance that has seen traffic). */
  get bucketCount(): number {
    return this.buckets.size
  }

  private layersFor(request: ThrottleRequest): AppliedLayer[] {
    const { stage, route, usagePlanId, apiKey } = request
    const layers: AppliedLayer[] = []
    if (usagePlanId !== undefined && apiKey !== undefined) {
      const plan = this.config.usagePlans?.[usagePlanId]
      const method = plan?.methods?.[stage]?.[route]
      if (method) {
        const id = JSON.stringify(['usage-plan-method', usagePlanId, apiKey, stage, route])
        layers.push({ layer: 'usage-plan-method', id, limits: method })
      }
      if (plan?.throttle) {
        const id = JSON.stringify(['usage-plan', usagePlanId, apiKey])
        layers.push({ layer: 'usage-plan', id, limits: plan.throttle })
      }
    }
    const stageConfig = this.config.stages?.[stage]
    const override = stageConfig?.routes?.[route]
    if (override) {
      layers.push({ layer: 'route', id: JSON.stringify(['route', stage, route]), limits: override })
    } else if (stageConfig?.defaultRoute) {
      const id = JSON.stringify(['stage', stage, route])
      layers.push({ layer: 'stage', id, limits: stageConfig.defaultRoute })
    }
    if (this.config.account) {
      layers.push({ layer: 'account', id: 'account', limits: this.config.account })
    }
    return layers
  }

  private bucket(layer: AppliedLayer): TokenBucket {
    let bucket = this.buckets.get(layer.id)
    if (!bucket) {
      bucket = new TokenBucket(layer.limits.rate, layer.limits.burst, this.clock)
      this.buckets.set(layer.id, bucket)
    }
    return bucket
  }

  /** Decides one request, taking a token from every layer only if all of them have one. */
  take(request: ThrottleRequest): ThrottleDecision {
    const applied = this.layersFor(request).map((layer) => ({ layer, bucket: this.bucket(layer) }))
    const refusing = applied.find((a) => !a.bucket.canTake())
    if (refusing) {
      const levels = applied.map((a) => ({
        layer: a.layer.layer,
        limits: a.layer.limits,
        tokens: a.bucket.level()
      }))
      const retryAfterMs = refusing.bucket.retryAfterMs()
      const decision: ThrottleDecision = {
        allowed: false,
        layer: refusing.layer.layer,
        limits: refusing.layer.limits,
        tokens: refusing.bucket.level(),
        levels
      }
      if (retryAfterMs !== undefined) decision.retryAfterMs = retryAfterMs
      return decision
    }
    const levels = applied.map((a) => ({
      layer: a.layer.layer,
      limits: a.layer.limits,
      tokens: a.bucket.take().tokens
    }))
    return { allowed: true, levels }
  }
}
