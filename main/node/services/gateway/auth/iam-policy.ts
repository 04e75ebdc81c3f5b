/**
 * The IAM policy a Lambda authorizer returns, evaluated the way API Gateway does for `execute-api`
 * (reference §1.3): a statement applies when one of its Actions and one of its Resources match
 * (`*` any run of characters, `?` one character); an applicable Deny wins over any Allow; no
 * applicable Allow is an implicit deny. Actions compare case-insensitively (IAM action names are),
 * Resources case-sensitively.
 */

export type PolicyEffect = 'Allow' | 'Deny'

export interface PolicyStatement {
  effect: PolicyEffect
  actions: string[]
  resources: string[]
}

export interface PolicyDocument {
  statements: PolicyStatement[]
}

export type PolicyDecision =
  | { decision: 'allow'; statement: number }
  | { decision: 'explicit-deny'; statement: number }
  | { decision: 'implicit-deny' }

export const INVOKE_ACTION = 'execute-api:Invoke'

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'))
    return value
  return undefined
}

/**
 * Checks the shape of `policyDocument`: `Statement` as one object or an array, each with `Effect`
 * `Allow`/`Deny`, `Action` and `Resource` as a string or a list. `NotAction`, `NotResource` and
 * `Condition` are refused: Netloom does not evaluate them, and guessing would be worse than a clear
 * configuration error. (Whether AWS accepts lower-case keys such as `statement` is not confirmed;
 * Netloom requires AWS's documented spelling.)
 */
export function parsePolicyDocument(
  value: unknown
): { ok: true; policy: PolicyDocument } | { ok: false; problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: 'policyDocument is not an object' }
  }
  const raw = (value as Record<string, unknown>).Statement
  const list = Array.isArray(raw) ? raw : raw === undefined ? undefined : [raw]
  if (!list) return { ok: false, problem: 'policyDocument has no Statement' }
  const statements: PolicyStatement[] = []
  for (const [index, item] of list.entries()) {
    if (typeof item !== 'object' || item === null) {
      return { ok: false, problem: `Statement ${index} is not an object` }
    }
    const s = item as Record<string, unknown>
    for (const unsupported of ['NotAction', 'NotResource', 'Condition']) {
      if (unsupported in s)
        return {
          ok: false,
          problem: `Statement ${index} uses ${unsupported}, which Netloom does not evaluate`
        }
    }
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
      return {
        ok: false,
        problem: `Statement ${index} has Effect ${JSON.stringify(s.Effect)} (Allow or Deny)`
      }
    }
    const actions = stringList(s.Action)
    const resources = stringList(s.Resource)
    if (!actions) return { ok: false, problem: `Statement ${index} has no Action` }
    if (!resources) return { ok: false, problem: `Statement ${index} has no Resource` }
    statements.push({ effect: s.Effect, actions, resources })
  }
  return { ok: true, policy: { statements } }
}

/**
 * Glob match with `*` (any run, including `/` and empty) and `?` (exactly one character). Two-pointer
 * backtracking: linear in practice, and no regular expression is built from user input.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern
  const v = ignoreCase ? value.toLowerCase() : value
  let pi = 0
  let vi = 0
  let star = -1
  let resume = 0
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi++
      vi++
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++
      resume = vi
    } else if (star >= 0) {
      pi = star + 1
      vi = ++resume
    } else {
      return false
    }
  }
  while (pi < p.length && p[pi] === '*') pi++
  return pi === p.length
}

/** Evaluates a policy for one action on one resource (the method ARN). */
export function evaluatePolicy(
  policy: PolicyDocument,
  request: { action?: string; resource: string }
): PolicyDecision {
  const action = request.action ?? INVOKE_ACTION
  let allow: number | undefined
  for (const [index, statement] of policy.statements.entries()) {
    const applies =
      statement.actions.some((a) => wildcardMatch(a, action, true)) &&
      statement.resources.some((r) => wildcardMatch(r, request.resource))
    if (!applies) continue
    if (statement.effect === 'Deny') return { decision: 'explicit-deny', statement: index }
    allow ??= index
  }
  return allow === undefined
    ? { decision: 'implicit-deny' }
    : { decision: 'allow', statement: allow }
}

export interface MethodArnParts {
  region: string
  accountId: string
  apiId: string
  stage: string
  method: string
  /** The request path after the stage, e.g. `/pets/42`. */
  path: string
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{resource-path}` (no leading `/` on the path). */
export function methodArn(parts: MethodArnParts): string {
  const path = parts.path.replace(/^\/+/, '')
  return `arn:aws:execute-api:${parts.region}:${parts.accountId}:${parts.apiId}/${parts.stage}/${parts.method.toUpperCase()}/${path}`
}
