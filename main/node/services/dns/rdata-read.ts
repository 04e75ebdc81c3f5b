import type { Labels } from '../../../common/services/dns/dns-name'
import type { Rdata } from '../../../common/services/dns/rdata'
import { recordTypeCodes, type RecordType } from '../../../common/services/dns/record-types'
import type { SvcParam } from '../../../common/services/dns/svc-params'
import { Malformed, readName } from './message'

const typesByCode = new Map<number, RecordType>(Object.entries(recordTypeCodes).map(([name, code]) => [code, name as RecordType]))

/**
 * Reads the RDATA of one record (the inverse of writeRdata): `start`/`length` locate it in `message`,
 * which names may point into. Types it does not know come back as undefined (shown as RFC 3597 `\#`).
 */
export function readRdata(typeCode: number, message: Uint8Array, start: number, length: number): Rdata | undefined {
  const type = typesByCode.get(typeCode)
  if (!type) return undefined
  const end = start + length
  if (end > message.length) throw new Malformed('record data runs past the end of the message')
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength)
  let at = start
  const need = (n: number) => {
    if (at + n > end) throw new Malformed(`${type} data is shorter than its fields`)
  }
  const u8 = () => (need(1), message[at++]!)
  const u16 = () => (need(2), (at += 2), view.getUint16(at - 2))
  const u32 = () => (need(4), (at += 4), view.getUint32(at - 4))
  const bytes = (n: number) => (need(n), (at += n), message.slice(at - n, at))
  const rest = () => bytes(end - at)
  const text = () => bytes(u8())
  const name = (): Labels => {
    const read = readName(message, at)
    at = read.end
    if (at > end) throw new Malformed(`${type} name runs past its record`)
    return read.labels
  }
  let rdata: Rdata
  switch (type) {
    case 'A':
      rdata = { type, address: bytes(4) }
      break
    case 'AAAA':
      rdata = { type, address: bytes(16) }
      break
    case 'CAA': {
      const flags = u8()
      const tag = new TextDecoder().decode(text())
      rdata = { type, flags, tag, value: rest() }
      break
    }
    case 'CNAME':
    case 'NS':
    case 'PTR':
      rdata = { type, target: name() }
      break
    case 'DS':
      rdata = { type, keyTag: u16(), algorithm: u8(), digestType: u8(), digest: rest() }
      break
    case 'MX':
      rdata = { type, preference: u16(), exchange: name() }
      break
    case 'NAPTR':
      rdata = { type, order: u16(), preference: u16(), flags: text(), services: text(), regexp: text(), replacement: name() }
      break
    case 'SOA':
      rdata = { type, mname: name(), rname: name(), serial: u32(), refresh: u32(), retry: u32(), expire: u32(), minimum: u32() }
      break
    case 'SRV':
      rdata = { type, priority: u16(), weight: u16(), port: u16(), target: name() }
      break
    case 'SSHFP':
      rdata = { type, algorithm: u8(), fingerprintType: u8(), fingerprint: rest() }
      break
    case 'TLSA':
      rdata = { type, usage: u8(), selector: u8(), matchingType: u8(), data: rest() }
      break
    case 'SVCB':
    case 'HTTPS': {
      const priority = u16()
      const target = name()
      const params: SvcParam[] = []
      while (at < end) {
        const key = u16()
        params.push({ key, value: bytes(u16()) })
      }
      rdata = { type, priority, target, params }
      break
    }
    case 'TXT':
    case 'SPF': {
      const strings: Uint8Array[] = []
      while (at < end) strings.push(text())
      rdata = { type, strings }
      break
    }
  }
  if (at !== end) throw new Malformed(`${type} data has ${end - at} bytes left over`)
  return rdata
}
