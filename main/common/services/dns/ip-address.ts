/** IPv4 and IPv6 text ↔ bytes, without Node's `net` (this runs in the renderer too). */

export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const bytes = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined
    bytes[i] = Number(part)
  }
  return bytes
}

export function parseIPv6(text: string): Uint8Array | undefined {
  let input = text
  const tail: number[] = []
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(input)
  if (v4) {
    const bytes = parseIPv4(v4[1]!)
    if (!bytes) return undefined
    tail.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!)
    input = `${input.slice(0, -v4[1]!.length)}${input.endsWith('::' + v4[1]) ? '' : '0'}`
    if (input.endsWith(':0')) input = input.slice(0, -2)
  }
  const halves = input.split('::')
  if (halves.length > 2) return undefined
  const group = (part: string) => (part === '' ? [] : part.split(':'))
  const head = group(halves[0]!)
  const rest = halves.length === 2 ? group(halves[1]!) : []
  const want = 8 - tail.length
  if (halves.length === 1 && head.length !== want) return undefined
  if (halves.length === 2 && head.length + rest.length >= want) return undefined
  const groups = halves.length === 2 ? [...head, ...Array<string>(want - head.length - rest.length).fill('0'), ...rest] : head
  const words: number[] = []
  for (const part of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined
    words.push(parseInt(part, 16))
  }
  words.push(...tail)
  const bytes = new Uint8Array(16)
  words.forEach((word, i) => {
    bytes[i * 2] = word >> 8
    bytes[i * 2 + 1] = word & 0xff
  })
  return bytes
}

/** RFC 5952 text: lowercase, leading zeros dropped, the longest run of two or more zero groups as `::`. */
export function formatIPv6(bytes: Uint8Array): string {
  const words = Array.from({ length: 8 }, (_, i) => (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!)
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLength) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const hex = words.map((word) => word.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}

export function formatIPv4(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4)).join('.')
}
