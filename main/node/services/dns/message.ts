import { labelEquals, type Labels } from '../../../common/services/dns/dns-name'
import { formatIPv6 } from '../../../common/services/dns/ip-address'
import { writeRdata } from './rdata-wire'
import { WireWriter } from './wire-writer'
import type { RRset } from './zone'

/** EDNS(0) as the client sent it (RFC 6891). */
export interface Edns {
  udpSize: number
  version: number
  dnssecOk: boolean
  /** EDNS Client Subnet (RFC 7871): the resolver's view of where its client is. */
  clientSubnet?: ClientSubnet
}

export interface ClientSubnet {
  family: 1 | 2
  sourcePrefix: number
  /** The subnet's address, zero-filled to a full IPv4/IPv6 address. */
  address: string
  /** The address bytes as sent (ceil(sourcePrefix / 8) of them). */
  bytes: Uint8Array
}

export interface Question {
  /** The name exactly as the client wrote it: its case is echoed back (RFC 4343). */
  labels: Labels
  type: number
  class: number
}

export interface Query {
  id: number
  opcode: number
  recursionDesired: boolean
  checkingDisabled: boolean
  /** Present when the header announced exactly one question and it parsed. */
  question?: Question
  edns?: Edns
  /** Why the query cannot be answered normally; the response then carries this rcode. */
  problem?: { rcode: number; reason: string }
}

const OPT = 41
const headerBytes = 12
/** RFC 6891 §6.2.5: sizes below 512 are treated as 512. */
const minUdpSize = 512

/** A message that breaks the wire format; the text says where. */
export class Malformed extends Error {}

/**
 * Reads a query. Returns undefined for what must get no answer at all: fewer than 12 bytes, or a
 * response (QR=1), which answering could turn into a loop. Everything else gets a Query, possibly with
 * a `problem` (FORMERR, NOTIMP) that the response reports.
 */
export function parseQuery(bytes: Uint8Array): Query | undefined {
  if (bytes.length < headerBytes) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const id = view.getUint16(0)
  const flags = view.getUint16(2)
  if (flags & 0x8000) return undefined
  const query: Query = {
    id,
    opcode: (flags >> 11) & 0xf,
    recursionDesired: (flags & 0x0100) !== 0,
    checkingDisabled: (flags & 0x0010) !== 0
  }
  const counts = [view.getUint16(4), view.getUint16(6), view.getUint16(8), view.getUint16(10)] as const
  if (query.opcode !== 0) {
    query.problem = { rcode: 4, reason: `opcode ${query.opcode} is not implemented (only QUERY)` }
    return query
  }
  if (counts[0] !== 1) {
    query.problem = { rcode: 1, reason: `a query must have exactly one question, this one has ${counts[0]}` }
    return query
  }
  try {
    let offset = headerBytes
    const name = readName(bytes, offset)
    offset = name.end
    if (offset + 4 > bytes.length) throw new Malformed('question is truncated')
    query.question = { labels: name.labels, type: view.getUint16(offset), class: view.getUint16(offset + 2) }
    offset += 4
    for (let i = 0; i < counts[1] + counts[2]; i++) offset = skipRecord(bytes, view, offset)
    for (let i = 0; i < counts[3]; i++) {
      const owner = readName(bytes, offset)
      if (owner.end + 10 > bytes.length) throw new Malformed('additional record is truncated')
      const type = view.getUint16(owner.end)
      const next = skipRecord(bytes, view, offset)
      if (type !== OPT) {
        offset = next
        continue
      }
      if (query.edns) throw new Malformed('more than one OPT record (RFC 6891 §6.1.1)')
      if (owner.labels.length !== 0) throw new Malformed('OPT record with a name other than the root')
      const ttl = view.getUint32(owner.end + 4)
      query.edns = {
        udpSize: Math.max(minUdpSize, view.getUint16(owner.end + 2)),
        version: (ttl >>> 16) & 0xff,
        dnssecOk: (ttl & 0x8000) !== 0
      }
      const subnet = readClientSubnet(bytes, view, owner.end + 10, next)
      if (subnet) query.edns.clientSubnet = subnet
      offset = next
    }
    if (offset !== bytes.length) throw new Malformed(`${bytes.length - offset} bytes after the last record`)
  } catch (error) {
    if (!(error instanceof Malformed)) throw error
    query.problem = { rcode: 1, reason: `malformed query: ${error.message}` }
  }
  return query
}

const ECS = 8

/** Finds and checks the EDNS Client Subnet option among the OPT record's options (RFC 7871 §6). */
function readClientSubnet(bytes: Uint8Array, view: DataView, start: number, end: number): ClientSubnet | undefined {
  let subnet: ClientSubnet | undefined
  for (let at = start; at < end; ) {
    if (at + 4 > end) throw new Malformed('EDNS option header is truncated')
    const code = view.getUint16(at)
    const length = view.getUint16(at + 2)
    if (at + 4 + length > end) throw new Malformed('EDNS option runs past its record')
    if (code === ECS) {
      if (length < 4) throw new Malformed('ECS option shorter than 4 bytes')
      const family = view.getUint16(at + 4)
      const sourcePrefix = bytes[at + 6]!
      const scopePrefix = bytes[at + 7]!
      const size = family === 1 ? 4 : family === 2 ? 16 : 0
      if (!size) throw new Malformed(`ECS family ${family} is neither IPv4 (1) nor IPv6 (2)`)
      if (sourcePrefix > size * 8) throw new Malformed(`ECS source prefix /${sourcePrefix} is too long`)
      if (scopePrefix !== 0) throw new Malformed('ECS scope prefix must be 0 in a query (RFC 7871 §6)')
      if (length - 4 !== Math.ceil(sourcePrefix / 8)) throw new Malformed('ECS address length does not match its prefix')
      const sent = bytes.slice(at + 8, at + 4 + length)
      const full = new Uint8Array(size)
      full.set(sent)
      const address = family === 1 ? Array.from(full).join('.') : formatIPv6(full)
      subnet = { family: family as 1 | 2, sourcePrefix, address, bytes: sent }
    }
    at += 4 + length
  }
  return subnet
}

