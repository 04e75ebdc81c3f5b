/**
 * The arguments of the `cloudfront` module's origin helpers, checked the way AWS documents them
 * (Developer Guide, "Helper methods for origin modification"; ranges from the origin settings pages).
 * The sandbox only records the calls; this turns each into a typed change or refuses it with a
 * message that names the field. Nothing here knows the distribution: whether an id exists is
 * decided by the edge (origin-override.ts).
 */
import { LabError } from '../../../../common/errors/lab-error'
import { originSettingsFields } from '../../../../common/services/edge/origin-settings'

/** A helper call as the sandbox recorded it (the argument went through JSON). */
export interface RecordedOriginCall {
  helper: string
  argument: unknown
}

/** What `updateRequestOrigin()` may change in the lab; absent fields keep the origin's own values. */
export interface OriginUpdate {
  /** A loopback host, or the id of one of the distribution's origins (its address is used). */
  domainName?: string
  /** `customOriginConfig.port`; without it the origin's own port is kept. */
  port?: number
  originPath?: string
  /** Replaces the origin's custom headers (`{}` clears them, as on CloudFront). */
  customHeaders?: { name: string; value: string }[]
  connectionAttempts?: number
  connectionTimeout?: number
  /** `timeouts.readTimeout`, the origin settings' response timeout. */
  responseTimeout?: number
  keepaliveTimeout?: number
}

export type OriginChange =
  | { helper: 'selectRequestOriginById'; originId: string }
  | { helper: 'updateRequestOrigin'; update: OriginUpdate }
  | { helper: 'createRequestOriginGroup'; originIds: [string, string]; failoverStatusCodes: number[] }

/** CloudFront's failover statuses for origin groups (API OriginGroupFailoverCriteria). */
export const FAILOVER_STATUS_CODES = [400, 403, 404, 416, 500, 502, 503, 504] as const

const UPDATE_FIELDS = ['domainName', 'originPath', 'customHeaders', 'connectionAttempts', 'timeouts', 'customOriginConfig']
/** Documented fields the lab cannot honour: refused by name rather than silently ignored. */
const UNSUPPORTED_UPDATE_FIELDS: Record<string, string> = {
  originShield: 'the lab has no Origin Shield layer',
  originAccessControlConfig: 'the lab does not sign origin requests (origin access control)'
}
const TIMEOUT_RANGES: Record<string, [keyof OriginUpdate, number, number]> = {
  readTimeout: ['responseTimeout', 1, 60],
  keepAliveTimeout: ['keepaliveTimeout', 1, 60],
  connectionTimeout: ['connectionTimeout', 1, 10]
}
const SSL_PROTOCOLS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2']

function refuse(helper: string, message: string, field?: string): never {
  throw new LabError('LAB_ERR_CONFIG_INVALID', `cf.${helper}(): ${message}`, { details: { helper, field } })
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function integerIn(helper: string, field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    refuse(helper, `${field} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`, field)
  return value
}

/** `timeouts`, `customOriginConfig` and the flat fields of `updateRequestOrigin()`. */
function update(argument: unknown): OriginUpdate {
  const helper = 'updateRequestOrigin'
  if (!isPlainObject(argument)) refuse(helper, 'expects an object of origin properties')
  const out: OriginUpdate = {}
  for (const [field, value] of Object.entries(argument)) {
    if (field in UNSUPPORTED_UPDATE_FIELDS) refuse(helper, `${field} is not supported: ${UNSUPPORTED_UPDATE_FIELDS[field]}`, field)
    if (!UPDATE_FIELDS.includes(field)) refuse(helper, `unknown field "${field}" (supported: ${UPDATE_FIELDS.join(', ')})`, field)
    if (field === 'domainName') {
      if (typeof value !== 'string' || value === '') refuse(helper, 'domainName must be a non-empty string', field)
      out.domainName = value
    } else if (field === 'originPath') {
      // AWS: starts with a slash, does not end with one, at most 255 characters (the origins' own rule).
      const parsed = originSettingsFields.originPath.safeParse(value)
      if (typeof value !== 'string' || !parsed.success) refuse(helper, `originPath ${JSON.stringify(value)} ${parsed.error?.issues[0]?.message ?? 'must be a string'}`, field)
      out.originPath = parsed.data
    } else if (field === 'customHeaders') {
      out.customHeaders = customHeaders(value)
    } else if (field === 'connectionAttempts') {
      out.connectionAttempts = integerIn(helper, field, value, 1, 3)
    } else if (field === 'timeouts') {
      if (!isPlainObject(value)) refuse(helper, 'timeouts must be an object', field)
      for (const [name, seconds] of Object.entries(value)) {
        const range = TIMEOUT_RANGES[name]
        if (!range) refuse(helper, `unknown field "timeouts.${name}" (supported: ${Object.keys(TIMEOUT_RANGES).join(', ')})`, `timeouts.${name}`)
        ;(out as Record<string, number>)[range[0]] = integerIn(helper, `timeouts.${name}`, seconds, range[1], range[2])
      }
    } else {
      Object.assign(out, customOriginConfig(value))
    }
  }
  return out
}

/** AWS's `{ "name": "value" }` form, lower-case names, the origin custom header rules and quotas. */
function customHeaders(value: unknown): { name: string; value: string }[] {
  const helper = 'updateRequestOrigin'
  if (!isPlainObject(value)) refuse(helper, 'customHeaders must be an object of header names and values', 'customHeaders')
  const list = Object.entries(value).map(([name, headerValue]) => {
    if (typeof headerValue !== 'string') refuse(helper, `customHeaders["${name}"] must be a string`, `customHeaders.${name}`)
    // AWS: "Header name must be lowercase in your function code."
    if (name !== name.toLowerCase()) refuse(helper, `customHeaders: header names must be lower-case ("${name}")`, `customHeaders.${name}`)
    return { name, value: headerValue }
  })
  const parsed = originSettingsFields.customHeaders.safeParse(list)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const at = typeof issue.path[0] === 'number' ? `"${list[issue.path[0]]?.name}": ` : ''
    refuse(helper, `customHeaders: ${at}${issue.message}`, 'customHeaders')
  }
  return parsed.data
}

