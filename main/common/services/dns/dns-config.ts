import { z } from 'zod'
import { NameError, nameKey, parseName, type Labels } from './dns-name'
import { parseRdata, RdataError } from './rdata'
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
    ttl: z.number().int().min(0).max(2147483647).default(300).describe('Time to live, seconds.'),
    values: z
      .array(z.string().max(4000))
      .min(1)
      .max(400)
      .describe('Values in zone-file (presentation) format, as in the Route 53 console: `10 mail.example.test.`.')
  })
  .strict()

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
    records: z.array(dnsRecordSchema).default([])
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
      .describe('Largest UDP response with EDNS; larger answers get TC=1 and the client retries over TCP.')
  })
  .strict()

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
  const types = new Map<string, Map<string, number>>()
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
    if (record.type === 'CNAME' && record.values.length > 1) issue('a CNAME record has exactly one value', 'values')
    if (record.type === 'SOA' && !atApex) issue('the SOA record belongs at the zone apex')
    if (record.type === 'SOA' && record.values.length > 1) issue('the SOA record has exactly one value', 'values')
    if (record.type === 'NS' && key.startsWith('*.')) issue('NS records cannot have a wildcard name')
    if (record.type === 'NS' && zone.private && !atApex) issue('private zones cannot delegate subdomains (no NS records)')
    const seen = types.get(key) ?? new Map<string, number>()
    types.set(key, seen)
    const previous = seen.get(record.type)
    if (previous !== undefined) issue(`duplicate ${record.type} record for ${key} (also records[${previous}]); put all values in one record`)
    seen.set(record.type, index)
    if (seen.has('CNAME') && seen.size > 1)
      issue(`${key} has a CNAME, so it can have no other records (RFC 1034 §3.6.2)`)
    record.values.forEach((value, valueIndex) => {
      try {
        parseRdata(record.type, value, origin)
      } catch (error) {
        if (!(error instanceof RdataError) && !(error instanceof NameError)) throw error
        ctx.addIssue({ code: 'custom', path: ['records', index, 'values', valueIndex], message: error.message })
      }
    })
  })
}
