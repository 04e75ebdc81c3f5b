import { formatName, isSubdomain, type Labels } from '../../../common/services/dns/dns-name'
import { cnameTarget, rdataNames } from '../../../common/services/dns/rdata'
import { recordTypeCodes, typeName } from '../../../common/services/dns/record-types'
import { cidrContains } from '../../net/cidr'
import { selectRecord, type RoutingContext } from './routing'
import type { RecordGroup, RRset, Zone } from './zone'

export const rcodes = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const
export type RcodeName = keyof typeof rcodes

const ANY = 255
/** CNAME chains longer than this stop (loops, or a lab gone wrong); what was found so far is returned. */
const maxChain = 8

export interface LookupQuery {
  name: Labels
  type: number
  /** The client's address, for private zones. */
  source: string
  /** Health, draws and client location for routing policies. */
  routing: RoutingContext
}

export interface LookupResult {
  rcode: RcodeName
  authoritative: boolean
  answer: RRset[]
  authority: RRset[]
  additional: RRset[]
  /** The zone that answered, if any. */
  zone?: string
  /** One sentence for the query log: why this answer. */
  explanation: string
  /**
   * The same question gets the same answer from any client until the zones change: no routing policy
   * or alias was consulted and no private zone could answer someone else. The server may reuse it.
   */
  cacheable: boolean
  /** Every routing-policy choice made for this answer: the policy and the record set it picked. */
  decisions: { policy: string; set: string }[]
}

/**
 * Chooses the zone for a query as Route 53 does: the most specific zone that contains the name and that
 * this client may see; a private zone beats a public one of the same name.
 */
export function selectZone(zones: readonly Zone[], name: Labels, source: string): Zone | undefined {
  let best: Zone | undefined
  for (const zone of zones) {
    if (!zone.contains(name)) continue
    if (zone.sources && !zone.sources.some((range) => cidrContains(range, source))) continue
    if (!best || zone.origin.length > best.origin.length || (zone.origin.length === best.origin.length && zone.sources && !best.sources))
      best = zone
  }
  return best
}

