import { dnsZoneSchema, type DnsRecordConfig, type DnsZoneConfig } from '../../../../main/common/services/dns/dns-config'
import type { RecordType } from '../../../../main/common/services/dns/record-types'

export interface RecordDraft {
  name: string
  type: RecordType
  ttl: string
  /** One value per line. */
  values: string
}

/**
 * Turns the add-record form into a record set, checked with the same rules as the lab file (Route 53's),
 * against the rest of its zone: either the record or the first problem, in words.
 */
export function recordFromDraft(draft: RecordDraft, zone: DnsZoneConfig, replacing?: number): { record: DnsRecordConfig } | { error: string } {
  const values = draft.values
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  const ttl = draft.ttl.trim() === '' ? undefined : Number(draft.ttl)
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 0)) return { error: 'TTL must be a whole number of seconds' }
  const record: DnsRecordConfig = { name: draft.name.trim() || '@', type: draft.type, ...(ttl !== undefined ? { ttl } : {}), values }
  const others = zone.records.filter((_, index) => index !== replacing)
  const checked = dnsZoneSchema.safeParse({ ...zone, records: [...others, record] })
  if (checked.success) return { record }
  const issue = checked.error.issues[0]!
  // Issues about the new record carry its index in `records`; show only the field.
  const field = issue.path[1] === others.length ? issue.path.slice(2).join('.') : issue.path.join('.')
  return { error: `${field ? `${field}: ` : ''}${issue.message}` }
}

/** The form's fields for an existing simple record set, to edit it. */
export function draftFromRecord(record: DnsRecordConfig): RecordDraft {
  return { name: record.name, type: record.type, ttl: record.ttl === undefined ? '' : String(record.ttl), values: (record.values ?? []).join('\n') }
}
