import { describe, expect, it } from 'vitest'
import { cidrContains, parseCidr } from './cidr'

describe('CIDR ranges', () => {
  it('matches IPv4 prefixes, including mapped addresses', () => {
    const range = parseCidr('10.0.0.0/16')
    expect(cidrContains(range, '10.0.255.1')).toBe(true)
    expect(cidrContains(range, '10.1.0.1')).toBe(false)
    expect(cidrContains(range, '::ffff:10.0.3.4')).toBe(true)
    expect(cidrContains(parseCidr('0.0.0.0/0'), '192.0.2.1')).toBe(true)
    expect(cidrContains(parseCidr('127.0.0.2'), '127.0.0.2')).toBe(true)
    expect(cidrContains(parseCidr('127.0.0.2'), '127.0.0.3')).toBe(false)
  })

  it('matches IPv6 prefixes', () => {
    const range = parseCidr('2001:db8::/32')
    expect(cidrContains(range, '2001:db8:1::1')).toBe(true)
    expect(cidrContains(range, '2001:db9::1')).toBe(false)
    expect(cidrContains(parseCidr('::1/128'), '::1')).toBe(true)
    expect(cidrContains(range, '10.0.0.1')).toBe(false)
  })

  it('refuses bad ranges', () => {
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix/)
    expect(() => parseCidr('nope/8')).toThrow(/not an IP/)
  })
})
