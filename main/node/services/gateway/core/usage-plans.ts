/**
 * API keys and usage-plan quotas (reference §1.2): a method that requires a key answers 403
 * `{"message":"Forbidden"}` (INVALID_API_KEY) for a missing, unknown or disabled key, and 429
 * `{"message":"Limit Exceeded"}` (QUOTA_EXCEEDED) once the plan's quota for the period is used up.
 * Usage-plan throttling lives in token-bucket.ts (ThrottleLayers); this file only counts quotas.
 */
import { LabError } from '../../../../common/errors/lab-error'
import type { Clock } from '../../../base/clock'

export const FORBIDDEN_BODY = '{"message":"Forbidden"}'
export const QUOTA_EXCEEDED_BODY = '{"message":"Limit Exceeded"}'

export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH'

/** `quota{limit, offset, period}` as in the API. */
export interface QuotaSettings {
  limit: number
  /** "The number of requests subtracted from the given limit in the initial time period." */
  offset?: number
  period: QuotaPeriod
}

export interface ApiKeyDef {
  id: string
  /** 20–128 alphanumeric characters (reference §1.2). */
  value: string
  enabled?: boolean
}

export interface UsagePlanDef {
  id: string
  /** Stages (or `apiId/stage` ids, as long as requests use the same form) the plan covers. */
  stages: string[]
  keyIds: string[]
  quota?: QuotaSettings
}

export type ApiKeyDecision =
  | { allowed: true; keyId?: string; usagePlanId?: string; apiKey?: string }
  | { allowed: false; type: 'INVALID_API_KEY'; status: 403; body: string; reason: string }

export type QuotaDecision =
  | { allowed: true; used: number; limit: number | undefined; periodEnd: number | undefined }
  | {
      allowed: false
      type: 'QUOTA_EXCEEDED'
      status: 429
      body: string
      used: number
      limit: number
      periodEnd: number
    }

const DAY_MS = 86_400_000

/** Start of the UTC period containing `now`. Weeks start on Monday 00:00 UTC (ISO 8601). */
export function quotaPeriodStart(period: QuotaPeriod, now: number): number {
  const day = Math.floor(now / DAY_MS) * DAY_MS
  if (period === 'DAY') return day
  if (period === 'WEEK') {
    const weekday = (new Date(day).getUTCDay() + 6) % 7
    return day - weekday * DAY_MS
  }
  const date = new Date(now)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
}

/** Start of the next period (exclusive end of the one containing `now`). */
export function quotaPeriodEnd(period: QuotaPeriod, now: number): number {
  const start = quotaPeriodStart(period, now)
  if (period === 'DAY') return start + DAY_MS
  if (period === 'WEEK') return start + 7 * DAY_MS
  const date = new Date(start)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
}

function forbidden(reason: string): ApiKeyDecision {
  return { allowed: false, type: 'INVALID_API_KEY', status: 403, body: FORBIDDEN_BODY, reason }
}

/** Key validation and quota counting for one gateway, on an injected clock. */
export class UsagePlans {
  private readonly keysByValue = new Map<string, ApiKeyDef>()
  private readonly planByStageKey = new Map<string, UsagePlanDef>()
  private readonly plans = new Map<string, UsagePlanDef>()
  private readonly counters = new Map<string, { periodStart: number; used: number }>()
  /** The initial period, from which `offset` is subtracted, is the one the plans were created in. */
  private readonly createdAt: number

