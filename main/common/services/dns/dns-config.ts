import { z } from 'zod'
import { NameError, nameKey, parseName, type Labels } from './dns-name'
import { parseRdata, RdataError } from './rdata'
import { clientMapsSchema, healthCheckSchema, policyOf, recordRoutingFields } from './dns-routing-config'
import { recordTypes } from './record-types'

const cidrText = z
  .string()
  .regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'must be an address or a CIDR range, e.g. 10.0.0.0/16')

export const dnsRecordSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .describe('Owner name: `@` for the zone apex, a name relative to the zone (`www`), or absolute (`www.example.test.`).'),
    type: z.enum(recordTypes).describe('Record type.'),
    ttl: z.number().int().min(0).max(2147483647).optional().describe('Time to live, seconds. Default 300; aliases have none.'),
    values: z
      .array(z.string().max(4000))
      .min(1)
      .max(400)
      .optional()
      .describe('Values in zone-file (presentation) format, as in the Route 53 console: `10 mail.example.test.`.'),
    ...recordRoutingFields
  })
  .strict()
  .superRefine((record, ctx) => {
    if (record.alias && record.values) ctx.addIssue({ code: 'custom', path: ['values'], message: 'an alias has no values of its own' })
    if (record.alias && record.ttl !== undefined) ctx.addIssue({ code: 'custom', path: ['ttl'], message: 'an alias has no TTL of its own: it uses its target\'s' })
    if (!record.alias && !record.values) ctx.addIssue({ code: 'custom', path: ['values'], message: 'a record set needs values (or an alias)' })
    const policies = policyOf(record)
    if (policies.length > 1) ctx.addIssue({ code: 'custom', path: [], message: `one routing policy per record set, not ${policies.join(' and ')}` })
    if (policies[0] !== 'simple' && !record.setIdentifier)
      ctx.addIssue({ code: 'custom', path: ['setIdentifier'], message: `a ${policies[0]} record set needs a setIdentifier` })
    if (policies[0] === 'simple' && record.setIdentifier)
      ctx.addIssue({ code: 'custom', path: ['setIdentifier'], message: 'setIdentifier needs a routing policy (weight, failover, region, geolocation, geoproximity, multivalue or cidr)' })
    if (record.multivalue && record.alias) ctx.addIssue({ code: 'custom', path: ['alias'], message: 'multivalue answer records cannot be aliases' })
    if (record.multivalue && (record.type === 'CNAME' || record.type === 'NS'))
      ctx.addIssue({ code: 'custom', path: ['type'], message: `multivalue answer records cannot be ${record.type}` })
    if (record.healthCheck && policies[0] === 'simple')
      ctx.addIssue({ code: 'custom', path: ['healthCheck'], message: 'a simple record set is always answered: health checks apply to the other policies' })
  })

export const dnsZoneSchema = z
  .object({
    name: z.string().min(1).describe('Zone name, e.g. `example.test`.'),
    private: z
      .object({
        sources: z
          .array(cidrText)
          .min(1)
          .describe('Client address ranges that see this private zone (the associated VPCs\' CIDRs).')
      })
      .strict()
      .optional()
      .describe('Makes this a private hosted zone, answered only to these sources.'),
    records: z.array(dnsRecordSchema).default([]),
    zoneFile: z
      .string()
      .min(1)
      .optional()
      .describe('Records to load when the server starts, relative to the lab file: a BIND zone file, or a Route 53 change batch / record-set list (.json).')
  })
  .strict()
  .superRefine(checkZone)

export const dnsConfigSchema = z
  .object({
    zones: z.array(dnsZoneSchema).default([]).describe('Hosted zones served by this name server.'),
    minimalResponses: z
      .boolean()
      .default(false)
      .describe('Leave out the NS records and glue that Route 53 adds to positive answers (Knot-style answers).'),
    maxUdpPayload: z
      .number()
      .int()
      .min(512)
      .max(4096)
      .default(4096)
      .describe('Largest UDP response with EDNS; larger answers get TC=1 and the client retries over TCP.'),
    healthChecks: z.array(healthCheckSchema).default([]).describe('Health checks that routing policies consult.'),
    queryLog: z
      .string()
      .min(1)
      .optional()
      .describe('File (relative to the lab file) to append a line per query to, in Route 53\'s query-log format.'),
    ...clientMapsSchema
  })
  .strict()
  .superRefine(checkReferences)

export type DnsConfig = z.output<typeof dnsConfigSchema>
export type DnsZoneConfig = z.output<typeof dnsZoneSchema>
export type DnsRecordConfig = z.output<typeof dnsRecordSchema>

