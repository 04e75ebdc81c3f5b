import { describe, expect, it } from 'vitest'
import type { DnsRecordConfig } from './dns-config'
import { applyChangeBatch, toChangeBatch } from './change-batch'

const records: DnsRecordConfig[] = [
  { name: 'www', type: 'A', ttl: 60, values: ['192.0.2.1'], setIdentifier: 'blue', weight: 70, healthCheck: 'hc-blue' },
  { name: '@', type: 'A', alias: { record: 'www', evaluateTargetHealth: true } },
  { name: '*.wild', type: 'TXT', ttl: 300, values: ['"x"'] },
  { name: 'lb', type: 'A', alias: { service: 'web', evaluateTargetHealth: false } }
]

describe('Route 53 change batches', () => {
  it('writes record sets as Route 53 does, and reads them back', () => {
    const batch = toChangeBatch(records, 'example.test')
    expect(batch.Changes[0]).toEqual({
      Action: 'CREATE',
      ResourceRecordSet: { Name: 'www.example.test.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }], SetIdentifier: 'blue', Weight: 70, HealthCheckId: 'hc-blue' }
    })
    expect(batch.Changes[1]!.ResourceRecordSet).toEqual({ Name: 'example.test.', Type: 'A', AliasTarget: { DNSName: 'www.example.test.', EvaluateTargetHealth: true } })
    expect(batch.Changes[3]!.ResourceRecordSet.AliasTarget).toEqual({ DNSName: 'web.netloom.service.', EvaluateTargetHealth: false })
    const back = applyChangeBatch([], batch, 'example.test')
    expect(toChangeBatch(back, 'example.test')).toEqual(batch)
  })

  it('applies CREATE, UPSERT and DELETE with Route 53\'s rules, all or nothing', () => {
    const created = applyChangeBatch([], toChangeBatch(records, 'example.test'), 'example.test')
    const upsert = { Changes: [{ Action: 'UPSERT' as const, ResourceRecordSet: { Name: 'www.example.test.', Type: 'A', TTL: 30, ResourceRecords: [{ Value: '192.0.2.9' }], SetIdentifier: 'blue', Weight: 10 } }] }
    expect(applyChangeBatch(created, upsert, 'example.test')[0]).toMatchObject({ ttl: 30, values: ['192.0.2.9'] })
    expect(() => applyChangeBatch(created, toChangeBatch([records[2]!], 'example.test'), 'example.test')).toThrow('Changes[0]: CREATE of *.wild.example.test. TXT')
    const wrongDelete = { Changes: [{ Action: 'DELETE' as const, ResourceRecordSet: { Name: '*.wild.example.test.', Type: 'TXT', TTL: 1, ResourceRecords: [{ Value: '"x"' }] } }] }
    expect(() => applyChangeBatch(created, wrongDelete, 'example.test')).toThrow(/exactly as it is/)
    const rightDelete = { Changes: [{ Action: 'DELETE' as const, ResourceRecordSet: { Name: '\\052.wild.example.test.', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"x"' }] } }] }
    expect(applyChangeBatch(created, rightDelete, 'example.test')).toHaveLength(3)
    expect(() => applyChangeBatch([], { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'a.', Type: 'HINFO' } }] } as never, 'example.test')).toThrow(/not a Route 53 record type/)
  })
})