  constructor(
    config: { apiKeys: ApiKeyDef[]; usagePlans: UsagePlanDef[] },
    private readonly clock: Clock,
    createdAt?: number
  ) {
    this.createdAt = createdAt ?? clock.now()
    const problems: string[] = []
    const keysById = new Map<string, ApiKeyDef>()
    for (const key of config.apiKeys) {
      if (!/^[A-Za-z0-9]{20,128}$/.test(key.value)) {
        problems.push(`API key "${key.id}": the value must be 20–128 letters or digits`)
      } else if (this.keysByValue.has(key.value) || keysById.has(key.id)) {
        problems.push(`API key "${key.id}" is defined twice`)
      } else {
        this.keysByValue.set(key.value, key)
        keysById.set(key.id, key)
      }
    }
    for (const plan of config.usagePlans) {
      if (this.plans.has(plan.id)) problems.push(`usage plan "${plan.id}" is defined twice`)
      this.plans.set(plan.id, plan)
      const q = plan.quota
      if (
        q &&
        (!Number.isInteger(q.limit) ||
          q.limit < 0 ||
          !Number.isInteger(q.offset ?? 0) ||
          (q.offset ?? 0) < 0)
      ) {
        problems.push(
          `usage plan "${plan.id}": quota limit and offset must be non-negative integers`
        )
      }
      for (const keyId of plan.keyIds) {
        if (!keysById.has(keyId))
          problems.push(`usage plan "${plan.id}": unknown API key "${keyId}"`)
        for (const stage of plan.stages) {
          const other = this.planByStageKey.get(JSON.stringify([stage, keyId]))
          if (other && other !== plan) {
            problems.push(
              `API key "${keyId}" is in usage plans "${other.id}" and "${plan.id}" for stage "${stage}" (at most one plan per stage)`
            )
          }
          this.planByStageKey.set(JSON.stringify([stage, keyId]), plan)
        }
      }
    }
    if (problems.length > 0) {
      throw new LabError(
        'LAB_ERR_CONFIG_INVALID',
        `Invalid API keys or usage plans: ${problems.join('; ')}`,
        {
          details: { problems }
        }
      )
    }
  }

  /**
   * Validates the key a request presents (from `X-API-Key`, or the authorizer's `usageIdentifierKey`).
   * Methods that do not require a key pass without one and are not metered. A required key must exist,
   * be enabled and belong to a usage plan that covers the stage.
   */
  identify(request: {
    stage: string
    apiKeyRequired: boolean
    apiKey: string | undefined
  }): ApiKeyDecision {
    if (!request.apiKeyRequired) return { allowed: true }
    if (request.apiKey === undefined || request.apiKey === '')
      return forbidden('no API key was sent')
    const key = this.keysByValue.get(request.apiKey)
    if (!key) return forbidden('the API key is unknown')
    if (key.enabled === false) return forbidden(`API key "${key.id}" is disabled`)
    const plan = this.planByStageKey.get(JSON.stringify([request.stage, key.id]))
    if (!plan)
      return forbidden(`API key "${key.id}" is in no usage plan for stage "${request.stage}"`)
    return { allowed: true, keyId: key.id, usagePlanId: plan.id, apiKey: key.value }
  }

  private counter(planId: string, keyId: string, quota: QuotaSettings, now: number) {
    const id = JSON.stringify([planId, keyId])
    const periodStart = quotaPeriodStart(quota.period, now)
    let counter = this.counters.get(id)
    if (!counter || counter.periodStart !== periodStart) {
      counter = { periodStart, used: 0 }
      this.counters.set(id, counter)
    }
    const initial = periodStart === quotaPeriodStart(quota.period, this.createdAt)
    const limit = Math.max(0, quota.limit - (initial ? (quota.offset ?? 0) : 0))
    return { counter, limit }
  }

  /** Counts one request against the plan's quota (per key, across all the plan's stages). */
  consumeQuota(usagePlanId: string, keyId: string): QuotaDecision {
    const quota = this.plans.get(usagePlanId)?.quota
    if (!quota) return { allowed: true, used: 0, limit: undefined, periodEnd: undefined }
    const now = this.clock.now()
    const { counter, limit } = this.counter(usagePlanId, keyId, quota, now)
    const periodEnd = quotaPeriodEnd(quota.period, now)
    if (counter.used >= limit) {
      return {
        allowed: false,
        type: 'QUOTA_EXCEEDED',
        status: 429,
        body: QUOTA_EXCEEDED_BODY,
        used: counter.used,
        limit,
        periodEnd
      }
    }
    counter.used++
    return { allowed: true, used: counter.used, limit, periodEnd }
  }
}
