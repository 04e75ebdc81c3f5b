import type { DnsRecordConfig } from './dns-config'
import { formatName, NameError, parseName, type Labels } from './dns-name'
import { formatRdata, parseRdata, RdataError } from './rdata'
import { recordTypes, type RecordType } from './record-types'

/** A problem in a zone file, at a 1-based line. */
export interface ZoneFileProblem {
  line: number
  message: string
  severity: 'error' | 'warning'
}

export interface ParsedZoneFile {
  origin: string
  records: DnsRecordConfig[]
  problems: ZoneFileProblem[]
}

const ttlUnits: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }
const classes = new Set(['IN', 'CH', 'HS', 'CS'])

/**
 * Reads a BIND master file (RFC 1035 §5) the way Route 53's import does: `$ORIGIN`, `$TTL`, relative
 * names, `@`, omitted owners, TTLs and classes, parentheses across lines, comments; `$INCLUDE` and
 * `$GENERATE` are refused, and the apex SOA and NS are left out (Route 53 keeps its own). Records of
 * one name and type become one record set. Never throws: every problem comes back with its line.
 */
export function parseZoneFile(text: string, defaultOrigin?: string): ParsedZoneFile {
  const problems: ZoneFileProblem[] = []
  const sets = new Map<string, DnsRecordConfig>()
  let origin: Labels | undefined
  try {
    origin = defaultOrigin ? parseName(defaultOrigin.endsWith('.') ? defaultOrigin : `${defaultOrigin}.`) : undefined
  } catch (error) {
    problems.push({ line: 0, message: `origin: ${(error as Error).message}`, severity: 'error' })
  }
  let defaultTtl: number | undefined
  let lastOwner: Labels | undefined
  let lastTtl: number | undefined

  for (const { line, text: entry, startsWithSpace } of logicalLines(text, problems)) {
    const fields = splitFields(entry)
    if (fields.length === 0) continue
    const fail = (message: string, severity: 'error' | 'warning' = 'error') => problems.push({ line, message, severity })
    const first = fields[0]!
    if (first.startsWith('$')) {
      const directive = first.toUpperCase()
      if (directive === '$ORIGIN') {
        try {
          origin = parseName(fields[1] ?? '', origin)
          if (fields[1] && !fields[1].endsWith('.')) fail('$ORIGIN should be absolute (end with ".")', 'warning')
        } catch (error) {
          fail(`$ORIGIN: ${(error as Error).message}`)
        }
      } else if (directive === '$TTL') {
        const ttl = parseTtl(fields[1] ?? '')
        if (ttl === undefined) fail(`$TTL: "${fields[1] ?? ''}" is not a TTL`)
        else defaultTtl = ttl
      } else fail(`${first} is not supported (Route 53's import refuses $INCLUDE and $GENERATE)`)
      continue
    }
    if (!origin) {
      fail('no $ORIGIN yet: start the file with $ORIGIN example.com. or give the zone name')
      continue
    }
    let index = 0
    let owner: Labels
    if (startsWithSpace) {
      if (!lastOwner) {
        fail('a record without an owner name, and no previous record to take it from')
        continue
      }
      owner = lastOwner
    } else {
      try {
        owner = parseName(fields[index++]!, origin)
      } catch (error) {
        fail(`owner name: ${(error as Error).message}`)
        continue
      }
    }
    let ttl: number | undefined
    let type: string | undefined
    for (; index < fields.length && !type; index++) {
      const field = fields[index]!
      const upper = field.toUpperCase()
      if (ttl === undefined && parseTtl(field) !== undefined) ttl = parseTtl(field)
      else if (classes.has(upper)) {
        if (upper !== 'IN') fail(`class ${upper}: only IN is served`)
      } else type = upper
    }
    if (!type) {
      fail('a record needs a type (A, MX, TXT, …)')
      continue
    }
    if (!(recordTypes as readonly string[]).includes(type)) {
      fail(`${type} records are not supported by Route 53 (${recordTypes.join(' ')})`)
      continue
    }
    const recordTtl = ttl ?? defaultTtl ?? lastTtl
    if (recordTtl === undefined) {
      fail('no TTL: give one on the record or a $TTL line before it')
      continue
    }
    lastOwner = owner
    lastTtl = recordTtl
    const rdataText = fields.slice(index).join(' ')
    const name = formatName(owner)
    const apex = formatName(origin)
    if (name === apex && (type === 'SOA' || type === 'NS')) {
      fail(`the apex ${type} record is left out: Route 53 keeps its own`, 'warning')
      continue
    }
    let value: string
    try {
      value = formatRdata(parseRdata(type as RecordType, rdataText, origin))
    } catch (error) {
      if (error instanceof RdataError || error instanceof NameError) fail(error.message)
      else throw error
      continue
    }
    const key = `${name} ${type}`
    const set = sets.get(key)
    if (!set) sets.set(key, { name, type: type as RecordType, ttl: recordTtl, values: [value] })
    else {
      if (set.ttl !== recordTtl) fail(`TTL ${recordTtl} differs from the ${set.ttl} of ${key} earlier; a record set has one TTL (RFC 2181 §5.2)`, 'warning')
      set.values!.push(value)
    }
  }
  return { origin: origin ? formatName(origin) : '', records: [...sets.values()], problems }
}

