import type { DnsZoneConfig } from './dns-config'
import { formatName, parseName } from './dns-name'
import { policyOf } from './dns-routing-config'
import { formatRdata, parseRdata } from './rdata'
import type { RecordType } from './record-types'

/** TTL of a record set that gives none (the Route 53 console's default). */
export const defaultTtl = 300

/** The SOA and NS records Route 53 creates in a new hosted zone (those of its private zones). */
export const route53DefaultSoa = { ttl: 900, value: 'ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }
export const route53DefaultNs = {
  ttl: 172800,
  values: ['ns-1536.awsdns-00.co.uk.', 'ns-0.awsdns-00.com.', 'ns-1024.awsdns-00.org.', 'ns-512.awsdns-00.net.']
}

/**
 * A zone as a BIND master file (RFC 1035 §5): absolute names, one record per line, the SOA first, with
 * Route 53's default SOA and NS when the zone has none of its own. Knot, NSD and BIND load it as is.
 */
export function exportZoneFile(zone: DnsZoneConfig): string {
  const origin = parseName(zone.name.endsWith('.') ? zone.name : `${zone.name}.`)
  const apex = formatName(origin)
  const lines = [`$ORIGIN ${apex}`]
  const records = [...zone.records]
  const at = (type: string) => records.some((r) => r.type === type && formatName(parseName(r.name, origin)) === apex)
  if (!at('SOA')) records.unshift({ name: '@', type: 'SOA', ttl: route53DefaultSoa.ttl, values: [route53DefaultSoa.value] })
  if (!at('NS')) records.splice(1, 0, { name: '@', type: 'NS', ttl: route53DefaultNs.ttl, values: route53DefaultNs.values })
  records.sort((a, b) => Number(b.type === 'SOA') - Number(a.type === 'SOA'))
  for (const record of records) {
    const owner = formatName(parseName(record.name, origin))
    const policy = policyOf(record)[0]
    if (record.alias || policy !== 'simple' || !record.values) {
      // A master file has no aliases or routing policies: say what was left out rather than guess.
      lines.push(`; ${owner} ${record.type} (${record.alias ? 'alias' : `${policy} routing`}, set ${record.setIdentifier ?? '-'}) cannot be written in a zone file`)
      continue
    }
    for (const value of record.values)
      lines.push(`${owner} ${record.ttl ?? defaultTtl} IN ${record.type} ${formatRdata(parseRdata(record.type as RecordType, value, origin))}`)
  }
  return `${lines.join('\n')}\n`
}
