import { isIP } from 'node:net'

/** An address range, as bytes and prefix length, for private-zone and routing checks. */
export interface Cidr {
  family: 4 | 6
  bytes: Uint8Array
  prefix: number
  text: string
}

export function parseCidr(text: string): Cidr {
  const [address = '', prefixText] = text.split('/')
  const family = isIP(address)
  if (family === 0) throw new Error(`"${text}" is not an IP address range`)
  const bytes = addressBytes(address)
  const max = family === 4 ? 32 : 128
  const prefix = prefixText === undefined ? max : Number(prefixText)
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`"${text}": prefix must be 0–${max}`)
  return { family: family as 4 | 6, bytes, prefix, text }
}

export function addressBytes(address: string): Uint8Array {
  if (isIP(address) === 4) return Uint8Array.from(address.split('.').map(Number))
  // Expand :: and an embedded IPv4 tail, then read the eight 16-bit groups.
  let text = address
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number]
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const left = head ? head.split(':') : []
  const right = tail !== undefined && tail !== '' ? tail.split(':') : []
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  const bytes = new Uint8Array(16)
  groups.forEach((group, i) => {
    const value = parseInt(group, 16)
    bytes[i * 2] = value >> 8
    bytes[i * 2 + 1] = value & 0xff
  })
  return bytes
}

/** Whether `address` (an IPv4, IPv6 or IPv4-mapped IPv6 address) falls in the range. */
export function cidrContains(cidr: Cidr, address: string): boolean {
  let text = address
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text)
  if (mapped && cidr.family === 4) text = mapped[1]!
  if (isIP(text) !== cidr.family) return false
  const bytes = addressBytes(text)
  let bits = cidr.prefix
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff
    if ((bytes[i]! & mask) !== (cidr.bytes[i]! & mask)) return false
  }
  return true
}
