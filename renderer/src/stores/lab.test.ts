import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { createFakeLabClient } from '../testing/fake-lab-client'
import { sampleLab } from '../testing/sample-lab'
import { useConnectionStore } from './connection'
import { useLabStore } from './lab'
import { logCap, useLogsStore } from './logs'
import { useMetricsStore } from './metrics'

beforeEach(() => setActivePinia(createPinia()))

describe('lab store', () => {
  it('reads the lab, then follows lab.changed and services.stateChanged', async () => {
    const client = createFakeLabClient({ 'lab.get': () => sampleLab() })
    const lab = useLabStore()
    const subscription = await lab.attach(client)
    expect(lab.services.map((s) => s.id)).toEqual(['site', 'api-stable', 'api-flaky'])

    client.emit('services.stateChanged', { id: 'api-flaky', state: 'running', endpoints: [] })
    const flaky = lab.services.find((s) => s.id === 'api-flaky')!
    expect(flaky.state).toBe('running')
    expect(flaky.error).toBeUndefined()
    expect(flaky.dependsOn).toEqual(['site'])

    client.emit('lab.changed', sampleLab({ state: 'stopped', services: [] }))
    expect(lab.snapshot?.state).toBe('stopped')
    expect(lab.services).toEqual([])

    subscription.dispose()
    client.emit('lab.changed', sampleLab())
    expect(lab.snapshot?.state).toBe('stopped')
  })

  it('applies through the client and keeps the returned lab', async () => {
    const applied = sampleLab({ name: 'Applied' })
    const client = createFakeLabClient({
      'lab.apply': () => ({ ok: true, problems: [], results: [], lab: applied })
    })
    useConnectionStore().useClient(client)
    const lab = useLabStore()
    const report = await lab.apply('source: here', '/tmp/x.yaml')
    expect(report.ok).toBe(true)
    expect(lab.snapshot?.name).toBe('Applied')
    expect(client.calls).toEqual([{ method: 'lab.apply', params: { source: 'source: here', file: '/tmp/x.yaml' } }])
  })

  it('fails calls clearly when the connection is gone', async () => {
    const client = createFakeLabClient()
    const connection = useConnectionStore()
    connection.useClient(client)
    client.close('engine exited')
    expect(connection.state).toBe('closed')
    expect(connection.error).toBe('engine exited')
    await expect(useLabStore().stop()).rejects.toThrow('Not connected')
  })
})

describe('logs store', () => {
  it('merges the recent read with pushed batches by seq and stays capped', async () => {
    const entry = (seq: number) => ({ seq, at: seq, level: 'info' as const, source: 'lab', message: `m${seq}` })
    const client = createFakeLabClient({ 'logs.recent': () => [entry(1), entry(2)] })
    const logs = useLogsStore()
    await logs.attach(client)
    client.emit('logs.appended', [entry(2), entry(3)])
    expect(logs.entries.map((e) => e.seq)).toEqual([1, 2, 3])
    logs.append(Array.from({ length: logCap + 10 }, (_, i) => entry(10 + i)))
    expect(logs.entries).toHaveLength(logCap)
    expect(logs.entries.at(-1)?.seq).toBe(logCap + 19)
  })
})

describe('metrics store', () => {
  it('keeps a request-rate history per service', () => {
    const metrics = useMetricsStore()
    const sample = (at: number, value: number) => ({
      at,
      series: [{ name: 'lab_origin_requests_total', type: 'counter' as const, help: '', labels: { service: 'web', code: '200' }, value }]
    })
    metrics.record(sample(1000, 10))
    metrics.record(sample(2000, 30))
    metrics.record(sample(3000, 30))
    expect(metrics.rateHistory['web']).toEqual([20, 0])
  })
})
