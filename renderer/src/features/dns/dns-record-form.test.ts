import { describe, expect, it } from 'vitest'
import { dnsZoneSchema } from '../../../../main/common/services/dns/dns-config'
import { recordFromDraft } from './dns-record-form'

const zone = dnsZoneSchema.parse({ name: 'shop.test', records: [{ name: 'www', type: 'CNAME', values: ['web'] }] })

describe('the add-record form', () => {
  it('builds a record set from the fields', () => {
    expect(recordFromDraft({ name: 'api', type: 'A', ttl: '60', values: '192.0.2.1\n192.0.2.2\n' }, zone)).toEqual({
      record: { name: 'api', type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] }
    })
  })

  it('checks an edited record against the others, not against its old self', () => {
    expect(recordFromDraft({ name: 'www', type: 'A', ttl: '', values: '192.0.2.1' }, zone, 0)).toEqual({ record: { name: 'www', type: 'A', values: ['192.0.2.1'] } })
  })

  it('refuses what Route 53 would, saying why', () => {
    expect(recordFromDraft({ name: 'api', type: 'A', ttl: '', values: '999.1.1.1' }, zone)).toEqual({ error: 'values.0: A: "999.1.1.1" is not an IPv4 address (dotted quad, e.g. 192.0.2.1)' })
    expect(recordFromDraft({ name: 'www', type: 'A', ttl: '', values: '192.0.2.1' }, zone)).toMatchObject({ error: expect.stringContaining('has a CNAME') })
    expect(recordFromDraft({ name: 'x', type: 'A', ttl: 'soon', values: '192.0.2.1' }, zone)).toEqual({ error: 'TTL must be a whole number of seconds' })
    expect(recordFromDraft({ name: 'x', type: 'A', ttl: '', values: '' }, zone)).toMatchObject({ error: expect.stringContaining('values') })
  })
})