/** Port and protocol: the lab speaks plain HTTP to loopback origins, so `https` is refused. */
function customOriginConfig(value: unknown): Pick<OriginUpdate, 'port'> {
  const helper = 'updateRequestOrigin'
  if (!isPlainObject(value)) refuse(helper, 'customOriginConfig must be an object', 'customOriginConfig')
  const out: Pick<OriginUpdate, 'port'> = {}
  for (const [field, item] of Object.entries(value)) {
    const name = `customOriginConfig.${field}`
    if (field === 'port') {
      const port = typeof item === 'string' && /^\d+$/.test(item) ? Number(item) : item
      // CloudFront's HTTP port: 80, 443, or 1024–65535.
      if (typeof port !== 'number' || !Number.isInteger(port) || !(port === 80 || port === 443 || (port >= 1024 && port <= 65535)))
        refuse(helper, `${name} must be 80, 443 or 1024–65535 (got ${JSON.stringify(item)})`, name)
      out.port = port
    } else if (field === 'protocol') {
      if (item !== 'http' && item !== 'https') refuse(helper, `${name} must be "http" or "https"`, name)
      if (item === 'https') refuse(helper, `${name} "https" is not supported: lab origins are plain HTTP on loopback`, name)
    } else if (field === 'sslProtocols') {
      // Only used over HTTPS, which the lab never speaks to origins: checked, then ignored.
      if (!Array.isArray(item) || item.some((p) => !SSL_PROTOCOLS.includes(p as string))) refuse(helper, `${name} must be a list of ${SSL_PROTOCOLS.join(', ')}`, name)
    } else refuse(helper, `unknown field "${name}" (supported: port, protocol, sslProtocols)`, name)
  }
  return out
}

/** `{ originIds: [a, b], selectionCriteria?, failoverCriteria: { statusCodes } }`. */
function group(argument: unknown): Extract<OriginChange, { helper: 'createRequestOriginGroup' }> {
  const helper = 'createRequestOriginGroup'
  if (!isPlainObject(argument)) refuse(helper, 'expects an object with originIds and failoverCriteria')
  for (const field of Object.keys(argument))
    if (!['originIds', 'selectionCriteria', 'failoverCriteria'].includes(field)) refuse(helper, `unknown field "${field}" (supported: originIds, selectionCriteria, failoverCriteria)`, field)
  const { originIds, selectionCriteria, failoverCriteria } = argument
  if (!Array.isArray(originIds) || originIds.length !== 2) refuse(helper, 'originIds must list exactly two origins (primary, then secondary)', 'originIds')
  // AWS's example lists `{ originId }` objects; a bare id string is accepted too.
  const ids = originIds.map((entry, index) => {
    const field = `originIds[${index}]`
    if (typeof entry === 'string' && entry !== '') return entry
    if (!isPlainObject(entry) || typeof entry.originId !== 'string' || entry.originId === '') refuse(helper, `${field} must be an origin id or { originId: "..." }`, field)
    const extra = Object.keys(entry).find((key) => key !== 'originId')
    if (extra) refuse(helper, `${field}.${extra} is not supported (only originId)`, `${field}.${extra}`)
    return entry.originId
  }) as [string, string]
  if (ids[0] === ids[1]) refuse(helper, `originIds name "${ids[0]}" twice; a group needs two different origins`, 'originIds')
  if (selectionCriteria !== undefined && selectionCriteria !== 'default') {
    if (selectionCriteria === 'media-quality-based') refuse(helper, 'selectionCriteria "media-quality-based" is not supported: the lab has no media quality scores', 'selectionCriteria')
    refuse(helper, 'selectionCriteria must be "default" or "media-quality-based"', 'selectionCriteria')
  }
  if (!isPlainObject(failoverCriteria) || !Array.isArray(failoverCriteria.statusCodes) || failoverCriteria.statusCodes.length === 0)
    refuse(helper, 'failoverCriteria.statusCodes must be a non-empty list of status codes', 'failoverCriteria.statusCodes')
  const codes = failoverCriteria.statusCodes as unknown[]
  const wrong = codes.find((code) => !(FAILOVER_STATUS_CODES as readonly unknown[]).includes(code))
  if (wrong !== undefined) refuse(helper, `failoverCriteria.statusCodes: ${JSON.stringify(wrong)} is not one of ${FAILOVER_STATUS_CODES.join(' ')}`, 'failoverCriteria.statusCodes')
  return { helper, originIds: ids, failoverStatusCodes: [...new Set(codes as number[])] }
}

/** Checks each recorded call, in call order; throws a LabError naming the helper and the field. */
export function parseOriginChanges(calls: readonly RecordedOriginCall[]): OriginChange[] {
  return calls.map(({ helper, argument }) => {
    if (helper === 'selectRequestOriginById') {
      if (typeof argument !== 'string' || argument === '') refuse(helper, `expects an origin id (a non-empty string), got ${JSON.stringify(argument)}`)
      return { helper, originId: argument }
    }
    if (helper === 'updateRequestOrigin') return { helper, update: update(argument) }
    if (helper === 'createRequestOriginGroup') return group(argument)
    return refuse(helper, 'is not an origin helper')
  })
}
