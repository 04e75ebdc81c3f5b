import type { DnsRecordConfig } from './dns-config'
import { formatName, parseName } from './dns-name'
import { recordTypes, type RecordType } from './record-types'

/** How an alias to a lab service is written where Route 53 expects a DNS name. */
const labServiceSuffix = 'netloom.service.'

/** Route 53's ResourceRecordSet, as in ChangeResourceRecordSets and `aws route53 list-resource-record-sets`. */
export interface ResourceRecordSet {
  Name: string
  Type: string
  TTL?: number
  ResourceRecords?: { Value: string }[]
  SetIdentifier?: string
  Weight?: number
  Failover?: 'PRIMARY' | 'SECONDARY'
  Region?: string
  GeoLocation?: { ContinentCode?: string; CountryCode?: string; SubdivisionCode?: string }
  MultiValueAnswer?: boolean
  CidrRoutingConfig?: { CollectionId: string; LocationName: string }
  HealthCheckId?: string
  AliasTarget?: { HostedZoneId?: string; DNSName: string; EvaluateTargetHealth?: boolean }
}

export interface ChangeBatch {
  Comment?: string
  Changes: { Action: 'CREATE' | 'UPSERT' | 'DELETE'; ResourceRecordSet: ResourceRecordSet }[]
}

/** A record set in Route 53's JSON shape (names absolute, as the API returns them). */
export function toResourceRecordSet(record: DnsRecordConfig, origin: string): ResourceRecordSet {
  const name = formatName(parseName(record.name, parseName(origin.endsWith('.') ? origin : `${origin}.`)))
  return {
    Name: name,
    Type: record.type,
    ...(record.alias ? {} : { TTL: record.ttl ?? 300 }),
    ...(record.values ? { ResourceRecords: record.values.map((Value) => ({ Value })) } : {}),
    ...(record.setIdentifier ? { SetIdentifier: record.setIdentifier } : {}),
    ...(record.weight !== undefined ? { Weight: record.weight } : {}),
    ...(record.failover ? { Failover: record.failover } : {}),
    ...(record.region ? { Region: record.region } : {}),
    ...(record.geolocation
      ? {
          GeoLocation: {
            ...(record.geolocation.continent ? { ContinentCode: record.geolocation.continent } : {}),
            ...(record.geolocation.country ? { CountryCode: record.geolocation.country } : {}),
            ...(record.geolocation.subdivision ? { SubdivisionCode: record.geolocation.subdivision } : {})
          }
        }
      : {}),
    ...(record.multivalue ? { MultiValueAnswer: true } : {}),
    ...(record.cidr ? { CidrRoutingConfig: { CollectionId: record.cidr.collection, LocationName: record.cidr.location } } : {}),
    ...(record.healthCheck ? { HealthCheckId: record.healthCheck } : {}),
    ...(record.alias
      ? {
          AliasTarget: {
            // A lab service has no DNS name; it is written as `<id>.netloom.service.` (read back as a service).
            DNSName: record.alias.service
              ? `${record.alias.service}.${labServiceSuffix}`
              : formatName(parseName(record.alias.record ?? '@', parseName(origin.endsWith('.') ? origin : `${origin}.`))),
            EvaluateTargetHealth: record.alias.evaluateTargetHealth
          }
        }
      : {})
  }
}

