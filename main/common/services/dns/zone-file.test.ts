import { describe, expect, it } from 'vitest'
import { dnsZoneSchema } from './dns-config'
import { exportZoneFile } from './zone-file'

describe('zone file export', () => {
  it('writes absolute names, the SOA first, and Route 53\'s defaults when missing', () => {
    const zone = dnsZoneSchema.parse({
      name: 'shop.test',
      records: [
        { name: 'www', type: 'CNAME', values: ['web'] },
        { name: '@', type: 'TXT', ttl: 60, values: ['"a" "b"'] }
      ]
    })
    expect(exportZoneFile(zone).split('\n')).toEqual([
      '$ORIGIN shop.test.',
      'shop.test. 900 IN SOA ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400',
      'shop.test. 172800 IN NS ns-1536.awsdns-00.co.uk.',
      'shop.test. 172800 IN NS ns-0.awsdns-00.com.',
      'shop.test. 172800 IN NS ns-1024.awsdns-00.org.',
      'shop.test. 172800 IN NS ns-512.awsdns-00.net.',
      'www.shop.test. 300 IN CNAME web.shop.test.',
      'shop.test. 60 IN TXT "a" "b"',
      ''
    ])
  })
})
