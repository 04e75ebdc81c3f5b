import { dnsZoneSchema, type DnsZoneConfig } from '../../main/common/services/dns/dns-config'

/** The benchmark zone: the edge cases of the differential test, at a size a lab might have. */
export function benchZone(): DnsZoneConfig {
  const hosts = Array.from({ length: 200 }, (_, i) => ({ name: `host${i}`, type: 'A', values: [`192.0.2.${i % 250}`] }))
  return dnsZoneSchema.parse({
    name: 'example.test',
    records: [
      { name: '@', type: 'SOA', ttl: 3600, values: ['ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 86400'] },
      { name: '@', type: 'NS', ttl: 172800, values: ['ns1.example.test.', 'ns2.example.test.'] },
      { name: 'ns1', type: 'A', values: ['192.0.2.53'] },
      { name: 'ns2', type: 'A', values: ['192.0.2.54'] },
      { name: '@', type: 'A', values: ['192.0.2.1'] },
      { name: '@', type: 'MX', values: ['10 mail'] },
      { name: 'mail', type: 'A', values: ['192.0.2.25'] },
      { name: '@', type: 'TXT', values: ['"v=spf1 -all"'] },
      { name: 'www', type: 'CNAME', values: ['web'] },
      { name: 'web', type: 'A', values: ['192.0.2.10', '192.0.2.11'] },
      { name: 'web', type: 'AAAA', values: ['2001:db8::10'] },
      { name: 'chain1', type: 'CNAME', values: ['chain2'] },
      { name: 'chain2', type: 'CNAME', values: ['web'] },
      { name: '*.wild', type: 'A', values: ['192.0.2.99'] },
      { name: 'sub', type: 'NS', values: ['ns1.sub'] },
      { name: 'ns1.sub', type: 'A', values: ['192.0.2.153'] },
      ...hosts
    ]
  })
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
