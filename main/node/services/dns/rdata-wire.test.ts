import dnsPacket from 'dns-packet'
import { describe, expect, it } from 'vitest'
import { parseName } from '../../../common/services/dns/dns-name'
import { formatRdata, parseRdata } from '../../../common/services/dns/rdata'
import { recordTypeCodes, type RecordType } from '../../../common/services/dns/record-types'
import { readRdata } from './rdata-read'
import { writeRdata } from './rdata-wire'
import { WireWriter } from './wire-writer'

const origin = parseName('example.test.')

function rdataBytes(type: RecordType, text: string): Uint8Array {
  const w = new WireWriter()
  writeRdata(parseRdata(type, text, origin), w)
  return w.finish().slice()
}

/** A one-answer message, decoded by dns-packet: an independent check of our layout. */
function decodeAnswer(type: RecordType, text: string): unknown {
  const w = new WireWriter()
  for (const value of [0x1234, 0x8400, 0, 1, 0, 0]) w.u16(value)
  w.name(origin, true)
  w.u16(recordTypeCodes[type])
  w.u16(1)
  w.u32(300)
  const at = w.length
  w.u16(0)
  writeRdata(parseRdata(type, text, origin), w)
  w.patchU16(at, w.length - at - 2)
  return (dnsPacket.decode(Buffer.from(w.finish())).answers?.[0] as { data?: unknown } | undefined)?.data
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

describe('RDATA on the wire, checked by dns-packet', () => {
  it.each<[RecordType, string, unknown]>([
    ['A', '192.0.2.1', '192.0.2.1'],
    ['AAAA', '2001:db8::1', '2001:db8::1'],
    ['CAA', '128 issue "ca.example"', { flags: 128, tag: 'issue', value: 'ca.example', issuerCritical: true }],
    ['CNAME', 'web', 'web.example.test'],
    ['DS', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118', { keyTag: 60485, algorithm: 5, digestType: 1, digest: Buffer.from('2BB183AF5F22588179A53B0A98631FAD1A292118', 'hex') }],
    ['MX', '10 mail', { preference: 10, exchange: 'mail.example.test' }],
    ['NAPTR', '100 10 "U" "E2U+sip" "!^.*$!sip:i@e!" .', { order: 100, preference: 10, flags: 'U', services: 'E2U+sip', regexp: '!^.*$!sip:i@e!', replacement: '.' }],
    ['NS', 'ns1', 'ns1.example.test'],
    ['PTR', 'host', 'host.example.test'],
    ['SOA', 'ns1 hostmaster 7 7200 900 1209600 86400', { mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 7, refresh: 7200, retry: 900, expire: 1209600, minimum: 86400 }],
    ['SRV', '10 60 5060 sip', { priority: 10, weight: 60, port: 5060, target: 'sip.example.test' }],
    ['SSHFP', '4 2 0123456789ABCDEF', { algorithm: 4, hash: 2, fingerprint: '0123456789ABCDEF' }],
    ['TLSA', '3 1 1 0123456789ABCDEF', { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.from('0123456789ABCDEF', 'hex') }],
    ['TXT', '"a" "bc"', [Buffer.from('a'), Buffer.from('bc')]]
  ])('%s %s', (type, text, expected) => {
    expect(decodeAnswer(type, text)).toEqual(expected)
  })

  it('writes SVCB and HTTPS as RFC 9460 Appendix D shows', () => {
    expect(hex(rdataBytes('SVCB', '1 foo.example.com. port=53'))).toBe('0001' + '03666f6f076578616d706c6503636f6d00' + '000300020035')
    expect(hex(rdataBytes('SVCB', '16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1'))).toBe(
      '0010' + '03666f6f076578616d706c65036f726700' + '0000000400010004' + '00010009' + '026832' + '0568332d3139' + '00040004c0000201'
    )
    expect(hex(rdataBytes('HTTPS', '0 foo.example.com.'))).toBe('0000' + '03666f6f076578616d706c6503636f6d00')
  })

  it('never compresses names in SRV, NAPTR and SVCB data (RFC 3597 §4)', () => {
    const w = new WireWriter()
    w.name(parseName('sip.example.test.'), true)
    writeRdata(parseRdata('SRV', '1 1 1 sip', origin), w)
    const bytes = w.finish()
    expect(bytes.includes(0xc0)).toBe(false)
  })
})

describe('RDATA read back from the wire', () => {
  it.each<[RecordType, string]>([
    ['A', '192.0.2.1'],
    ['AAAA', '2001:db8::1'],
    ['CAA', '0 issuewild "ca.example; account=1"'],
    ['CNAME', 'web.example.test.'],
    ['DS', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118'],
    ['HTTPS', '1 . alpn="h2,h3" ipv6hint=2001:db8::1 ech=AEX+DQBB'],
    ['MX', '10 mail.example.test.'],
    ['NAPTR', '100 10 "U" "E2U+sip" "!^.*$!sip:i@e!" .'],
    ['NS', 'ns1.example.test.'],
    ['PTR', 'host.example.test.'],
    ['SOA', 'ns1.example.test. hostmaster.example.test. 7 7200 900 1209600 86400'],
    ['SPF', '"v=spf1 -all"'],
    ['SRV', '10 60 5060 sip.example.test.'],
    ['SSHFP', '4 2 0123456789ABCDEF'],
    ['SVCB', '16 foo.example.org. mandatory=alpn,ipv4hint alpn="h2,h3-19" no-default-alpn port=8443 ipv4hint=192.0.2.1,192.0.2.2 key65000="x"'],
    ['TLSA', '3 1 1 0123456789ABCDEF'],
    ['TXT', '"a b" "\\"q\\"" "\\255"']
  ])('%s %s', (type, text) => {
    const w = new WireWriter()
    // A name first, so that compressed names in the RDATA have something to point at.
    w.name(origin, true)
    const start = w.length
    writeRdata(parseRdata(type, text, origin), w)
    const message = w.finish()
    const read = readRdata(recordTypeCodes[type], message, start, message.length - start)
    expect(formatRdata(read!)).toBe(formatRdata(parseRdata(type, text, origin)))
  })

  it('refuses RDATA that does not fill its length exactly', () => {
    const w = new WireWriter()
    writeRdata(parseRdata('MX', '10 mail', origin), w)
    const message = w.finish()
    expect(() => readRdata(recordTypeCodes.MX, message, 0, message.length - 1)).toThrow()
    expect(() => readRdata(recordTypeCodes.A, Uint8Array.of(1, 2, 3, 4, 5), 0, 5)).toThrow(/left over/)
  })
})
