import dnsPacket from 'dns-packet'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { answerQuery } from './answer'
import { encodeResponse, parseQuery } from './message'
import { testZones } from './testing-zone'
import { Zone } from './zone'
import { ClientMaps } from './client-maps'
import { createRandom } from '../../base/random'

const zones = testZones().zones.map((zone) => new Zone(zone))
// Built once: the fuzz test below asks thousands of times, and building the zones is most of a call.
const clientMaps = new ClientMaps(testZones())

interface AskOptions {
  edns?: number
  version?: number
  source?: string
  minimal?: boolean
  transport?: 'UDP' | 'TCP'
}

/** One query through the whole pipeline (parse → answer → encode), decoded by an independent codec. */
function ask(name: string, type: string, options: AskOptions = {}) {
  const additionals = options.edns
    ? [{ type: 'OPT' as const, name: '.', udpPayloadSize: options.edns, extendedRcode: 0, ednsVersion: options.version ?? 0, flags: 0, flag_do: false, options: [] }]
    : []
  const query = dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: type as 'A', name, class: 'IN' }], additionals })
  return raw(query, options)
}

function raw(bytes: Uint8Array, options: AskOptions = {}) {
  const query = parseQuery(bytes)
  if (!query) return undefined
  const source = options.source ?? '127.0.0.1'
  const routing = clientMaps.context(source, () => true, createRandom(1))
  const answered = answerQuery(zones, query, source, { minimal: options.minimal ?? false, routing })
  const limit = options.transport === 'TCP' ? 65535 : query.edns ? Math.min(query.edns.udpSize, 4096) : 512
  const encoded = encodeResponse(query, answered.response, limit, 4096)
  // dns-packet reports the header rcode as a name; its types leave it out.
  const packet = dnsPacket.decode(Buffer.from(encoded.bytes)) as dnsPacket.DecodedPacket & { rcode?: string }
  return { packet, bytes: encoded.bytes, answered, rcode: answered.response.rcode }
}

const data = (records: dnsPacket.Answer[] | undefined) => (records ?? []).map((r) => `${r.name} ${r.type} ${JSON.stringify((r as { data?: unknown }).data)}`)

