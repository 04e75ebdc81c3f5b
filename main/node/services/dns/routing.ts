import { formatName } from '../../../common/services/dns/dns-name'
import { parseRdata } from '../../../common/services/dns/rdata'
import type { Random } from '../../base/random'
import { greatCircleKm, regionCoordinates, regionDistance } from './regions'
import type { PolicyRecord, RecordGroup, RRset, Zone } from './zone'

/** What routing needs to know about the query and the lab's state. */
export interface RoutingContext {
  isHealthy(checkId: string): boolean
  random: Random
  /** The client's lab region (latency routing), from `clientRegions`. */
  clientRegion?: string
  /** The client's location (geolocation routing), from `clientLocations`. */
  clientLocation?: { continent: string; country?: string; subdivision?: string; latitude?: number; longitude?: number }
  /** Where the client is on the globe (geoproximity), from its location or region. */
  clientCoordinates?: [number, number]
  /** A lab service's current addresses of one family, and whether it is running (aliases to services). */
  service?(id: string, family: 4 | 6): { addresses: string[]; running: boolean } | undefined
  /** The client's location in a CIDR collection (IP-based routing), longest prefix first. */
  cidrLocation(collection: string): string | undefined
}

/** The record set chosen for a name and type, or none (NODATA), and why. */
export interface Selection {
  rrset: RRset | undefined
  explanation: string
  /** The record set chosen (multivalue: several, joined by ","). */
  setIdentifier?: string
}

const maxAliasDepth = 8
const serviceAliasTtl = 60
const multivalueLimit = 8

const label = (record: PolicyRecord) => `"${record.config.setIdentifier ?? formatName(record.rrset?.name ?? [])}"`

/**
 * Route 53's record selection (health-checks-how-route-53-chooses-records): pick by the policy among
 * healthy records; a record without a health check is healthy; when none is healthy, all are treated
 * as healthy.
 */