/** Reads a (possibly compressed) name; pointers must go backwards, so loops are impossible. */
export function readName(bytes: Uint8Array, start: number): { labels: Uint8Array[]; end: number } {
  const labels: Uint8Array[] = []
  let offset = start
  let end: number | undefined
  let total = 1
  for (;;) {
    if (offset >= bytes.length) throw new Malformed('name runs past the end of the message')
    const length = bytes[offset]!
    if (length === 0) {
      return { labels, end: end ?? offset + 1 }
    }
    if ((length & 0xc0) === 0xc0) {
      if (offset + 1 >= bytes.length) throw new Malformed('truncated compression pointer')
      const target = ((length & 0x3f) << 8) | bytes[offset + 1]!
      if (target >= offset) throw new Malformed('compression pointer does not point backwards')
      end ??= offset + 2
      offset = target
      continue
    }
    if (length & 0xc0) throw new Malformed('unknown label type')
    if (offset + 1 + length > bytes.length) throw new Malformed('label runs past the end of the message')
    total += length + 1
    if (total > 255) throw new Malformed('name longer than 255 bytes')
    labels.push(bytes.slice(offset + 1, offset + 1 + length))
    offset += 1 + length
  }
}

function skipRecord(bytes: Uint8Array, view: DataView, start: number): number {
  const { end } = readName(bytes, start)
  if (end + 10 > bytes.length) throw new Malformed('record header is truncated')
  const rdlength = view.getUint16(end + 8)
  if (end + 10 + rdlength > bytes.length) throw new Malformed('record data runs past the end of the message')
  return end + 10 + rdlength
}

export interface Response {
  /** For a query with ECS: the prefix length the answer depends on (0: the same for everyone). */
  clientSubnetScope?: number
  rcode: number
  authoritative: boolean
  answer: RRset[]
  authority: RRset[]
  additional: RRset[]
}

export interface EncodedResponse {
  bytes: Uint8Array
  truncated: boolean
}

/**
 * Encodes a response with name compression. Over `limit` bytes it first drops the additional section
 * (RFC 2181 §9: no TC needed for that), then answers with TC=1 and empty sections, as NSD and Knot do,
 * so the client retries over TCP.
 */
export function encodeResponse(query: Query, response: Response, limit: number, serverUdpSize: number): EncodedResponse {
  const full = write(query, response, false, serverUdpSize)
  if (full.length <= limit) return { bytes: full, truncated: false }
  const lean = write(query, { ...response, additional: [] }, false, serverUdpSize)
  if (lean.length <= limit) return { bytes: lean, truncated: false }
  return { bytes: write(query, { ...response, answer: [], authority: [], additional: [] }, true, serverUdpSize), truncated: true }
}

function write(query: Query, response: Response, truncated: boolean, serverUdpSize: number): Uint8Array {
  const w = new WireWriter()
  const rcode = response.rcode
  let flags = 0x8000 | (query.opcode << 11) | (rcode & 0xf)
  if (response.authoritative) flags |= 0x0400
  if (truncated) flags |= 0x0200
  if (query.recursionDesired) flags |= 0x0100
  if (query.checkingDisabled) flags |= 0x0010
  w.u16(query.id)
  w.u16(flags)
  const question = query.question
  w.u16(question ? 1 : 0)
  const counts = w.length
  w.u16(0)
  w.u16(0)
  w.u16(0)
  if (question) {
    w.name(question.labels, true)
    w.u16(question.type)
    w.u16(question.class)
  }
  const sections = [response.answer, response.authority, response.additional]
  sections.forEach((section, index) => {
    let count = 0
    for (const rrset of section) {
      const owner = question && sameName(rrset.name, question.labels) ? question.labels : rrset.name
      for (const rdata of rrset.rdatas) {
        w.name(owner, true)
        w.u16(rrset.type)
        w.u16(1)
        w.u32(rrset.ttl)
        const lengthAt = w.length
        w.u16(0)
        writeRdata(rdata, w)
        w.patchU16(lengthAt, w.length - lengthAt - 2)
        count++
      }
    }
    if (index < 2 || !query.edns) w.patchU16(counts + index * 2, count)
    else w.patchU16(counts + 4, count + 1)
  })
  if (query.edns) {
    // The OPT pseudo-record: our UDP size, the high bits of the rcode, version 0, DO copied (RFC 3225 §3).
    w.u8(0)
    w.u16(OPT)
    w.u16(serverUdpSize)
    w.u8(rcode >> 4)
    w.u8(0)
    w.u16(query.edns.dnssecOk ? 0x8000 : 0)
    const subnet = query.edns.clientSubnet
    if (!subnet) w.u16(0)
    else {
      // RFC 7871 §7.2.1: echo family, source prefix and address, with the scope the answer depends on.
      w.u16(4 + 4 + subnet.bytes.length)
      w.u16(ECS)
      w.u16(4 + subnet.bytes.length)
      w.u16(subnet.family)
      w.u8(subnet.sourcePrefix)
      w.u8(response.clientSubnetScope ?? 0)
      w.bytes(subnet.bytes)
    }
  }
  return w.finish().slice()
}

function sameName(a: Labels, b: Labels): boolean {
  return a.length === b.length && a.every((label, i) => labelEquals(label, b[i]!))
}
