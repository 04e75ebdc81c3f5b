/**
 * Domain names as DNS carries them: a list of labels, each 1–63 bytes, at most 255 bytes on the wire.
 * Presentation format follows RFC 1035 §5.1: `\.` and `\\` escape a character, `\DDD` a byte; `@` is
 * the origin; a name without a trailing dot is relative to the origin.
 */
export type Labels = readonly Uint8Array[]

export class NameError extends Error {
  override name = 'NameError'
}

const encoder = new TextEncoder()

/** Parses a presentation-format name; relative names are completed with `origin` (itself absolute). */
export function parseName(text: string, origin: Labels = []): Labels {
  const input = text.trim()
  if (input === '@') return origin
  if (input === '.') return []
  if (input === '') throw new NameError('empty name')
  const labels: Uint8Array[] = []
  let current: number[] = []
  let absolute = false
  for (let i = 0; i < input.length; i++) {
    const char = input[i]!
    if (char === '\\') {
      const digits = input.slice(i + 1, i + 4)
      if (/^[0-9]{3}$/.test(digits)) {
        const byte = Number(digits)
        if (byte > 255) throw new NameError(`escape \\${digits} is not a byte`)
        current.push(byte)
        i += 3
      } else {
        const next = input[i + 1]
        if (next === undefined) throw new NameError('name ends with a lone backslash')
        current.push(...encoder.encode(next))
        i += 1
      }
    } else if (char === '.') {
      if (current.length === 0) throw new NameError(`empty label in "${text}"`)
      labels.push(checkLabel(current, text))
      current = []
      if (i === input.length - 1) absolute = true
    } else if (/\s/.test(char)) {
      throw new NameError(`whitespace in name "${text}"`)
    } else {
      current.push(...encoder.encode(char))
    }
  }
  if (current.length > 0) labels.push(checkLabel(current, text))
  const full = absolute ? labels : [...labels, ...origin]
  if (wireLength(full) > 255) throw new NameError(`name "${text}" is longer than 255 bytes`)
  return full
}

function checkLabel(bytes: number[], text: string): Uint8Array {
  if (bytes.length > 63) throw new NameError(`label longer than 63 bytes in "${text}"`)
  return Uint8Array.from(bytes)
}

/** Bytes the name takes on the wire, uncompressed. */
export function wireLength(labels: Labels): number {
  return labels.reduce((sum, label) => sum + 1 + label.length, 1)
}

/** Presentation format with a trailing dot; bytes outside a-z 0-9 - _ * are escaped as Route 53 does. */
export function formatName(labels: Labels): string {
  if (labels.length === 0) return '.'
  return labels.map(formatLabel).join('.') + '.'
}

function formatLabel(label: Uint8Array): string {
  let out = ''
  for (const byte of label) {
    // a-z A-Z 0-9 - _ * as they are; "." and "\\" escaped; anything else as \DDD (Route 53's style).
    const plain =
      (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39) || byte === 0x2d || byte === 0x5f || byte === 0x2a
    if (plain) out += String.fromCharCode(byte)
    else if (byte === 0x2e || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`
    else out += `\\${String(byte).padStart(3, '0')}`
  }
  return out
}

/** The case-insensitive key of a name (ASCII letters folded, RFC 4343), for maps and comparisons. */
export function nameKey(labels: Labels): string {
  return formatName(labels).toLowerCase()
}

/** Whether `name` is `ancestor` or below it. */
export function isSubdomain(name: Labels, ancestor: Labels): boolean {
  if (ancestor.length > name.length) return false
  const offset = name.length - ancestor.length
  return ancestor.every((label, i) => labelEquals(label, name[offset + i]!))
}

export function labelEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (foldByte(a[i]!) !== foldByte(b[i]!)) return false
  return true
}

function foldByte(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte + 32 : byte
}

/** The name with its ASCII letters lowercased (Route 53 stores names in lowercase). */
export function lowercaseName(labels: Labels): Labels {
  return labels.map((label) => label.map(foldByte))
}
