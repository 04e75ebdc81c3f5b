import { describe, expect, it } from 'vitest'
import { loadLab } from '../../topology/load-lab'
import { addDnsRecord, removeDnsRecord, replaceDnsRecord } from './dns-lab-edit'

const source = `apiVersion: netloom/v1
kind: Lab
metadata: { name: t }
services:
  - id: dns
    kind: dns
    listen: { port: 0 }
    config:
      zones:
        - name: shop.test
          records:
            # the web server
            - { name: www, type: A, values: [192.0.2.1] }
`

describe('editing DNS records in the lab file', () => {
  it('adds a record set as one line and keeps comments', () => {
    const next = addDnsRecord(source, 'dns', 'shop.test.', { name: 'api', type: 'A', ttl: 60, values: ['192.0.2.7'] })
    expect(next).toContain('# the web server')
    expect(next).toContain('- { name: api, type: A, ttl: 60, values: [ 192.0.2.7 ] }')
    expect(loadLab(next).problems).toEqual([])
  })

  it('removes a record set by its index', () => {
    const next = removeDnsRecord(source, 'dns', 'shop.test', 0)
    expect(next).not.toContain('192.0.2.1')
    expect(loadLab(next).problems).toEqual([])
  })

  it('replaces a record set in place', () => {
    const next = replaceDnsRecord(source, 'dns', 'shop.test', 0, { name: 'www', type: 'A', values: ['192.0.2.9'] })
    expect(next).toContain('# the web server\n            - { name: www, type: A, values: [ 192.0.2.9 ] }')
  })

  it('says what is missing', () => {
    expect(() => addDnsRecord(source, 'nope', 'shop.test', { name: 'a', type: 'A', values: ['192.0.2.1'] })).toThrow('no service "nope"')
    expect(() => addDnsRecord(source, 'dns', 'other.test', { name: 'a', type: 'A', values: ['192.0.2.1'] })).toThrow('no zone "other.test"')
    expect(() => removeDnsRecord(source, 'dns', 'shop.test', 5)).toThrow('has no record 5')
    expect(() => addDnsRecord('services: [', 'dns', 'shop.test', { name: 'a', type: 'A', values: ['x'] })).toThrow(/does not parse/)
  })
})
