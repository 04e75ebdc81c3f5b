import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { applyChangeBatch, type ChangeBatch, type ResourceRecordSet } from '../../../common/services/dns/change-batch'
import { dnsZoneSchema, type DnsZoneConfig } from '../../../common/services/dns/dns-config'
import { parseZoneFile } from '../../../common/services/dns/zone-file-parse'
import { LabError } from '../../../common/errors/lab-error'
import { Zone } from './zone'

/**
 * Builds the zones of a config, loading `zoneFile`s relative to the lab: BIND master files, or Route 53
 * JSON (a ChangeBatch, or `{ "ResourceRecordSets": [...] }` as `list-resource-record-sets` prints).
 * The file's records come first, the lab file's after; the whole zone is then checked with the same
 * rules as records written in the lab file. Errors name the file and line.
 */
export async function loadZones(zones: readonly DnsZoneConfig[], labDir: string, serviceId: string): Promise<Zone[]> {
  const out: Zone[] = []
  for (const zone of zones) {
    if (!zone.zoneFile) {
      out.push(new Zone(zone))
      continue
    }
    const path = resolve(labDir, zone.zoneFile)
    const fail = (message: string) => new LabError('LAB_ERR_CONFIG_INVALID', message, { details: { serviceId, file: path } })
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      throw fail(`${zone.name}: cannot read the zone file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
    let fileRecords
    if (path.endsWith('.json')) {
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch (error) {
        throw fail(`${path}: not valid JSON (${(error as Error).message})`)
      }
      const sets = (json as { ResourceRecordSets?: ResourceRecordSet[] }).ResourceRecordSets
      const batch: ChangeBatch = sets ? { Changes: sets.map((set) => ({ Action: 'CREATE', ResourceRecordSet: set })) } : (json as ChangeBatch)
      try {
        // The apex SOA and NS of an exported zone are Route 53's own: leave them out as its import does.
        const apex = zone.name.replace(/\.?$/, '.').toLowerCase()
        fileRecords = applyChangeBatch([], { Changes: batch.Changes?.filter((c) => !(['SOA', 'NS'].includes(c.ResourceRecordSet?.Type) && c.ResourceRecordSet?.Name?.toLowerCase() === apex)) ?? [] }, zone.name)
      } catch (error) {
        throw fail(`${path}: ${(error as Error).message}`)
      }
    } else {
      const parsed = parseZoneFile(text, zone.name)
      const errors = parsed.problems.filter((problem) => problem.severity === 'error')
      if (errors.length > 0) throw fail(errors.slice(0, 5).map((problem) => `${path}:${problem.line}: ${problem.message}`).join('\n'))
      fileRecords = parsed.records
    }
    const merged = dnsZoneSchema.safeParse({ name: zone.name, ...(zone.private ? { private: zone.private } : {}), records: [...fileRecords, ...zone.records] })
    if (!merged.success) {
      const first = merged.error.issues[0]!
      throw fail(`${zone.name} with ${path}: ${first.path.join('.')}: ${first.message}`)
    }
    out.push(new Zone(merged.data))
  }
  return out
}