describe('authoritative answers', () => {
  it('answers at the apex with AA, the zone NS in AUTHORITY and glue in ADDITIONAL (Route 53 style)', () => {
    const { packet } = ask('example.test', 'A')!
    expect(packet.flags! & dnsPacket.AUTHORITATIVE_ANSWER).toBeTruthy()
    expect(packet.flags! & dnsPacket.RECURSION_AVAILABLE).toBeFalsy()
    expect(packet.rcode).toBe('NOERROR')
    expect(data(packet.answers)).toEqual(['example.test A "192.0.2.1"'])
    expect(data(packet.authorities)).toEqual(['example.test NS "ns1.example.test"', 'example.test NS "ns2.example.test"'])
    expect(data(packet.additionals)).toEqual(['ns1.example.test A "192.0.2.53"', 'ns2.example.test A "192.0.2.54"'])
  })

  it('answers minimally when asked to (Knot style)', () => {
    const { packet } = ask('example.test', 'A', { minimal: true })!
    expect(packet.authorities).toEqual([])
    expect(packet.additionals).toEqual([])
  })

  it('echoes the query\'s case and matches case-insensitively (RFC 4343)', () => {
    const { packet } = ask('WwW.ExAmPlE.tEsT', 'A')!
    expect(packet.questions?.[0]?.name).toBe('WwW.ExAmPlE.tEsT')
    expect(data(packet.answers)).toEqual([
      'WwW.ExAmPlE.tEsT CNAME "web.example.test"',
      'web.example.test A "192.0.2.10"',
      'web.example.test A "192.0.2.11"'
    ])
  })

  it('follows in-zone CNAME chains into the ANSWER section', () => {
    const { packet } = ask('chain1.example.test', 'AAAA')!
    expect(data(packet.answers)).toEqual([
      'chain1.example.test CNAME "chain2.example.test"',
      'chain2.example.test CNAME "chain3.example.test"',
      'chain3.example.test CNAME "web.example.test"',
      'web.example.test AAAA "2001:db8::10"'
    ])
  })

  it('gives NXDOMAIN with the CNAME when the chain ends at a missing name', () => {
    const { packet } = ask('dangling.example.test', 'A')!
    expect(packet.rcode).toBe('NXDOMAIN')
    expect(data(packet.answers)).toEqual(['dangling.example.test CNAME "missing.example.test"'])
    expect(packet.authorities?.[0]).toMatchObject({ type: 'SOA', ttl: 3600 })
  })

  it('stops at a CNAME out of the zone', () => {
    const { packet } = ask('ext.example.test', 'A')!
    expect(packet.rcode).toBe('NOERROR')
    expect(data(packet.answers)).toEqual(['ext.example.test CNAME "www.example.org"'])
  })

  it('tells NODATA from NXDOMAIN, with the SOA at min(TTL, MINIMUM) (RFC 2308)', () => {
    const nodata = ask('web.example.test', 'MX')!
    expect(nodata.packet.rcode).toBe('NOERROR')
    expect(nodata.packet.answers).toEqual([])
    expect(nodata.packet.authorities).toMatchObject([{ type: 'SOA', ttl: 3600 }])
    const nxdomain = ask('nope.example.test', 'A')!
    expect(nxdomain.packet.rcode).toBe('NXDOMAIN')
    expect(nxdomain.packet.flags! & dnsPacket.AUTHORITATIVE_ANSWER).toBeTruthy()
    expect(nxdomain.packet.authorities).toMatchObject([{ type: 'SOA' }])
  })

  it('answers an empty non-terminal with NODATA, not NXDOMAIN (RFC 8020)', () => {
    const { packet } = ask('b.ent.example.test', 'A')!
    expect(packet.rcode).toBe('NOERROR')
    expect(packet.answers).toEqual([])
  })

  it('synthesises wildcard answers at any depth, unless a name blocks them (RFC 4592)', () => {
    expect(data(ask('x.wild.example.test', 'A')!.packet.answers)).toEqual(['x.wild.example.test A "192.0.2.99"'])
    expect(data(ask('a.b.c.wild.example.test', 'A')!.packet.answers)).toEqual(['a.b.c.wild.example.test A "192.0.2.99"'])
    const blocked = ask('exists.wild.example.test', 'A')!
    expect(blocked.packet.rcode).toBe('NOERROR')
    expect(blocked.packet.answers).toEqual([])
    expect(ask('x.wild.example.test', 'MX')!.packet.answers).toEqual([])
  })

  it('refers names below a delegation, with AA=0, the NS set and glue', () => {
    const { packet } = ask('www.sub.example.test', 'A')!
    expect(packet.rcode).toBe('NOERROR')
    expect(packet.flags! & dnsPacket.AUTHORITATIVE_ANSWER).toBeFalsy()
    expect(packet.answers).toEqual([])
    expect(data(packet.authorities)).toEqual(['sub.example.test NS "ns1.sub.example.test"', 'sub.example.test NS "ns.outside.test"'])
    expect(data(packet.additionals)).toEqual(['ns1.sub.example.test A "192.0.2.153"'])
    // DS belongs to the parent side of the cut: answered authoritatively (here: NODATA).
    const ds = ask('sub.example.test', 'DS')!
    expect(ds.packet.flags! & dnsPacket.AUTHORITATIVE_ANSWER).toBeTruthy()
    expect(ds.packet.authorities).toMatchObject([{ type: 'SOA' }])
  })

  it('adds the addresses of MX and SRV targets', () => {
    expect(data(ask('example.test', 'MX')!.packet.additionals)).toContain('mail.example.test A "192.0.2.25"')
    expect(data(ask('_sip._tcp.example.test', 'SRV')!.packet.additionals)).toContain('sip.example.test A "192.0.2.60"')
  })

  it('answers ANY with one RRset (RFC 8482)', () => {
    expect(ask('example.test', 'ANY')!.packet.answers).toHaveLength(1)
  })

  it('refuses names outside its zones: it never recurses', () => {
    const result = ask('example.org', 'A')!
    expect(result.packet.rcode).toBe('REFUSED')
    expect(result.packet.flags! & dnsPacket.AUTHORITATIVE_ANSWER).toBeFalsy()
  })

  it('shows a private zone only to its sources; others get the public zone, with no mixing', () => {
    expect(data(ask('db.internal.example.test', 'A', { source: '127.0.0.2' })!.packet.answers)).toEqual(['db.internal.example.test A "10.0.0.5"'])
    expect(ask('db.internal.example.test', 'A', { source: '127.0.0.1' })!.packet.rcode).toBe('NXDOMAIN')
    // Inside the private zone there is no fallback to the public one.
    expect(ask('www.internal.example.test', 'A', { source: '127.0.0.2' })!.packet.rcode).toBe('NXDOMAIN')
  })
})

