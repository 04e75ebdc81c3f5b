import { describe, expectTypeOf, it } from 'vitest'
import type { HttpProbeResult, LabSnapshot, LogEntry, MetricsSample } from '../contract/lab-types'
import type { LabClient } from './lab-client'

declare const client: LabClient

describe('LabClient types follow the contract', () => {
  it('types results by method', () => {
    expectTypeOf(client.call('lab.get', {})).toEqualTypeOf<Promise<LabSnapshot>>()
    expectTypeOf(client.call('http.probe', { serviceId: 'a' })).toEqualTypeOf<Promise<HttpProbeResult>>()
    expectTypeOf(client.call('logs.recent', {})).toEqualTypeOf<Promise<LogEntry[]>>()
  })

  it('types params by method', () => {
    // @ts-expect-error lab.apply needs a source
    void client.call('lab.apply', {})
    // @ts-expect-error the body of a probe is bytes, not a string
    void client.call('http.probe', { serviceId: 'a', body: 'text' })
    // @ts-expect-error no such method
    void client.call('lab.explode', {})
  })

  it('types event payloads by name', () => {
    client.on('metrics.sampled', (sample) => expectTypeOf(sample).toEqualTypeOf<MetricsSample>())
    client.on('logs.appended', (entries) => expectTypeOf(entries).toEqualTypeOf<LogEntry[]>())
    // @ts-expect-error no such event
    client.on('lab.exploded', () => {})
  })
})
