/**
 * What a viewer-request function's origin helpers make of one request's origin: the calls, checked
 * (functions/origin-changes.ts), folded in call order against the distribution's origins and origin
 * groups into one `OriginOverride`, which travels with the request to `OriginFetcher.fetch`.
 *
 * Cache key: AWS documents the cache key as what the cache policy names (URL path, and the query
 * strings, headers and cookies it lists) and the helper page says nothing of the origin; so, as
 * there, the chosen origin is NOT part of the key. A function that sends one path to different
 * origins should put what decides it (a header, a query string) into the cache policy, or the first
 * origin's answer is served to all. The same holds for request collapsing, which goes by that key.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { EdgeConfig } from '../../../common/services/edge/edge-config'
import { LabError } from '../../../common/errors/lab-error'
import { parseOriginChanges, type OriginUpdate, type RecordedOriginCall } from './functions/origin-changes'

/** An origin group a function built for one request (`cf.createRequestOriginGroup`). */
export interface RequestOriginGroup {
  primary: string
  secondary: string
  failoverStatusCodes: number[]
}

/**
 * `domainName` and `customOriginConfig.port` resolved for the lab: a loopback `host`, or the address of
 * the origin `originId` (neither: the origin's own host); `port` unset: that address's port.
 */
export interface OriginAddress {
  host?: string
  originId?: string
  port?: number
}

/** Settings for this request's origin (the primary of a group); absent fields keep the origin's own. */
export type OriginPatch = Omit<OriginUpdate, 'domainName' | 'port'> & { address?: OriginAddress }

/** Where one request goes instead of its behavior's origin, and with which settings. */
export interface OriginOverride {
  /** An origin or origin group id of the distribution, or a group built by the function; unset: the behavior's. */
  target?: string | RequestOriginGroup
  /** `cf.updateRequestOrigin()`: applies to the origin, or to a group's primary only (as AWS says). */
  patch?: OriginPatch
  /** What happened, for the request log. */
  note: string
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])$/

/**
 * The override the calls add up to, or undefined when there were none. A later
 * `selectRequestOriginById` or `createRequestOriginGroup` starts afresh; `updateRequestOrigin`
 * merges into what is selected (customHeaders replace the origin's set). Throws a LabError
 * (the function failed: CloudFront's 503) for bad arguments or unknown ids.
 */
export function resolveOriginChanges(calls: readonly RecordedOriginCall[], config: EdgeConfig, requestHeaders: IncomingHttpHeaders): OriginOverride | undefined {
  if (calls.length === 0) return undefined
  const origins = new Set(config.origins.map((o) => o.id))
  const groups = new Set(config.originGroups.map((g) => g.id))
  const override: OriginOverride = { note: '' }
  const notes: string[] = []
  for (const change of parseOriginChanges(calls)) {
    if (change.helper === 'selectRequestOriginById') {
      if (!origins.has(change.originId) && !groups.has(change.originId))
        throw new LabError('LAB_ERR_CONFIG_INVALID', `cf.selectRequestOriginById(): no origin or origin group "${change.originId}" in this distribution (it has ${[...origins, ...groups].join(', ')})`, { details: { helper: change.helper, field: 'originId' } })
      override.target = change.originId
      override.patch = undefined
      notes.push(`selected ${groups.has(change.originId) ? 'origin group' : 'origin'} ${change.originId}`)
    } else if (change.helper === 'createRequestOriginGroup') {
      for (const id of change.originIds)
        if (!origins.has(id)) throw new LabError('LAB_ERR_CONFIG_INVALID', `cf.createRequestOriginGroup(): no origin "${id}" in this distribution${groups.has(id) ? ' (an origin group cannot be a member)' : ''}`, { details: { helper: change.helper, field: 'originIds' } })
      override.target = { primary: change.originIds[0], secondary: change.originIds[1], failoverStatusCodes: change.failoverStatusCodes }
      override.patch = undefined
      notes.push(`built an origin group (${change.originIds.join(' → ')} on ${change.failoverStatusCodes.join(' ')})`)
    } else {
      const { domainName, port, ...rest } = change.update
      for (const header of rest.customHeaders ?? [])
        // AWS: "a header with the same name can't also be present in the incoming request headers".
        if (requestHeaders[header.name] !== undefined)
          throw new LabError('LAB_ERR_CONFIG_INVALID', `cf.updateRequestOrigin(): customHeaders["${header.name}"] is also a header of the request`, { details: { helper: change.helper, field: `customHeaders.${header.name}` } })
      const patch: OriginPatch = { ...override.patch, ...rest }
      const address = domainName === undefined ? override.patch?.address : originAddress(domainName, origins)
      if (address || port !== undefined) patch.address = { ...address, ...(port === undefined ? {} : { port }) }
      override.patch = patch
      notes.push(`updated the origin (${describePatch(change.update)})`)
    }
  }
  override.note = `origin helpers: ${notes.join('; ')}`
  return override
}

/** A lab origin id, or a loopback host; anything else cannot be reached from the lab. */
function originAddress(domainName: string, origins: ReadonlySet<string>): OriginAddress {
  if (origins.has(domainName)) return { originId: domainName }
  if (LOOPBACK.test(domainName)) return { host: domainName.replace(/^\[|\]$/g, '') }
  throw new LabError('LAB_ERR_CONFIG_INVALID', `cf.updateRequestOrigin(): domainName "${domainName}" is neither a loopback host (127.x.x.x, localhost, ::1) nor an origin id of this distribution`, { details: { helper: 'updateRequestOrigin', field: 'domainName' } })
}

function describePatch(update: OriginUpdate): string {
  const parts = Object.entries(update).map(([field, value]) => (field === 'customHeaders' ? `customHeaders ${(value as unknown[]).length}` : `${field} ${JSON.stringify(value)}`))
  return parts.length ? parts.join(', ') : 'nothing'
}