describe('the wire', () => {
  it('truncates over 512 bytes without EDNS, with an empty answer, and fits with EDNS', () => {
    const plain = ask('many.example.test', 'A')!
    expect(plain.packet.flags! & dnsPacket.TRUNCATED_RESPONSE).toBeTruthy()
    expect(plain.packet.answers).toEqual([])
    expect(plain.bytes.length).toBeLessThanOrEqual(512)
    const edns = ask('many.example.test', 'A', { edns: 4096 })!
    expect(edns.packet.flags! & dnsPacket.TRUNCATED_RESPONSE).toBeFalsy()
    expect(edns.packet.answers).toHaveLength(40)
    // Compression: 40 owner names as 2-byte pointers (dns-packet alone sends 1355 bytes for this).
    expect(edns.bytes.length).toBeLessThan(800)
    const tcp = ask('big.example.test', 'TXT', { transport: 'TCP' })!
    expect(tcp.packet.answers).toHaveLength(1)
  })

  it('drops the additional section before truncating the answer (RFC 2181 §9)', () => {
    const { packet } = ask('web.example.test', 'A', { edns: 512 })!
    expect(packet.flags! & dnsPacket.TRUNCATED_RESPONSE).toBeFalsy()
    expect(packet.answers).toHaveLength(2)
  })

  it('echoes EDNS with its own payload size, and answers EDNS version 1 with BADVERS', () => {
    const ok = ask('example.test', 'A', { edns: 1232 })!
    expect(ok.packet.additionals?.find((r) => r.type === 'OPT')).toMatchObject({ udpPayloadSize: 4096 })
    const bad = ask('example.test', 'A', { edns: 1232, version: 1 })!
    expect(bad.rcode).toBe(16)
    expect(bad.packet.answers).toEqual([])
    expect(bad.packet.additionals?.find((r) => r.type === 'OPT')).toMatchObject({ extendedRcode: 1 })
  })

  it('answers malformed queries with FORMERR, other opcodes with NOTIMP, and responses not at all', () => {
    const good = dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name: 'example.test', class: 'IN' }] })
    const twoQuestions = Buffer.from(good)
    twoQuestions.writeUInt16BE(2, 4)
    expect(raw(twoQuestions)!.packet.rcode).toBe('FORMERR')
    const trailing = Buffer.concat([good, Buffer.from([1, 2, 3])])
    expect(raw(trailing)!.packet.rcode).toBe('FORMERR')
    const status = Buffer.from(good)
    status.writeUInt16BE(2 << 11, 2)
    expect(raw(status)!.packet.rcode).toBe('NOTIMP')
    const response = Buffer.from(good)
    response.writeUInt16BE(0x8000, 2)
    expect(raw(response)).toBeUndefined()
    expect(raw(Buffer.from([1, 2, 3]))).toBeUndefined()
    const loop = Buffer.from(good)
    loop.writeUInt16BE(0xc00c, 12)
    expect(raw(loop)!.packet.rcode).toBe('FORMERR')
  })

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        raw(bytes)
      }),
      { numRuns: 3000 }
    )
    // Mutations of a valid query reach deeper into the parser than random bytes do.
    const good = dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name: 'www.example.test', class: 'IN' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] })
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (edits) => {
        const bytes = Buffer.from(good)
        for (const [at, value] of edits) bytes[at] = value
        raw(bytes)
      }),
      { numRuns: 3000 }
    )
  })
})
