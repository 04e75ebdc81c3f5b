import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import type { MetricSeries } from '../../../../main/common/contract/lab-types'
import { useMetricsStore } from '../../stores/metrics'
import EdgeSummary from './EdgeSummary.vue'

beforeEach(() => setActivePinia(createPinia()))

const requests = (result: string, value: number): MetricSeries => ({ name: 'lab_edge_requests_total', type: 'counter', help: '', labels: { service: 'cdn', behavior: 'default', result, code: '200' }, value })

describe('EdgeSummary', () => {
  it('charts the distribution from the metrics store: requests/s and hit ratio', async () => {
    const metrics = useMetricsStore()
    metrics.record({ at: 0, series: [requests('Miss', 1)] })
    const wrapper = mount(EdgeSummary, { props: { serviceId: 'cdn' } })
    expect(wrapper.get('[data-testid="edge-hit-ratio"]').text()).toBe('hits –')
    metrics.record({ at: 1000, series: [requests('Miss', 2), requests('Hit', 3)] })
    await nextTick()
    expect(wrapper.get('[data-testid="edge-rps"]').text()).toBe('4.0 req/s')
    expect(wrapper.get('[data-testid="edge-hit-ratio"]').text()).toBe('hits 75 %')
    expect(wrapper.findAll('svg[role="img"]')).toHaveLength(5)
  })
})
