import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NameError, parseName } from './dns-name'
import { formatRdata, parseRdata, RdataError } from './rdata'
import { recordTypes, type RecordType } from './record-types'

const origin = parseName('example.test.')
const roundTrip = (type: RecordType, text: string) => formatRdata(parseRdata(type, text, origin))

describe('record values', () => {
  it.each<[RecordType, string, string]>([
    ['A', '192.0.2.1', '192.0.2.1'],
    ['AAAA', '2001:DB8:0:0::1', '2001:db8::1'],
    ['CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
    ['CNAME', 'web', 'web.example.test.'],
    ['DS', '60485 5 1 2BB183AF5F22588179A53B0A 98631FAD1A292118', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118'],
    ['HTTPS', '1 . alpn="h2,h3"', '1 . alpn="h2,h3"'],
    ['MX', '10 mail', '10 mail.example.test.'],
    ['NAPTR', '100 10 "U" "E2U+sip" "!^.*$!sip:info@example.test!" .', '100 10 "U" "E2U+sip" "!^.*$!sip:info@example.test!" .'],
    ['NS', 'ns-1.awsdns-00.com.', 'ns-1.awsdns-00.com.'],
    ['PTR', 'host.example.test.', 'host.example.test.'],
    ['SOA', 'ns1 hostmaster 1 7200 900 1209600 86400', 'ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 86400'],
    ['SPF', '"v=spf1 -all"', '"v=spf1 -all"'],
    ['SRV', '10 60 5060 sip.example.test.', '10 60 5060 sip.example.test.'],
    ['SSHFP', '4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789', '4 2 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789'],
    ['SVCB', '16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1', '16 foo.example.org. mandatory=alpn,ipv4hint alpn="h2,h3-19" ipv4hint=192.0.2.1'],
    ['TLSA', '3 1 1 0123456789ABCDEF', '3 1 1 0123456789ABCDEF'],
    ['TXT', '"hello world" "second \\"quoted\\""', '"hello world" "second \\"quoted\\""']
  ])('%s %s', (type, text, canonical) => {
    expect(roundTrip(type, text)).toBe(canonical)
    expect(roundTrip(type, canonical)).toBe(canonical)
  })

  it('covers every Route 53 type', () => {
    expect(recordTypes).toHaveLength(17)
  })

  it.each<[RecordType, string, RegExp]>([
    ['A', '256.1.1.1', /not an IPv4 address/],
    ['A', '192.0.2.1 extra', /unexpected "extra"/],
    ['AAAA', '2001:db8::g', /not an IPv6 address/],
    ['CAA', '0 is-sue "x"', /only letters and digits/],
    ['CAA', '0 issue x', /double quotes/],
    ['MX', 'ten mail', /preference must be an integer 0–65535, got "ten"/],
    ['MX', '10', /exchange is missing/],
    ['SRV', '1 2 70000 sip', /port must be an integer 0–65535/],
    ['DS', '1 2 3 XYZ', /hexadecimal/],
    ['TXT', `"${'a'.repeat(256)}"`, /at most 255 bytes; this one has 256/],
    ['TXT', '"unclosed', /not closed/],
    ['TXT', '', /at least one string/],
    ['HTTPS', '0 . alpn=h2', /AliasMode/],
    ['SVCB', '1 . mandatory=port', /not present/],
    ['SVCB', '1 . bogus=1', /unknown SvcParam key/],
    ['SVCB', '1 . port=1 port=2', /twice/],
    ['CNAME', 'a..b', /empty label/]
  ])('%s refuses %j', (type, text, message) => {
    expect(() => parseRdata(type, text, origin)).toThrow(message)
  })

  it('refuses values over Route 53\'s 4000 characters', () => {
    expect(() => parseRdata('TXT', `"${'a'.repeat(4001)}"`, origin)).toThrow(/at most 4000/)
  })

  it('only ever throws RdataError, whatever the input (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...recordTypes), fc.string({ maxLength: 80 }), (type, text) => {
        try {
          parseRdata(type, text, origin)
        } catch (error) {
          expect(error instanceof RdataError || error instanceof NameError).toBe(true)
          if (error instanceof NameError) throw error
        }
      }),
      { numRuns: 5000 }
    )
  })
})
