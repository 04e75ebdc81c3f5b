import type { DnsConfig } from '../../../common/services/dns/dns-config'
import { dnsConfigSchema } from '../../../common/services/dns/dns-config'

/**
 * The zone the tests (and the differential test against Knot) use: the edge cases of authoritative DNS
 * in one place (the reference's example.test zone, in lab form).
 */
export function testZones(): DnsConfig {
  const many = Array.from({ length: 40 }, (_, i) => `192.0.2.${100 + i}`)
  const big = Array.from({ length: 8 }, (_, i) => `"${String(i).repeat(200)}"`).join(' ')
  return dnsConfigSchema.parse({
    zones: [
      {
        name: 'example.test',
        records: [
          { name: '@', type: 'SOA', ttl: 3600, values: ['ns1.example.test. hostmaster.example.test. 2024010101 7200 900 1209600 86400'] },
          { name: '@', type: 'NS', ttl: 172800, values: ['ns1.example.test.', 'ns2.example.test.'] },
          { name: 'ns1', type: 'A', values: ['192.0.2.53'] },
          { name: 'ns2', type: 'A', values: ['192.0.2.54'] },
          { name: '@', type: 'A', values: ['192.0.2.1'] },
          { name: '@', type: 'MX', values: ['10 mail', '20 mail2.example.test.'] },
          { name: 'mail', type: 'A', values: ['192.0.2.25'] },
          { name: '@', type: 'TXT', values: ['"v=spf1 -all"'] },
          { name: 'www', type: 'CNAME', values: ['web'] },
          { name: 'web', type: 'A', values: ['192.0.2.10', '192.0.2.11'] },
          { name: 'web', type: 'AAAA', values: ['2001:db8::10'] },
          { name: 'chain1', type: 'CNAME', values: ['chain2'] },
          { name: 'chain2', type: 'CNAME', values: ['chain3'] },
          { name: 'chain3', type: 'CNAME', values: ['web'] },
          { name: 'dangling', type: 'CNAME', values: ['missing'] },
          { name: 'ext', type: 'CNAME', values: ['www.example.org.'] },
          { name: '_sip._tcp', type: 'SRV', values: ['10 60 5060 sip'] },
          { name: 'sip', type: 'A', values: ['192.0.2.60'] },
          { name: '*.wild', type: 'A', values: ['192.0.2.99'] },
          { name: '*.wild', type: 'TXT', values: ['"wildcard"'] },
          { name: 'exists.wild', type: 'TXT', values: ['"exists"'] },
          { name: 'a.b.ent', type: 'A', values: ['192.0.2.5'] },
          { name: 'sub', type: 'NS', values: ['ns1.sub', 'ns.outside.test.'] },
          { name: 'ns1.sub', type: 'A', values: ['192.0.2.153'] },
          { name: 'many', type: 'A', values: many },
          { name: 'big', type: 'TXT', values: [big] }
        ]
      },
      {
        name: 'internal.example.test',
        private: { sources: ['127.0.0.2/32'] },
        records: [{ name: 'db', type: 'A', values: ['10.0.0.5'] }]
      }
    ]
  })
}
