import { formatName, NameError, parseName, type Labels } from './dns-name'
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip-address'
import { bytesToHex, hexToBytes, quoteBytes, tokenize, type Token } from './presentation'
import type { RecordType } from './record-types'
import { formatSvcParams, parseSvcParams, type SvcParam } from './svc-params'

/** The data of one record, parsed from its presentation value. Names are absolute label lists. */
export type Rdata =
  | { type: 'A'; address: Uint8Array }
  | { type: 'AAAA'; address: Uint8Array }
  | { type: 'CAA'; flags: number; tag: string; value: Uint8Array }
  | { type: 'CNAME' | 'NS' | 'PTR'; target: Labels }
  | { type: 'DS'; keyTag: number; algorithm: number; digestType: number; digest: Uint8Array }
  | { type: 'MX'; preference: number; exchange: Labels }
  | { type: 'NAPTR'; order: number; preference: number; flags: Uint8Array; services: Uint8Array; regexp: Uint8Array; replacement: Labels }
  | { type: 'SOA'; mname: Labels; rname: Labels; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: Labels }
  | { type: 'SSHFP'; algorithm: number; fingerprintType: number; fingerprint: Uint8Array }
  | { type: 'SVCB' | 'HTTPS'; priority: number; target: Labels; params: SvcParam[] }
  | { type: 'TLSA'; usage: number; selector: number; matchingType: number; data: Uint8Array }
  | { type: 'TXT' | 'SPF'; strings: Uint8Array[] }

/** A value that is not valid for its type; the message says what and why. */
export class RdataError extends Error {
  override name = 'RdataError'
}

/** Route 53's limit on one value, in characters. */
export const maxValueLength = 4000

/** Parses one value of a record in presentation format (as in a zone file or the Route 53 console). */
export function parseRdata(type: RecordType, text: string, origin: Labels): Rdata {
  if (text.length > maxValueLength) throw new RdataError(`${type}: a value may be at most ${maxValueLength} characters`)
  let tokens: Token[]
  try {
    tokens = tokenize(text)
  } catch (error) {
    throw new RdataError(`${type}: ${(error as Error).message}`)
  }
  const fields = new Fields(type, tokens, origin)
  const rdata = parseFields(type, fields)
  fields.end()
  return rdata
}

function parseFields(type: RecordType, f: Fields): Rdata {
  switch (type) {
    case 'A': {
      const text = f.word('address')
      const address = parseIPv4(text)
      if (!address) throw f.error(`"${text}" is not an IPv4 address (dotted quad, e.g. 192.0.2.1)`)
      return { type, address }
    }
    case 'AAAA': {
      const text = f.word('address')
      const address = parseIPv6(text)
      if (!address) throw f.error(`"${text}" is not an IPv6 address`)
      return { type, address }
    }
    case 'CAA': {
      const flags = f.int('flags', 0, 255)
      const tag = f.word('tag')
      if (!/^[A-Za-z0-9]+$/.test(tag)) throw f.error(`tag "${tag}" may contain only letters and digits`)
      return { type, flags, tag, value: f.string('value', true) }
    }
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { type, target: f.name('target') }
    case 'DS':
      return { type, keyTag: f.int('key tag', 0, 65535), algorithm: f.int('algorithm', 0, 255), digestType: f.int('digest type', 0, 255), digest: f.hexRest('digest') }
    case 'MX':
      return { type, preference: f.int('preference', 0, 65535), exchange: f.name('exchange') }
    case 'NAPTR':
      return {
        type,
        order: f.int('order', 0, 65535),
        preference: f.int('preference', 0, 65535),
        flags: f.string('flags'),
        services: f.string('services'),
        regexp: f.string('regexp'),
        replacement: f.name('replacement')
      }
    case 'SOA':
      return {
        type,
        mname: f.name('primary name server'),
        rname: f.name('hostmaster mailbox'),
        serial: f.int('serial', 0, 4294967295),
        refresh: f.int('refresh', 0, 2147483647),
        retry: f.int('retry', 0, 2147483647),
        expire: f.int('expire', 0, 2147483647),
        minimum: f.int('minimum', 0, 2147483647)
      }
    case 'SRV':
      return { type, priority: f.int('priority', 0, 65535), weight: f.int('weight', 0, 65535), port: f.int('port', 0, 65535), target: f.name('target') }
    case 'SSHFP':
      return { type, algorithm: f.int('algorithm', 0, 255), fingerprintType: f.int('fingerprint type', 0, 255), fingerprint: f.hexRest('fingerprint') }
    case 'TLSA':
      return { type, usage: f.int('usage', 0, 255), selector: f.int('selector', 0, 255), matchingType: f.int('matching type', 0, 255), data: f.hexRest('certificate data') }
    case 'SVCB':
    case 'HTTPS': {
      const priority = f.int('priority', 0, 65535)
      const target = f.name('target')
      const rest = f.rest()
      if (priority === 0 && rest.length > 0) throw f.error('AliasMode (priority 0) takes no parameters (RFC 9460 §2.4.2)')
      try {
        return { type, priority, target, params: parseSvcParams(rest) }
      } catch (error) {
        throw f.error((error as Error).message)
      }
    }
    case 'TXT':
    case 'SPF': {
      const strings: Uint8Array[] = []
      for (const token of f.rest()) {
        if (token.bytes.length > 255) throw f.error(`each string may be at most 255 bytes; this one has ${token.bytes.length} (split it: "…" "…")`)
        strings.push(token.bytes)
      }
      if (strings.length === 0) throw f.error('a value needs at least one string, e.g. "v=spf1 -all"')
      return { type, strings }
    }
  }
}

