import { dnsZoneSchema, type DnsZoneConfig } from '../../main/common/services/dns/dns-config'
import { testZones } from '../../main/node/services/dns/testing-zone'

/** The benchmark zone: the differential test's zone (the edge cases), plus 200 hosts. */
export function benchZone(): DnsZoneConfig {
  const edgeCases = testZones().zones[0]!
  const hosts = Array.from({ length: 200 }, (_, i) => ({ name: `host${i}`, type: 'A', values: [`192.0.2.${i % 250}`] }))
  return dnsZoneSchema.parse({ name: edgeCases.name, records: [...edgeCases.records, ...hosts] })
}

/** dnsperf's input: 75 % existing names of many kinds, 25 % random names that do not exist. */
export function queryMix(): string {
  const existing = [
    'example.test A', 'example.test MX', 'example.test TXT', 'example.test SOA', 'example.test NS', 'www.example.test A',
    'web.example.test AAAA', 'chain1.example.test A', 'x.wild.example.test A', 'a.b.wild.example.test A',
    'web.example.test MX', 'www.sub.example.test A', 'WWW.Example.Test A', 'mail.example.test A'
  ]
  const lines: string[] = []
  for (let i = 0; i < 2000; i++) {
    if (i % 4 === 3) lines.push(`nx${String(i * 7919).padStart(7, '0')}.example.test A`)
    else if (i % 2 === 0) lines.push(`host${i % 200}.example.test A`)
    else lines.push(existing[i % existing.length]!)
  }
  return `${lines.join('\n')}\n`
}
