import { describe, expect, it } from 'vitest'
import { formatName, isSubdomain, nameKey, parseName, wireLength } from './dns-name'

const origin = parseName('example.test.')

describe('domain names', () => {
  it('parses absolute, relative and @ names', () => {
    expect(formatName(parseName('www.example.test.'))).toBe('www.example.test.')
    expect(formatName(parseName('www', origin))).toBe('www.example.test.')
    expect(formatName(parseName('@', origin))).toBe('example.test.')
    expect(formatName(parseName('.'))).toBe('.')
  })

  it('handles escapes both ways', () => {
    const name = parseName('a\\.b.c\\032d\\\\.test.')
    expect(name.map((label) => label.length)).toEqual([3, 4, 4])
    expect(formatName(name)).toBe('a\\.b.c\\032d\\\\.test.')
  })

  it('refuses empty labels, long labels and long names', () => {
    expect(() => parseName('a..b.')).toThrow(/empty label/)
    expect(() => parseName(`${'a'.repeat(64)}.test.`)).toThrow(/63 bytes/)
    expect(() => parseName(`${Array(130).fill('ab').join('.')}.`)).toThrow(/255 bytes/)
    expect(() => parseName('a b.')).toThrow(/whitespace/)
  })

  it('compares case-insensitively', () => {
    expect(nameKey(parseName('WwW.ExAmPlE.tEsT.'))).toBe('www.example.test.')
    expect(isSubdomain(parseName('A.B.Example.Test.'), origin)).toBe(true)
    expect(isSubdomain(origin, origin)).toBe(true)
    expect(isSubdomain(parseName('example.org.'), origin)).toBe(false)
    expect(wireLength(origin)).toBe(14)
  })
})