/** The lab's record set for one of Route 53's; throws an Error saying what is wrong. */
export function fromResourceRecordSet(set: ResourceRecordSet): DnsRecordConfig {
  if (typeof set?.Name !== 'string' || typeof set.Type !== 'string') throw new Error('a ResourceRecordSet needs Name and Type')
  if (!(recordTypes as readonly string[]).includes(set.Type)) throw new Error(`Type ${set.Type} is not a Route 53 record type`)
  const geo = set.GeoLocation
  return {
    // Route 53 returns `\052` for a leading "*" and a trailing dot: both mean the same name to us.
    name: set.Name.replace(/^\\052/, '*'),
    type: set.Type as RecordType,
    ...(set.TTL !== undefined ? { ttl: set.TTL } : {}),
    ...(set.ResourceRecords ? { values: set.ResourceRecords.map((r) => r.Value) } : {}),
    ...(set.SetIdentifier ? { setIdentifier: set.SetIdentifier } : {}),
    ...(set.Weight !== undefined ? { weight: set.Weight } : {}),
    ...(set.Failover ? { failover: set.Failover } : {}),
    ...(set.Region ? { region: set.Region } : {}),
    ...(geo
      ? {
          geolocation: {
            ...(geo.ContinentCode ? { continent: geo.ContinentCode as 'EU' } : {}),
            ...(geo.CountryCode ? { country: geo.CountryCode } : {}),
            ...(geo.SubdivisionCode ? { subdivision: geo.SubdivisionCode } : {})
          }
        }
      : {}),
    ...(set.MultiValueAnswer ? { multivalue: true } : {}),
    ...(set.CidrRoutingConfig ? { cidr: { collection: set.CidrRoutingConfig.CollectionId, location: set.CidrRoutingConfig.LocationName } } : {}),
    ...(set.HealthCheckId ? { healthCheck: set.HealthCheckId } : {}),
    ...(set.AliasTarget
      ? {
          alias: {
            ...(set.AliasTarget.DNSName.endsWith(`.${labServiceSuffix}`)
              ? { service: set.AliasTarget.DNSName.slice(0, -labServiceSuffix.length - 1) }
              : { record: set.AliasTarget.DNSName }),
            evaluateTargetHealth: set.AliasTarget.EvaluateTargetHealth ?? false
          }
        }
      : {})
  }
}

const key = (record: { name: string; type: string; setIdentifier?: string }, origin: string) =>
  `${formatName(parseName(record.name, parseName(origin.endsWith('.') ? origin : `${origin}.`))).toLowerCase()} ${record.type} ${record.setIdentifier ?? ''}`

/**
 * Applies a change batch to a zone's record sets with Route 53's rules: CREATE fails if the set exists,
 * DELETE if it does not (or differs), UPSERT replaces. Like Route 53, all or nothing: the first failing
 * change throws and nothing is applied.
 */
export function applyChangeBatch(records: readonly DnsRecordConfig[], batch: ChangeBatch, origin: string): DnsRecordConfig[] {
  if (!Array.isArray(batch?.Changes)) throw new Error('a change batch needs a Changes array')
  const out = [...records]
  batch.Changes.forEach((change, index) => {
    const where = `Changes[${index}]`
    let record: DnsRecordConfig
    try {
      record = fromResourceRecordSet(change.ResourceRecordSet)
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`, { cause: error })
    }
    const at = out.findIndex((existing) => key(existing, origin) === key(record, origin))
    switch (change.Action) {
      case 'CREATE':
        if (at >= 0) throw new Error(`${where}: CREATE of ${record.name} ${record.type}, which already exists (use UPSERT)`)
        out.push(record)
        break
      case 'UPSERT':
        if (at >= 0) out[at] = record
        else out.push(record)
        break
      case 'DELETE':
        if (at < 0) throw new Error(`${where}: DELETE of ${record.name} ${record.type}, which does not exist`)
        if (JSON.stringify(toResourceRecordSet(out[at]!, origin)) !== JSON.stringify(toResourceRecordSet(record, origin)))
          throw new Error(`${where}: DELETE must give the record set exactly as it is (Route 53 InvalidChangeBatch)`)
        out.splice(at, 1)
        break
      default:
        throw new Error(`${where}: Action must be CREATE, UPSERT or DELETE`)
    }
  })
  return out
}

/** A zone's record sets as a CREATE change batch, e.g. to load them into Route 53. */
export function toChangeBatch(records: readonly DnsRecordConfig[], origin: string, comment?: string): ChangeBatch {
  return {
    ...(comment ? { Comment: comment } : {}),
    Changes: records.map((record) => ({ Action: 'CREATE' as const, ResourceRecordSet: toResourceRecordSet(record, origin) }))
  }
}
