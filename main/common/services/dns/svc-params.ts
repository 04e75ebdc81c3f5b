import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip-address'
import type { Token } from './presentation'

/** One SvcParam of an SVCB/HTTPS record: its key number and wire value (RFC 9460 §2.2). */
export interface SvcParam {
  key: number
  value: Uint8Array
}

const keyNames = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint'] as const
const decoder = new TextDecoder()
const encoder = new TextEncoder()

function keyNumber(name: string): number {
  const known = (keyNames as readonly string[]).indexOf(name)
  if (known >= 0) return known
  const generic = /^key([0-9]{1,5})$/.exec(name)
  if (generic && Number(generic[1]) <= 65535) return Number(generic[1])
  throw new Error(`unknown SvcParam key "${name}"`)
}

function keyName(key: number): string {
  return keyNames[key] ?? `key${key}`
}

/** Parses `alpn=h2,h3 port=8443 …` into params sorted by key, as the wire requires (RFC 9460 §2.2). */
export function parseSvcParams(tokens: Token[]): SvcParam[] {
  const params: SvcParam[] = []
  for (const token of tokens) {
    const text = decoder.decode(token.bytes)
    const eq = text.indexOf('=')
    const name = eq < 0 ? text : text.slice(0, eq)
    const value = eq < 0 ? undefined : text.slice(eq + 1)
    const key = keyNumber(name)
    if (params.some((param) => param.key === key)) throw new Error(`SvcParam "${name}" appears twice`)
    params.push({ key, value: encodeValue(key, name, value) })
  }
  params.sort((a, b) => a.key - b.key)
  const mandatory = params.find((param) => param.key === 0)
  if (mandatory) {
    for (let i = 0; i < mandatory.value.length; i += 2) {
      const key = (mandatory.value[i]! << 8) | mandatory.value[i + 1]!
      if (key === 0) throw new Error('"mandatory" may not list itself')
      if (!params.some((param) => param.key === key)) throw new Error(`"mandatory" lists ${keyName(key)}, which is not present`)
    }
  }
  return params
}

function encodeValue(key: number, name: string, value: string | undefined): Uint8Array {
  const list = () => {
    if (!value) throw new Error(`"${name}" needs a value`)
    return value.split(',')
  }
  switch (key) {
    case 0: {
      const keys = list().map(keyNumber).sort((a, b) => a - b)
      if (new Set(keys).size !== keys.length) throw new Error('"mandatory" lists a key twice')
      return u16s(keys)
    }
    case 1: {
      const ids = list().map((id) => encoder.encode(id))
      if (ids.some((id) => id.length === 0 || id.length > 255)) throw new Error('each alpn id must be 1–255 bytes')
      return concat(ids.map((id) => Uint8Array.of(id.length, ...id)))
    }
    case 2:
      if (value !== undefined && value !== '') throw new Error('"no-default-alpn" takes no value')
      return new Uint8Array(0)
    case 3: {
      const port = value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : NaN
      if (!(port >= 0 && port <= 65535)) throw new Error(`port must be 0–65535, got "${value ?? ''}"`)
      return u16s([port])
    }
    case 4:
      return concat(list().map((address) => parseIPv4(address) ?? fail(`"${address}" is not an IPv4 address`)))
    case 5: {
      if (!value) throw new Error('"ech" needs a base64 value')
      try {
        return Uint8Array.from(atob(value), (char) => char.charCodeAt(0))
      } catch {
        throw new Error('"ech" must be base64')
      }
    }
    case 6:
      return concat(list().map((address) => parseIPv6(address) ?? fail(`"${address}" is not an IPv6 address`)))
    default:
      return encoder.encode(value ?? '')
  }
}

/** Presentation form of each param, e.g. `alpn="h2,h3"`. */
export function formatSvcParams(params: readonly SvcParam[]): string[] {
  return params.map(({ key, value }) => {
    const name = keyName(key)
    switch (key) {
      case 0:
        return `${name}=${readU16s(value).map(keyName).join(',')}`
      case 1: {
        const ids: string[] = []
        for (let i = 0; i < value.length; i += 1 + value[i]!) ids.push(decoder.decode(value.subarray(i + 1, i + 1 + value[i]!)))
        return `${name}="${ids.join(',')}"`
      }
      case 2:
        return name
      case 3:
        return `${name}=${readU16s(value)[0]}`
      case 4:
        return `${name}=${chunks(value, 4).map(formatIPv4).join(',')}`
      case 5:
        return `${name}=${btoa(String.fromCharCode(...value))}`
      case 6:
        return `${name}=${chunks(value, 16).map(formatIPv6).join(',')}`
      default:
        return `${name}="${decoder.decode(value)}"`
    }
  })
}

function u16s(values: number[]): Uint8Array {
  return Uint8Array.from(values.flatMap((value) => [value >> 8, value & 0xff]))
}

function readU16s(bytes: Uint8Array): number[] {
  const out: number[] = []
  for (let i = 0; i + 1 < bytes.length; i += 2) out.push((bytes[i]! << 8) | bytes[i + 1]!)
  return out
}

function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i + size <= bytes.length; i += size) out.push(bytes.subarray(i, i + size))
  return out
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

function fail(message: string): never {
  throw new Error(message)
}