export function selectRecord(zone: Zone, group: RecordGroup, ctx: RoutingContext, depth = 0): Selection {
  const records = group.records
  const healthyOnes = records.filter((record) => isHealthy(zone, group, record, ctx, depth))
  const pool = healthyOnes.length > 0 ? healthyOnes : records
  const allDown = healthyOnes.length === 0 && records.some((record) => record.config.healthCheck || record.config.alias?.evaluateTargetHealth)
  const downNote = allDown ? ' (every record is unhealthy, so all count as healthy)' : ''
  const take = (record: PolicyRecord, why: string): Selection => {
    const rrset = resolve(zone, group, record, ctx, depth)
    const chosen = record.config.setIdentifier ? { setIdentifier: record.config.setIdentifier } : {}
    return { rrset, explanation: rrset ? why : `${why}, but its alias target has no ${group.type} record`, ...chosen }
  }

  switch (group.policy) {
    case 'simple':
      return take(records[0]!, 'simple record')
    case 'weighted': {
      const positive = pool.filter((record) => (record.config.weight ?? 0) > 0)
      const candidates = positive.length > 0 ? positive : pool
      const total = candidates.reduce((sum, record) => sum + (record.config.weight ?? 0), 0)
      const draw = ctx.random()
      let chosen = candidates[Math.min(candidates.length - 1, Math.floor(draw * candidates.length))]!
      if (total > 0) {
        let point = draw * total
        for (const record of candidates) {
          point -= record.config.weight ?? 0
          if (point < 0) {
            chosen = record
            break
          }
        }
      }
      const zeroNote = positive.length === 0 ? ' among weight-0 records (no healthy record has a weight above 0)' : ''
      return take(chosen, `weighted: drew ${draw.toFixed(3)} of total weight ${total} → ${label(chosen)} (weight ${chosen.config.weight ?? 0})${zeroNote}${downNote}`)
    }
    case 'failover': {
      const primary = records.find((record) => record.config.failover === 'PRIMARY')
      const secondary = records.find((record) => record.config.failover === 'SECONDARY')
      if (primary && healthyOnes.includes(primary)) return take(primary, `failover: primary ${label(primary)} is healthy`)
      if (secondary && healthyOnes.includes(secondary))
        return take(secondary, `failover: primary ${primary ? `${label(primary)} is unhealthy` : 'is missing'} → secondary ${label(secondary)}`)
      const fallback = (primary ?? secondary)!
      return take(fallback, `failover: primary and secondary are both unhealthy → ${label(fallback)} (Route 53 answers the primary)`)
    }
    case 'multivalue': {
      const chosen = shuffle(pool, ctx.random).slice(0, multivalueLimit)
      const rrsets = chosen.map((record) => resolve(zone, group, record, ctx, depth)).filter((rrset): rrset is RRset => rrset !== undefined)
      if (rrsets.length === 0) return { rrset: undefined, explanation: 'multivalue: no record could be answered' }
      const merged: RRset = { name: group.name, type: group.type, ttl: Math.min(...rrsets.map((r) => r.ttl)), rdatas: rrsets.flatMap((r) => r.rdatas) }
      return { rrset: merged, setIdentifier: chosen.map((record) => record.config.setIdentifier).join(','), explanation: `multivalue: ${chosen.length} of ${records.length} record sets (${healthyOnes.length} healthy, at most ${multivalueLimit})${downNote}` }
    }
    case 'latency': {
      const region = ctx.clientRegion
      const ordered = region
        ? [...pool].sort((a, b) => regionDistance(region, a.config.region!) - regionDistance(region, b.config.region!))
        : pool
      const chosen = ordered[0]!
      const why = region ? `latency: client in ${region}, closest healthy region ${chosen.config.region}` : `latency: the client's region is unknown (no clientRegions range matches), so the first healthy region ${chosen.config.region}`
      return take(chosen, `${why} → ${label(chosen)}${downNote}`)
    }
    case 'geolocation': {
      const where = ctx.clientLocation
      const matches = records
        .map((record) => ({ record, rank: geoRank(record, where) }))
        .filter((entry) => entry.rank >= 0)
        .sort((a, b) => a.rank - b.rank)
      if (matches.length === 0)
        return { rrset: undefined, explanation: `geolocation: no record covers the client (${where ? describe(where) : 'location unknown'}) and there is no default (country *): no answer` }
      const healthyMatch = matches.find((entry) => healthyOnes.includes(entry.record))
      const chosen = (healthyMatch ?? matches[0]!).record
      const geo = chosen.config.geolocation!
      const area = geo.subdivision ? `${geo.country}-${geo.subdivision}` : geo.country === '*' ? 'the default (*)' : (geo.country ?? geo.continent)
      const fell = healthyMatch && healthyMatch !== matches[0] ? ' (a more specific record is unhealthy)' : !healthyMatch ? ' (every matching record is unhealthy: the most specific is answered)' : ''
      return take(chosen, `geolocation: client ${where ? describe(where) : 'location unknown'} → ${area} ${label(chosen)}${fell}`)
    }
    case 'geoproximity': {
      const here = ctx.clientCoordinates
      if (!here) {
        const chosen = pool[0]!
        return take(chosen, `geoproximity: the client's location is unknown (no clientLocations/clientRegions match), so the first healthy record ${label(chosen)}${downNote}`)
      }
      const scored = pool.map((record) => {
        const geo = record.config.geoproximity!
        const point = geo.coordinates ? ([geo.coordinates.latitude, geo.coordinates.longitude] as [number, number]) : regionCoordinates(geo.region!)
        const distance = point ? greatCircleKm(here, point) : Number.MAX_SAFE_INTEGER
        // Route 53: bias > 0 shrinks the distance (the record draws from farther), bias < 0 grows it.
        const bias = geo.bias
        const biased = bias >= 0 ? distance * (1 - bias / 100) : distance / (1 + bias / 100)
        return { record, distance, biased }
      })
      scored.sort((a, b) => a.biased - b.biased)
      const best = scored[0]!
      const bias = best.record.config.geoproximity!.bias
      return take(best.record, `geoproximity: ${label(best.record)} is ${Math.round(best.distance)} km away${bias ? ` (${Math.round(best.biased)} km with bias ${bias})` : ''}, the closest${downNote}`)
    }
    case 'cidr': {
      const collection = records[0]!.config.cidr!.collection
      const location = ctx.cidrLocation(collection)
      const exact = location ? records.find((record) => record.config.cidr!.location === location) : undefined
      const fallback = records.find((record) => record.config.cidr!.location === '*')
      const chosen = exact && healthyOnes.includes(exact) ? exact : fallback && (healthyOnes.includes(fallback) || !exact) ? fallback : exact
      if (!chosen) return { rrset: undefined, explanation: `IP-based: the client is in no location of ${collection} and there is no * record: no answer` }
      const why = chosen === exact ? `client in ${collection}/${location}` : exact ? `${collection}/${location} is unhealthy, so the * record` : `client in no location of ${collection}, so the * record`
      return take(chosen, `IP-based: ${why} → ${label(chosen)}`)
    }
  }
}