/** Reads the fields of one value in order, with messages that name the field. */
class Fields {
  private index = 0
  constructor(
    private readonly type: RecordType,
    private readonly tokens: Token[],
    private readonly origin: Labels
  ) {}

  error(message: string): RdataError {
    return new RdataError(`${this.type}: ${message}`)
  }

  private next(field: string): Token {
    const token = this.tokens[this.index++]
    if (!token) throw this.error(`${field} is missing`)
    return token
  }

  word(field: string): string {
    return this.next(field).text
  }

  int(field: string, min: number, max: number): number {
    const text = this.word(field)
    const value = /^[0-9]+$/.test(text) ? Number(text) : NaN
    if (!(value >= min && value <= max)) throw this.error(`${field} must be an integer ${min}–${max}, got "${text}"`)
    return value
  }

  name(field: string): Labels {
    const text = this.word(field)
    try {
      return parseName(text, this.origin)
    } catch (error) {
      if (error instanceof NameError) throw this.error(`${field}: ${error.message}`)
      throw error
    }
  }

  string(field: string, mustQuote = false): Uint8Array {
    const token = this.next(field)
    if (mustQuote && !token.quoted) throw this.error(`${field} must be in double quotes`)
    if (token.bytes.length > 255) throw this.error(`${field} may be at most 255 bytes`)
    return token.bytes
  }

  hexRest(field: string): Uint8Array {
    const text = this.rest()
      .map((token) => token.text)
      .join('')
    const bytes = hexToBytes(text)
    if (!bytes) throw this.error(`${field} must be hexadecimal with an even number of digits`)
    return bytes
  }

  rest(): Token[] {
    const rest = this.tokens.slice(this.index)
    this.index = this.tokens.length
    return rest
  }

  end(): void {
    if (this.index < this.tokens.length) throw this.error(`unexpected "${this.tokens[this.index]!.text}" after the last field`)
  }
}

/** The value in canonical presentation format. */
export function formatRdata(rdata: Rdata): string {
  switch (rdata.type) {
    case 'A':
      return formatIPv4(rdata.address)
    case 'AAAA':
      return formatIPv6(rdata.address)
    case 'CAA':
      return `${rdata.flags} ${rdata.tag} ${quoteBytes(rdata.value)}`
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return formatName(rdata.target)
    case 'DS':
      return `${rdata.keyTag} ${rdata.algorithm} ${rdata.digestType} ${bytesToHex(rdata.digest)}`
    case 'MX':
      return `${rdata.preference} ${formatName(rdata.exchange)}`
    case 'NAPTR':
      return `${rdata.order} ${rdata.preference} ${quoteBytes(rdata.flags)} ${quoteBytes(rdata.services)} ${quoteBytes(rdata.regexp)} ${formatName(rdata.replacement)}`
    case 'SOA':
      return `${formatName(rdata.mname)} ${formatName(rdata.rname)} ${rdata.serial} ${rdata.refresh} ${rdata.retry} ${rdata.expire} ${rdata.minimum}`
    case 'SRV':
      return `${rdata.priority} ${rdata.weight} ${rdata.port} ${formatName(rdata.target)}`
    case 'SSHFP':
      return `${rdata.algorithm} ${rdata.fingerprintType} ${bytesToHex(rdata.fingerprint)}`
    case 'TLSA':
      return `${rdata.usage} ${rdata.selector} ${rdata.matchingType} ${bytesToHex(rdata.data)}`
    case 'SVCB':
    case 'HTTPS':
      return [String(rdata.priority), formatName(rdata.target), ...formatSvcParams(rdata.params)].join(' ')
    case 'TXT':
    case 'SPF':
      return rdata.strings.map(quoteBytes).join(' ')
  }
}

/** Names whose addresses belong in the additional section (RFC 1035 §3.3: NS, MX; RFC 2782: SRV). */
export function rdataNames(rdata: Rdata): { name: Labels }[] {
  if (rdata.type === 'NS') return [{ name: rdata.target }]
  if (rdata.type === 'MX') return [{ name: rdata.exchange }]
  if (rdata.type === 'SRV') return [{ name: rdata.target }]
  return []
}

export function cnameTarget(rdata: Rdata): Labels | undefined {
  return rdata.type === 'CNAME' ? rdata.target : undefined
}
