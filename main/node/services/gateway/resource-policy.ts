import { cidrContains, parseCidr, type Cidr } from '../../net/cidr'
import { wildcardMatch } from './auth/iam-policy'

/**
 * A REST API's resource policy (DG apigateway-resource-policies): statements with Effect, Principal,
 * Action, Resource and the source-address conditions a lab can act on (`IpAddress` / `NotIpAddress`
 * on `aws:SourceIp`). An explicit Deny wins; with no Allow, the request is refused. Resources may be
 * full ARNs or AWS's short form `execute-api:/{stage}/{METHOD}/{path}`.
 */

interface Statement {
  effect: 'Allow' | 'Deny'
  actions: string[]
  resources: string[]
  ipAddress: Cidr[] | undefined
  notIpAddress: Cidr[] | undefined
}

export type PolicyOutcome = { allowed: true; reason: string } | { allowed: false; explicit: boolean; reason: string }

const list = (value: unknown): string[] | undefined => (typeof value === 'string' ? [value] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined)

export class ResourcePolicy {
  private constructor(private readonly statements: Statement[]) {}

  /** Reads a policy document; throws an Error naming the statement and field that is wrong. */
  static parse(document: unknown, apiArn: string): ResourcePolicy {
    if (document === null || typeof document !== 'object') throw new Error('the resource policy is not an object')
    const raw = (document as Record<string, unknown>)['Statement']
    const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
    if (!items.length) throw new Error('the resource policy has no Statement')
    const statements = items.map((item, index): Statement => {
      const s = (item ?? {}) as Record<string, unknown>
      const where = `Statement ${index}`
      if (s['Effect'] !== 'Allow' && s['Effect'] !== 'Deny') throw new Error(`${where}: Effect must be Allow or Deny`)
      const principal = s['Principal']
      if (principal !== '*' && !(typeof principal === 'object' && principal !== null && (principal as Record<string, unknown>)['AWS'] === '*'))
        throw new Error(`${where}: Principal must be "*" (the lab has no IAM users)`)
      const actions = list(s['Action'])
      const resources = list(s['Resource'])?.map((r) => (r.startsWith('execute-api:') ? `${apiArn}${r.slice('execute-api:'.length)}` : r))
      if (!actions) throw new Error(`${where}: Action must be a string or a list`)
      if (!resources) throw new Error(`${where}: Resource must be a string or a list`)
      const condition = (s['Condition'] ?? {}) as Record<string, Record<string, unknown>>
      for (const operator of Object.keys(condition))
        if (operator !== 'IpAddress' && operator !== 'NotIpAddress') throw new Error(`${where}: the condition ${operator} is not evaluated in the lab (IpAddress and NotIpAddress on aws:SourceIp are)`)
      const cidrs = (operator: string) => {
        const values = condition[operator]?.['aws:SourceIp']
        if (values === undefined) return undefined
        return (list(values) ?? []).map((text) => {
          try {
            return parseCidr(text)
          } catch (error) {
            throw new Error(`${where}: ${(error as Error).message}`, { cause: error })
          }
        })
      }
      return { effect: s['Effect'], actions, resources, ipAddress: cidrs('IpAddress'), notIpAddress: cidrs('NotIpAddress') }
    })
    return new ResourcePolicy(statements)
  }

  evaluate(methodArn: string, sourceIp: string): PolicyOutcome {
    let allowedBy: number | undefined
    for (const [index, statement] of this.statements.entries()) {
      const applies =
        statement.actions.some((action) => wildcardMatch(action, 'execute-api:Invoke', true)) &&
        statement.resources.some((resource) => wildcardMatch(resource, methodArn)) &&
        (statement.ipAddress === undefined || statement.ipAddress.some((range) => cidrContains(range, sourceIp))) &&
        (statement.notIpAddress === undefined || !statement.notIpAddress.some((range) => cidrContains(range, sourceIp)))
      if (!applies) continue
      if (statement.effect === 'Deny') return { allowed: false, explicit: true, reason: `resource policy statement ${index} denies ${sourceIp}` }
      allowedBy ??= index
    }
    if (allowedBy === undefined) return { allowed: false, explicit: false, reason: `no resource policy statement allows ${sourceIp}` }
    return { allowed: true, reason: `resource policy statement ${allowedBy} allows ${sourceIp}` }
  }
}