/** A TTL as a number of seconds or with BIND units: `3600`, `1h`, `1h30m`, `2d`. */
function parseTtl(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) return Number(text) <= 2147483647 ? Number(text) : undefined
  if (!/^([0-9]+[smhdw])+$/i.test(text)) return undefined
  let total = 0
  for (const [, count, unit] of text.toLowerCase().matchAll(/([0-9]+)([smhdw])/g)) total += Number(count) * ttlUnits[unit!]!
  return total <= 2147483647 ? total : undefined
}

/** Joins parenthesised lines, drops comments, and remembers where each logical line started. */
function* logicalLines(text: string, problems: ZoneFileProblem[]): Generator<{ line: number; text: string; startsWithSpace: boolean }> {
  const lines = text.split(/\r?\n/)
  let buffer = ''
  let start = 0
  let depth = 0
  let startsWithSpace = false
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    if (depth === 0) {
      start = i + 1
      startsWithSpace = /^[ \t]/.test(raw)
    }
    let inQuotes = false
    let out = ''
    for (let j = 0; j < raw.length; j++) {
      const char = raw[j]!
      if (char === '\\' && j + 1 < raw.length) {
        out += char + raw[++j]
        continue
      }
      if (char === '"') inQuotes = !inQuotes
      if (!inQuotes && char === ';') break
      if (!inQuotes && char === '(') {
        depth++
        out += ' '
        continue
      }
      if (!inQuotes && char === ')') {
        if (depth === 0) problems.push({ line: i + 1, message: 'a ")" without its "("', severity: 'error' })
        depth = Math.max(0, depth - 1)
        out += ' '
        continue
      }
      out += char
    }
    buffer += ` ${out}`
    if (depth === 0) {
      if (buffer.trim()) yield { line: start, text: buffer.trim(), startsWithSpace }
      buffer = ''
    }
  }
  if (depth > 0) problems.push({ line: start, message: 'a "(" that is never closed', severity: 'error' })
}

/** Splits on whitespace outside double quotes, keeping the quotes (the RDATA parser reads them). */
function splitFields(text: string): string[] {
  const fields: string[] = []
  let current = ''
  let inQuotes = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (char === '\\' && i + 1 < text.length) {
      current += char + text[++i]
      continue
    }
    if (char === '"') inQuotes = !inQuotes
    if (!inQuotes && /\s/.test(char)) {
      if (current) fields.push(current)
      current = ''
      continue
    }
    current += char
  }
  if (current) fields.push(current)
  return fields
}
