import { isSubdomain, lowercaseName, nameKey, parseName, type Labels } from '../../../common/services/dns/dns-name'
import { parseRdata, type Rdata } from '../../../common/services/dns/rdata'
import { recordTypeCodes, type RecordType } from '../../../common/services/dns/record-types'
import type { DnsZoneConfig } from '../../../common/services/dns/dns-config'
import { route53DefaultNs, route53DefaultSoa } from '../../../common/services/dns/zone-file'
import { parseCidr, type Cidr } from './cidr'

/** All records of one name and type: what DNS answers with as a unit. */
export interface RRset {
  name: Labels
  type: number
  ttl: number
  rdatas: Rdata[]
}

/** One hosted zone, indexed for lookups: name → type → RRset, with the delegation points. */
export class Zone {
  readonly origin: Labels
  readonly key: string
  /** Source ranges allowed to see a private zone; undefined for a public zone. */
  readonly sources: Cidr[] | undefined
  private readonly nodes = new Map<string, Map<number, RRset>>()
  /** Names that exist only because something exists below them (RFC 8020 empty non-terminals). */
  private readonly emptyNonTerminals = new Set<string>()
  readonly soa: RRset
  readonly ns: RRset

  constructor(readonly config: DnsZoneConfig) {
    this.origin = lowercaseName(parseName(config.name.endsWith('.') ? config.name : `${config.name}.`))
    this.key = nameKey(this.origin)
    this.sources = config.private ? config.private.sources.map(parseCidr) : undefined
    for (const record of config.records) {
      const name = lowercaseName(parseName(record.name, this.origin))
      const type = recordTypeCodes[record.type as RecordType]
      const rdatas = record.values.map((value) => parseRdata(record.type as RecordType, value, this.origin))
      this.add({ name, type, ttl: record.ttl, rdatas })
    }
    this.soa = this.rrset(this.origin, recordTypeCodes.SOA) ?? this.add({ name: this.origin, type: recordTypeCodes.SOA, ttl: route53DefaultSoa.ttl, rdatas: [parseRdata('SOA', route53DefaultSoa.value, this.origin)] })
    this.ns = this.rrset(this.origin, recordTypeCodes.NS) ?? this.add({
      name: this.origin,
      type: recordTypeCodes.NS,
      ttl: route53DefaultNs.ttl,
      rdatas: route53DefaultNs.values.map((server) => parseRdata('NS', server, this.origin))
    })
  }

  private add(rrset: RRset): RRset {
    const key = nameKey(rrset.name)
    let node = this.nodes.get(key)
    if (!node) this.nodes.set(key, (node = new Map()))
    const existing = node.get(rrset.type)
    if (existing) existing.rdatas.push(...rrset.rdatas)
    else node.set(rrset.type, rrset)
    // Every name between this one and the apex now exists, if only as an empty non-terminal.
    for (let parent = rrset.name.slice(1); parent.length > this.origin.length; parent = parent.slice(1))
      this.emptyNonTerminals.add(nameKey(parent))
    return existing ?? rrset
  }

  contains(name: Labels): boolean {
    return isSubdomain(name, this.origin)
  }

  rrset(name: Labels, type: number): RRset | undefined {
    return this.nodes.get(nameKey(name))?.get(type)
  }

  rrsets(name: Labels): RRset[] {
    return [...(this.nodes.get(nameKey(name))?.values() ?? [])].sort((a, b) => a.type - b.type)
  }

  /** Whether the name exists: it has records, or names below it do. */
  exists(name: Labels): boolean {
    const key = nameKey(name)
    return this.nodes.has(key) || this.emptyNonTerminals.has(key)
  }

  /** The highest delegation point (NS below the apex) at or above `name`, if any. */
  delegationAbove(name: Labels): RRset | undefined {
    for (let depth = this.origin.length + 1; depth <= name.length; depth++) {
      const ns = this.rrset(name.slice(name.length - depth), recordTypeCodes.NS)
      if (ns) return ns
    }
    return undefined
  }

  /** Negative answers carry the SOA with TTL min(SOA TTL, SOA MINIMUM) (RFC 2308 §5). */
  negativeSoa(): RRset {
    const soa = this.soa.rdatas[0]
    const minimum = soa && soa.type === 'SOA' ? soa.minimum : this.soa.ttl
    return { ...this.soa, ttl: Math.min(this.soa.ttl, minimum) }
  }
}
