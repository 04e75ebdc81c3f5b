import { describe, expect, it } from 'vitest'
import { formatIPv6, parseIPv4, parseIPv6 } from './ip-address'

describe('IP addresses', () => {
  it('parses IPv4 strictly', () => {
    expect([...parseIPv4('192.0.2.1')!]).toEqual([192, 0, 2, 1])
    for (const bad of ['256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d']) expect(parseIPv4(bad), bad).toBeUndefined()
  })

  it('parses IPv6 in every form and formats it as RFC 5952 says', () => {
    expect(formatIPv6(parseIPv6('2001:DB8:0:0:0:0:0:1')!)).toBe('2001:db8::1')
    expect(formatIPv6(parseIPv6('::')!)).toBe('::')
    expect(formatIPv6(parseIPv6('::1')!)).toBe('::1')
    expect(formatIPv6(parseIPv6('2001:db8:0:1:0:0:0:1')!)).toBe('2001:db8:0:1::1')
    expect(formatIPv6(parseIPv6('2001:0:0:1:0:0:0:1')!)).toBe('2001:0:0:1::1')
    expect(formatIPv6(parseIPv6('::ffff:192.0.2.1')!)).toBe('::ffff:c000:201')
    expect(formatIPv6(parseIPv6('1:2:3:4:5:6:7:8')!)).toBe('1:2:3:4:5:6:7:8')
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1', ':::'])
      expect(parseIPv6(bad), bad).toBeUndefined()
  })
})