/** Route 53's rules for the records of one zone, reported at the offending field. */
function checkZone(zone: z.output<typeof dnsZoneSchema>, ctx: z.RefinementCtx): void {
  let origin: Labels
  try {
    origin = parseName(zone.name.endsWith('.') ? zone.name : `${zone.name}.`)
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: ['name'], message: (error as Error).message })
    return
  }
  if (zone.name.startsWith('*.')) ctx.addIssue({ code: 'custom', path: ['name'], message: 'a zone name cannot start with "*."' })
  const apex = nameKey(origin)
  const types = new Map<string, Map<string, number[]>>()
  zone.records.forEach((record, index) => {
    let owner: Labels
    try {
      owner = parseName(record.name, origin)
    } catch (error) {
      if (error instanceof NameError) ctx.addIssue({ code: 'custom', path: ['records', index, 'name'], message: error.message })
      return
    }
    const key = nameKey(owner)
    if (!key.endsWith(apex)) {
      ctx.addIssue({ code: 'custom', path: ['records', index, 'name'], message: `${key} is not in the zone ${apex}` })
      return
    }
    const issue = (message: string, field = 'type') => ctx.addIssue({ code: 'custom', path: ['records', index, field], message })
    const atApex = key === apex
    if (record.type === 'CNAME' && atApex) issue('a CNAME is not allowed at the zone apex (use an alias record)')
    if (record.type === 'CNAME' && (record.values?.length ?? 0) > 1) issue('a CNAME record has exactly one value', 'values')
    if (record.type === 'SOA' && !atApex) issue('the SOA record belongs at the zone apex')
    if (record.type === 'SOA' && (record.values?.length ?? 0) > 1) issue('the SOA record has exactly one value', 'values')
    if (record.type === 'NS' && key.startsWith('*.')) issue('NS records cannot have a wildcard name')
    if (record.type === 'NS' && zone.private && !atApex) issue('private zones cannot delegate subdomains (no NS records)')
    const seen = types.get(key) ?? new Map<string, number[]>()
    types.set(key, seen)
    const group = seen.get(record.type) ?? []
    const first = group[0] === undefined ? undefined : zone.records[group[0]]
    if (first) {
      const policy = policyOf(record)[0]
      const firstPolicy = policyOf(first)[0]
      if (policy === 'simple' || firstPolicy === 'simple')
        issue(`duplicate ${record.type} record set for ${key} (also records[${group[0]}]); put all values in one, or give both a routing policy`)
      else if (policy !== firstPolicy) issue(`${key} ${record.type} mixes ${firstPolicy} and ${policy} routing (one policy per name and type)`)
      for (const other of group)
        if (zone.records[other]!.setIdentifier === record.setIdentifier)
          issue(`setIdentifier "${record.setIdentifier}" is already used by records[${other}]`, 'setIdentifier')
      if (record.failover && group.some((other) => zone.records[other]!.failover === record.failover))
        issue(`${key} ${record.type} already has a ${record.failover} record set`, 'failover')
    }
    seen.set(record.type, [...group, index])
    if (seen.has('CNAME') && seen.size > 1)
      issue(`${key} has a CNAME, so it can have no other records (RFC 1034 §3.6.2)`)
    if (record.alias?.service && record.type !== 'A' && record.type !== 'AAAA') issue('an alias to a service is of type A or AAAA')
    if (record.alias?.record) {
      try {
        const target = nameKey(parseName(record.alias.record, origin))
        if (!target.endsWith(apex)) issue(`alias target ${target} is not in the zone ${apex}`, 'alias')
        if (record.type === 'NS' || record.type === 'SOA') issue(`an alias cannot be of type ${record.type}`)
      } catch (error) {
        if (error instanceof NameError) issue(`alias target: ${error.message}`, 'alias')
      }
    }
    record.values?.forEach((value, valueIndex) => {
      try {
        parseRdata(record.type, value, origin)
      } catch (error) {
        if (!(error instanceof RdataError) && !(error instanceof NameError)) throw error
        ctx.addIssue({ code: 'custom', path: ['records', index, 'values', valueIndex], message: error.message })
      }
    })
  })
}

/** References between parts of the config: health checks, their children, CIDR collections. */
function checkReferences(config: { zones: DnsZoneConfig[]; healthChecks: { id: string; type: string; children?: string[]; target?: string; healthThreshold?: number }[]; cidrCollections: Record<string, Record<string, string[]>> }, ctx: z.RefinementCtx): void {
  const checks = new Map(config.healthChecks.map((check) => [check.id, check]))
  config.healthChecks.forEach((check, index) => {
    const at = (field: string) => ['healthChecks', index, field]
    if (config.healthChecks.findIndex((other) => other.id === check.id) !== index)
      ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicate health check id "${check.id}"` })
    if (check.type === 'CALCULATED') {
      if (!check.children?.length) ctx.addIssue({ code: 'custom', path: at('children'), message: 'a CALCULATED check needs children' })
      for (const child of check.children ?? []) {
        const found = checks.get(child)
        if (!found) ctx.addIssue({ code: 'custom', path: at('children'), message: `unknown health check "${child}"` })
        else if (found.type === 'CALCULATED') ctx.addIssue({ code: 'custom', path: at('children'), message: `calculated checks cannot nest ("${child}" is calculated)` })
      }
    } else if (!check.target) ctx.addIssue({ code: 'custom', path: at('target'), message: `a ${check.type} check needs a target (a service id, URL or host:port)` })
  })
  config.zones.forEach((zone, zoneIndex) =>
    zone.records.forEach((record, index) => {
      const at = (field: string) => ['zones', zoneIndex, 'records', index, field]
      if (record.healthCheck && !checks.has(record.healthCheck))
        ctx.addIssue({ code: 'custom', path: at('healthCheck'), message: `unknown health check "${record.healthCheck}"` })
      if (record.cidr && !config.cidrCollections[record.cidr.collection])
        ctx.addIssue({ code: 'custom', path: at('cidr'), message: `unknown CIDR collection "${record.cidr.collection}"` })
      if (zone.private && record.cidr) ctx.addIssue({ code: 'custom', path: at('cidr'), message: 'IP-based routing is not supported in private zones' })
      if (zone.private && record.geoproximity) ctx.addIssue({ code: 'custom', path: at('geoproximity'), message: 'geoproximity routing is not supported in private zones' })
    })
  )
}
