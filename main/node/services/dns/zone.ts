import type { DnsZoneConfig, DnsRecordConfig } from '../../../common/services/dns/dns-config'
import { isSubdomain, lowercaseName, nameKey, parseName, type Labels } from '../../../common/services/dns/dns-name'
import { policyOf, type RoutingPolicy } from '../../../common/services/dns/dns-routing-config'
import { parseRdata, type Rdata } from '../../../common/services/dns/rdata'
import { recordTypeCodes, type RecordType } from '../../../common/services/dns/record-types'
import { defaultTtl, route53DefaultNs, route53DefaultSoa } from '../../../common/services/dns/zone-file'
import { parseCidr, type Cidr } from '../../net/cidr'

/** All records of one name and type: what DNS answers with as a unit. */
export interface RRset {
  name: Labels
  type: number
  ttl: number
  rdatas: Rdata[]
}

/** One record set of a name and type, with what its routing policy needs. */
export interface PolicyRecord {
  config: DnsRecordConfig
  /** The data, or undefined for an alias (resolved at answer time). */
  rrset: RRset | undefined
  /** Alias target name, for aliases to a record set. */
  aliasTarget?: Labels
  /** Alias target service id, for aliases to a lab service. */
  aliasService?: string
}

/** Every record set of one name and type, under one routing policy. */
export interface RecordGroup {
  name: Labels
  type: number
  policy: RoutingPolicy
  records: PolicyRecord[]
}

/** One hosted zone, indexed for lookups: name → type → record group, with the delegation points. */
export class Zone {
  readonly origin: Labels
  readonly key: string
  /** Source ranges allowed to see a private zone; undefined for a public zone. */
  readonly sources: Cidr[] | undefined
  private readonly nodes = new Map<string, Map<number, RecordGroup>>()
  /** Names that exist only because something exists below them (RFC 8020 empty non-terminals). */
  private readonly emptyNonTerminals = new Set<string>()
  readonly soa: RRset
  readonly ns: RRset

  constructor(readonly config: DnsZoneConfig) {
    this.origin = lowercaseName(parseName(config.name.endsWith('.') ? config.name : `${config.name}.`))
    this.key = nameKey(this.origin)
    this.sources = config.private ? config.private.sources.map(parseCidr) : undefined
    for (const record of config.records) this.add(record)
    this.soa = this.rrset(this.origin, recordTypeCodes.SOA) ?? this.add({ name: '@', type: 'SOA', ttl: route53DefaultSoa.ttl, values: [route53DefaultSoa.value] }).rrset!
    this.ns = this.rrset(this.origin, recordTypeCodes.NS) ?? this.add({ name: '@', type: 'NS', ttl: route53DefaultNs.ttl, values: route53DefaultNs.values }).rrset!
  }

  private add(config: DnsRecordConfig): PolicyRecord {
    const name = lowercaseName(parseName(config.name, this.origin))
    const type = recordTypeCodes[config.type as RecordType]
    const record: PolicyRecord = {
      config,
      rrset: config.values
        ? { name, type, ttl: config.ttl ?? defaultTtl, rdatas: config.values.map((value) => parseRdata(config.type as RecordType, value, this.origin)) }
        : undefined,
      ...(config.alias?.record ? { aliasTarget: lowercaseName(parseName(config.alias.record, this.origin)) } : {}),
      ...(config.alias?.service ? { aliasService: config.alias.service } : {})
    }
    const key = nameKey(name)
    let node = this.nodes.get(key)
    if (!node) this.nodes.set(key, (node = new Map()))
    const group = node.get(type)
    if (group) group.records.push(record)
    else node.set(type, { name, type, policy: policyOf(config)[0]!, records: [record] })
    // Every name between this one and the apex now exists, if only as an empty non-terminal.
    for (let parent = name.slice(1); parent.length > this.origin.length; parent = parent.slice(1))
      this.emptyNonTerminals.add(nameKey(parent))
    return record
  }

  contains(name: Labels): boolean {
    return isSubdomain(name, this.origin)
  }

  group(name: Labels, type: number): RecordGroup | undefined {
    return this.nodes.get(nameKey(name))?.get(type)
  }

  /** The data of a simple, non-alias record set: what NS, SOA, glue and additional processing use. */
  rrset(name: Labels, type: number): RRset | undefined {
    const group = this.group(name, type)
    return group?.policy === 'simple' ? group.records[0]?.rrset : undefined
  }

  /** The types present at a name, ascending. */
  types(name: Labels): number[] {
    return [...(this.nodes.get(nameKey(name))?.keys() ?? [])].sort((a, b) => a - b)
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
