import { describe, expect, it } from 'vitest'
import { formatQueryLogLine, hostedZoneId } from './query-log'

describe('Route 53 query log', () => {
  it('writes the fields of Route 53\'s public query log, in order', () => {
    const line = formatQueryLogLine({ at: Date.UTC(2017, 11, 13, 8, 16, 2, 130), zone: 'example.com.', qname: 'example.com.', qtype: 'A', rcode: 'NOERROR', transport: 'UDP', resolver: '192.168.1.1' })
    expect(line).toBe(`1.0 2017-12-13T08:16:02.130Z ${hostedZoneId('example.com.')} example.com A NOERROR UDP LAB 192.168.1.1 -`)
    expect(hostedZoneId('example.com.')).toMatch(/^Z[A-Z2-7]{20}$/)
    expect(hostedZoneId('EXAMPLE.com.')).toBe(hostedZoneId('example.com.'))
    expect(formatQueryLogLine({ at: 0, qname: 'x.org.', qtype: 'MX', rcode: 'REFUSED', transport: 'TCP', resolver: '::1', clientSubnet: '198.51.100.0/24' })).toBe(
      '1.0 1970-01-01T00:00:00.000Z - x.org MX REFUSED TCP LAB ::1 198.51.100.0/24'
    )
  })
})