/** Healthy when its check passes and, with evaluateTargetHealth, its alias target has a healthy record. */
function isHealthy(zone: Zone, group: RecordGroup, record: PolicyRecord, ctx: RoutingContext, depth: number): boolean {
  if (record.config.healthCheck && !ctx.isHealthy(record.config.healthCheck)) return false
  if (record.aliasService && record.config.alias?.evaluateTargetHealth)
    return ctx.service?.(record.aliasService, group.type === 28 ? 6 : 4)?.running ?? false
  if (record.aliasTarget && record.config.alias?.evaluateTargetHealth) {
    const target = zone.group(record.aliasTarget, group.type)
    if (!target || depth >= maxAliasDepth) return false
    return target.records.some((member) => isHealthy(zone, target, member, ctx, depth + 1))
  }
  return true
}

/** The record's data under the group's name; an alias takes its target's data and TTL. */
function resolve(zone: Zone, group: RecordGroup, record: PolicyRecord, ctx: RoutingContext, depth: number): RRset | undefined {
  if (record.aliasService) {
    const family = group.type === 28 ? 6 : 4
    const found = ctx.service?.(record.aliasService, family)
    if (!found || found.addresses.length === 0) return undefined
    const rdatas = found.addresses.map((address) => parseRdata(family === 4 ? 'A' : 'AAAA', address, zone.origin))
    // Route 53 gives alias answers to AWS resources the resource's TTL: 60 s for load balancers.
    return { name: group.name, type: group.type, ttl: serviceAliasTtl, rdatas }
  }
  if (!record.aliasTarget) return record.rrset && { ...record.rrset, name: group.name }
  const target = zone.group(record.aliasTarget, group.type)
  if (!target || depth >= maxAliasDepth) return undefined
  const chosen = selectRecord(zone, target, ctx, depth + 1).rrset
  return chosen && { ...chosen, name: group.name }
}

/** Lower is more specific; -1 when the record does not cover the client. */
function geoRank(record: PolicyRecord, where: RoutingContext['clientLocation']): number {
  const geo = record.config.geolocation!
  if (geo.country === '*') return 3
  if (!where) return -1
  if (geo.subdivision) return geo.country === where.country && geo.subdivision === where.subdivision ? 0 : -1
  if (geo.country) return geo.country === where.country ? 1 : -1
  if (geo.continent) return geo.continent === where.continent ? 2 : -1
  return -1
}

function describe(where: NonNullable<RoutingContext['clientLocation']>): string {
  return [where.continent, where.country, where.subdivision].filter(Boolean).join('/')
}

/** Fisher–Yates with the lab's seeded draws. */
function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

