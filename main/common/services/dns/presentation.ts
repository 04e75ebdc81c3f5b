/** One token of a presentation-format value: its raw text, and its bytes with escapes resolved. */
export interface Token {
  text: string
  bytes: Uint8Array
  quoted: boolean
}

const encoder = new TextEncoder()

/**
 * Splits an RDATA value the way zone files do (RFC 1035 §5.1): whitespace separates tokens, double
 * quotes group them, `\X` escapes a character and `\DDD` a byte.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++
      continue
    }
    const quoted = text[i] === '"'
    if (quoted) i++
    const start = i
    const bytes: number[] = []
    let inQuotes = quoted
    while (i < text.length) {
      const char = text[i]!
      if (inQuotes && char === '"') {
        inQuotes = false
        i++
        if (quoted) break
        continue
      }
      if (!inQuotes && /\s/.test(char)) break
      if (!inQuotes && char === '"') {
        // `key="a value"` (RFC 9460 SvcParams): the quotes group the part after "=".
        if (text[i - 1] !== '=') throw new Error('a quote in the middle of a value')
        inQuotes = true
        i++
        continue
      }
      if (char === '\\') {
        const digits = text.slice(i + 1, i + 4)
        if (/^[0-9]{3}$/.test(digits)) {
          if (Number(digits) > 255) throw new Error(`escape \\${digits} is not a byte`)
          bytes.push(Number(digits))
          i += 4
          continue
        }
        if (i + 1 >= text.length) throw new Error('a value ends with a lone backslash')
        bytes.push(...encoder.encode(text[i + 1]!))
        i += 2
        continue
      }
      bytes.push(...encoder.encode(char))
      i++
    }
    if (inQuotes) throw new Error('a quoted string is not closed')
    tokens.push({ text: text.slice(start, quoted ? i - 1 : i), bytes: Uint8Array.from(bytes), quoted })
  }
  return tokens
}

/** A character-string in presentation form: quoted, with `"`, `\` and non-printable bytes escaped. */
export function quoteBytes(bytes: Uint8Array): string {
  let out = '"'
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`
    else if (byte < 0x20 || byte > 0x7e) out += `\\${String(byte).padStart(3, '0')}`
    else out += String.fromCharCode(byte)
  }
  return `${out}"`
}

export function hexToBytes(hex: string): Uint8Array | undefined {
  const clean = hex.replace(/\s+/g, '')
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(clean)) return undefined
  return Uint8Array.from(clean.match(/../g)!.map((pair) => parseInt(pair, 16)))
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('').toUpperCase()
}
