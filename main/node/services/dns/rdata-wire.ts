import type { Rdata } from '../../../common/services/dns/rdata'
import type { WireWriter } from './wire-writer'

/**
 * Writes the RDATA of one record (the caller writes RDLENGTH around it). Names inside CNAME, NS, PTR,
 * MX and SOA may be compressed; the names of later types never are (RFC 3597 §4).
 */
export function writeRdata(rdata: Rdata, w: WireWriter): void {
  switch (rdata.type) {
    case 'A':
    case 'AAAA':
      return w.bytes(rdata.address)
    case 'CAA':
      w.u8(rdata.flags)
      w.characterString(new TextEncoder().encode(rdata.tag))
      return w.bytes(rdata.value)
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return w.name(rdata.target, true)
    case 'DS':
      w.u16(rdata.keyTag)
      w.u8(rdata.algorithm)
      w.u8(rdata.digestType)
      return w.bytes(rdata.digest)
    case 'MX':
      w.u16(rdata.preference)
      return w.name(rdata.exchange, true)
    case 'NAPTR':
      w.u16(rdata.order)
      w.u16(rdata.preference)
      w.characterString(rdata.flags)
      w.characterString(rdata.services)
      w.characterString(rdata.regexp)
      return w.name(rdata.replacement, false)
    case 'SOA':
      w.name(rdata.mname, true)
      w.name(rdata.rname, true)
      w.u32(rdata.serial)
      w.u32(rdata.refresh)
      w.u32(rdata.retry)
      w.u32(rdata.expire)
      return w.u32(rdata.minimum)
    case 'SRV':
      w.u16(rdata.priority)
      w.u16(rdata.weight)
      w.u16(rdata.port)
      return w.name(rdata.target, false)
    case 'SSHFP':
      w.u8(rdata.algorithm)
      w.u8(rdata.fingerprintType)
      return w.bytes(rdata.fingerprint)
    case 'TLSA':
      w.u8(rdata.usage)
      w.u8(rdata.selector)
      w.u8(rdata.matchingType)
      return w.bytes(rdata.data)
    case 'SVCB':
    case 'HTTPS':
      w.u16(rdata.priority)
      w.name(rdata.target, false)
      for (const param of rdata.params) {
        w.u16(param.key)
        w.u16(param.value.length)
        w.bytes(param.value)
      }
      return
    case 'TXT':
    case 'SPF':
      for (const string of rdata.strings) w.characterString(string)
      return
  }
}
