import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dnsZoneSchema } from './dns-config'
import { exportZoneFile } from './zone-file'
import { parseZoneFile } from './zone-file-parse'

const sample = `; a zone as BIND writes it
$ORIGIN example.test.
$TTL 1h
@       IN SOA ns1 hostmaster ( 2024010101 ; serial
                 7200 900 1209600 86400 )
        IN NS  ns1
        IN NS  ns2.example.test.
@       300 IN A 192.0.2.1
        IN MX  10 mail
www     CNAME  web
web  60 A 192.0.2.10
web  60 A 192.0.2.11
txt     TXT   "a; not a comment" "b"
$ORIGIN sub.example.test.
host    A      192.0.2.50
`

describe('zone file import', () => {
  it('reads BIND syntax into record sets, leaving out the apex SOA and NS as Route 53 does', () => {
    const { origin, records, problems } = parseZoneFile(sample)
    expect(origin).toBe('sub.example.test.')
    expect(records).toEqual([
      { name: 'example.test.', type: 'A', ttl: 300, values: ['192.0.2.1'] },
      { name: 'example.test.', type: 'MX', ttl: 3600, values: ['10 mail.example.test.'] },
      { name: 'www.example.test.', type: 'CNAME', ttl: 3600, values: ['web.example.test.'] },
      { name: 'web.example.test.', type: 'A', ttl: 60, values: ['192.0.2.10', '192.0.2.11'] },
      { name: 'txt.example.test.', type: 'TXT', ttl: 3600, values: ['"a; not a comment" "b"'] },
      { name: 'host.sub.example.test.', type: 'A', ttl: 3600, values: ['192.0.2.50'] }
    ])
    expect(problems.map((p) => `${p.line} ${p.severity} ${p.message}`)).toEqual([
      '4 warning the apex SOA record is left out: Route 53 keeps its own',
      '6 warning the apex NS record is left out: Route 53 keeps its own',
      '7 warning the apex NS record is left out: Route 53 keeps its own'
    ])
  })

  it('reports each problem at its line and keeps going', () => {
    const { records, problems } = parseZoneFile('$ORIGIN x.test.\n$TTL 60\na A 999.1.1.1\n$INCLUDE other\nb HINFO "x" "y"\nc MX ten mail\nd A 192.0.2.1\n(')
    expect(records).toEqual([{ name: 'd.x.test.', type: 'A', ttl: 60, values: ['192.0.2.1'] }])
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '3: A: "999.1.1.1" is not an IPv4 address (dotted quad, e.g. 192.0.2.1)',
      '4: $INCLUDE is not supported (Route 53\'s import refuses $INCLUDE and $GENERATE)',
      '5: HINFO records are not supported by Route 53 (A AAAA CAA CNAME DS HTTPS MX NAPTR NS PTR SOA SPF SRV SSHFP SVCB TLSA TXT)',
      '6: MX: preference must be an integer 0–65535, got "ten"',
      '8: a "(" that is never closed'
    ])
  })

  it('round-trips with the exporter', () => {
    const zone = dnsZoneSchema.parse({
      name: 'shop.test',
      records: [
        { name: 'www', type: 'CNAME', values: ['web'] },
        { name: 'web', type: 'AAAA', values: ['2001:db8::1'] },
        { name: '@', type: 'HTTPS', values: ['1 . alpn="h2,h3"'] },
        { name: '_s._tcp', type: 'SRV', values: ['1 2 3 web'] }
      ]
    })
    const { records, problems } = parseZoneFile(exportZoneFile(zone))
    expect(problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(records.map((r) => `${r.name} ${r.type} ${r.values!.join(',')}`)).toEqual([
      'www.shop.test. CNAME web.shop.test.',
      'web.shop.test. AAAA 2001:db8::1',
      'shop.test. HTTPS 1 . alpn="h2,h3"',
      '_s._tcp.shop.test. SRV 1 2 3 web.shop.test.'
    ])
  })

  it('never throws, whatever the text (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom('$ORIGIN a.test.', '$TTL 1h', '@', 'www', 'IN', 'A', 'MX', 'TXT', '10', '(', ')', '"q', ';c', '\\', '\n', ' ', '\t', '192.0.2.1', 'x.'),
      fc.string({ maxLength: 12 })
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const result = parseZoneFile(parts.join(' '), 'z.test')
        for (const problem of result.problems) expect(problem.line).toBeGreaterThanOrEqual(0)
      }),
      { numRuns: 3000 }
    )
  })
})