/** The authoritative answer to one question (RFC 1034 §4.3.2), with Route 53's non-minimal extras. */
export function lookup(zones: readonly Zone[], query: LookupQuery, options: { minimal: boolean }): LookupResult {
  const zone = selectZone(zones, query.name, query.source)
  const qname = formatName(query.name)
  let cacheable = !zones.some((candidate) => candidate.sources && candidate.contains(query.name))
  const decisions: { policy: string; set: string }[] = []
  const select = (group: RecordGroup) => {
    if (group.policy !== 'simple' || group.records.some((record) => record.aliasTarget || record.aliasService)) cacheable = false
    const selection = selectRecord(zone!, group, query.routing)
    if (group.policy !== 'simple') decisions.push({ policy: group.policy, set: selection.setIdentifier ?? '-' })
    return selection
  }
  if (!zone) {
    return { rcode: 'REFUSED', authoritative: false, answer: [], authority: [], additional: [], explanation: `${qname} is in no zone this server serves to ${query.source}; it does not recurse`, cacheable, decisions }
  }
  const zoneName = formatName(zone.origin)
  const answer: RRset[] = []
  const steps: string[] = []
  let name = query.name

  for (let hop = 0; ; hop++) {
    const cut = zone.delegationAbove(name)
    if (cut && !(query.type === recordTypeCodes.DS && formatName(cut.name) === formatName(name))) {
      if (answer.length > 0) return done('NOERROR', true, [], `${steps.join(', ')}; the chain leaves the zone at the delegation ${formatName(cut.name)}`)
      const glue = glueFor(zone, cut)
      return { rcode: 'NOERROR', authoritative: false, answer: [], authority: [cut], additional: glue, zone: zoneName, explanation: `${qname} is delegated to ${cut.rdatas.length} name server(s) at ${formatName(cut.name)}: referral`, cacheable, decisions }
    }

    let source = name
    let wildcard = false
    if (!zone.exists(name)) {
      const synthesized = wildcardFor(zone, name)
      if (!synthesized) {
        if (answer.length > 0) return done('NXDOMAIN', true, [zone.negativeSoa()], `${steps.join(', ')}; ${formatName(name)} does not exist`)
        return done('NXDOMAIN', true, [zone.negativeSoa()], `${qname} does not exist in ${zoneName}`)
      }
      source = synthesized
      wildcard = true
    }
    const from = wildcard ? ` (from the wildcard ${formatName(source)})` : ''
    const own = (rrset: RRset): RRset => ({ ...rrset, name })

    if (query.type === ANY) {
      // RFC 8482 §4.2: answer ANY with one conveniently chosen RRset rather than everything.
      const firstType = zone.types(source)[0]
      const chosen = firstType === undefined ? undefined : select(zone.group(source, firstType)!).rrset
      if (!chosen) return done('NOERROR', true, [zone.negativeSoa()], `${formatName(name)} has no records (empty non-terminal)`)
      answer.push(own(chosen))
      return done('NOERROR', true, positiveAuthority(), `ANY answered minimally with the ${typeName(chosen.type)} RRset (RFC 8482)${from}`)
    }
    const group = zone.group(source, query.type)
    if (group) {
      const selection = select(group)
      const policy = group.policy === 'simple' ? '' : ` (${selection.explanation})`
      if (selection.rrset) {
        answer.push(own(selection.rrset))
        steps.push(`${typeName(query.type)} ${formatName(name)}: ${selection.rrset.rdatas.length} record(s)${from}${policy}`)
        return done('NOERROR', true, positiveAuthority(), steps.join(', '))
      }
      steps.push(`${typeName(query.type)} ${formatName(name)}: ${selection.explanation}`)
      return done('NOERROR', true, [zone.negativeSoa()], steps.join(', '))
    }
    const cnameGroup = zone.group(source, recordTypeCodes.CNAME)
    const cnameSelection = cnameGroup && query.type !== recordTypeCodes.CNAME ? select(cnameGroup) : undefined
    const cname = cnameSelection?.rrset
    if (cname) {
      answer.push(own(cname))
      const target = cnameTarget(cname.rdatas[0]!)
      const policy = cnameGroup!.policy === 'simple' ? '' : ` (${cnameSelection.explanation})`
      steps.push(`${formatName(name)} is a CNAME to ${target ? formatName(target) : '?'}${from}${policy}`)
      if (!target || !zone.contains(target)) return done('NOERROR', true, positiveAuthority(), `${steps.join(', ')}, outside the zone: the resolver follows it`)
      if (hop >= maxChain) return done('NOERROR', true, positiveAuthority(), `${steps.join(', ')}; stopped after ${maxChain} CNAMEs`)
      name = target
      continue
    }
    steps.push(`${formatName(name)} exists but has no ${typeName(query.type)} record${from}`)
    return done('NOERROR', true, [zone.negativeSoa()], answer.length ? steps.join(', ') : `${steps.join(', ')}: NODATA`)
  }

  function positiveAuthority(): RRset[] {
    return options.minimal ? [] : [zone!.ns]
  }

  function done(rcode: RcodeName, authoritative: boolean, authority: RRset[], explanation: string): LookupResult {
    // Minimal answers (Knot's) still give the addresses of answer targets; they only skip the NS set's.
    const additional = additionalFor(zone!, options.minimal ? answer : [...answer, ...authority])
    return { rcode, authoritative, answer, authority, additional, zone: zoneName, explanation, cacheable, decisions }
  }
}

/** The closest encloser's wildcard (RFC 4592 §3.3.1), if the zone has one for this name. */
function wildcardFor(zone: Zone, name: Labels): Labels | undefined {
  for (let encloser = name.slice(1); encloser.length >= zone.origin.length; encloser = encloser.slice(1)) {
    if (!zone.exists(encloser)) continue
    const star: Labels = [Uint8Array.of(0x2a), ...encloser]
    return zone.exists(star) ? star : undefined
  }
  return undefined
}

/** A and AAAA of in-zone name servers of a delegation, including those below the cut (glue). */
function glueFor(zone: Zone, cut: RRset): RRset[] {
  const glue: RRset[] = []
  for (const rdata of cut.rdatas)
    for (const { name } of rdataNames(rdata)) {
      if (!isSubdomain(name, zone.origin)) continue
      for (const type of [recordTypeCodes.A, recordTypeCodes.AAAA]) {
        const rrset = zone.rrset(name, type)
        if (rrset) glue.push(rrset)
      }
    }
  return glue
}

/** Addresses of the names that NS, MX and SRV records point at, when the zone has them (RFC 1035 §3.3). */
function additionalFor(zone: Zone, sections: RRset[]): RRset[] {
  const out: RRset[] = []
  const seen = new Set<string>()
  for (const rrset of sections)
    for (const rdata of rrset.rdatas)
      for (const { name } of rdataNames(rdata)) {
        if (!isSubdomain(name, zone.origin) || zone.delegationAbove(name)) continue
        for (const type of [recordTypeCodes.A, recordTypeCodes.AAAA]) {
          const found = zone.rrset(name, type)
          const key = `${formatName(name)}/${type}`
          if (found && !seen.has(key)) {
            seen.add(key)
            out.push(found)
          }
        }
      }
  return out
}
