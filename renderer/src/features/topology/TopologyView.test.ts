import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { useConnectionStore } from '../../stores/connection'
import { useEditorStore } from '../../stores/editor'
import { useLabStore } from '../../stores/lab'
import { createFakeLabClient } from '../../testing/fake-lab-client'
import { sampleLab } from '../../testing/sample-lab'
import { layeredLayout } from './auto-layout'
import TopologyView from './TopologyView.vue'

beforeEach(() => setActivePinia(createPinia()))

async function mountWithLab() {
  const client = createFakeLabClient({ 'lab.get': () => sampleLab() })
  useConnectionStore().useClient(client)
  await useLabStore().attach(client)
  const wrapper = mount(TopologyView, { attachTo: document.body })
  await flushPromises()
  return { client, wrapper }
}

describe('TopologyView', () => {
  it('draws one node per service, with its state', async () => {
    const { client, wrapper } = await mountWithLab()
    const flaky = wrapper.get('[data-testid="topology-node-api-flaky"]')
    expect(flaky.attributes('data-state')).toBe('failed')
    expect(wrapper.get('[data-testid="topology-node-site"]').text()).toContain('127.0.0.1:18080')
    expect(wrapper.findAll('[data-testid^="topology-node-"]')).toHaveLength(3)

    client.emit('services.stateChanged', { id: 'api-flaky', state: 'running', endpoints: [] })
    await flushPromises()
    expect(wrapper.get('[data-testid="topology-node-api-flaky"]').attributes('data-state')).toBe('running')
    wrapper.unmount()
  })

  it('opens the detail panel with the error of a failed service', async () => {
    const { wrapper } = await mountWithLab()
    await wrapper.get('[data-testid="topology-node-api-flaky"]').trigger('click')
    await flushPromises()
    const detail = wrapper.get('[data-testid="service-detail"]')
    expect(detail.get('[data-testid="service-error"]').text()).toContain('LAB_ERR_PORT_IN_USE')
    expect(detail.get('[data-testid="service-config"]').text()).toContain('"echo": true')
    wrapper.unmount()
  })

  it('shows the welcome panel when no lab is loaded', async () => {
    const client = createFakeLabClient()
    useConnectionStore().useClient(client)
    await useLabStore().attach(client)
    const wrapper = mount(TopologyView)
    expect(wrapper.find('[data-testid="welcome"]').exists()).toBe(true)
  })
})

describe('layeredLayout', () => {
  it('puts a service one row below what it depends on', () => {
    const positions = layeredLayout([
      { id: 'a', dependsOn: [] },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', dependsOn: ['b', 'a'] },
      { id: 'd', dependsOn: ['a'] }
    ])
    expect(positions['a']!.y).toBeLessThan(positions['b']!.y)
    expect(positions['b']!.y).toBe(positions['d']!.y)
    expect(positions['c']!.y).toBeGreaterThan(positions['b']!.y)
    expect(positions['b']!.x).not.toBe(positions['d']!.x)
  })

  it('survives a cycle', () => {
    expect(Object.keys(layeredLayout([{ id: 'a', dependsOn: ['b'] }, { id: 'b', dependsOn: ['a'] }]))).toHaveLength(2)
  })
})

describe('editor store', () => {
  it('writes a dragged position into the draft', () => {
    const editor = useEditorStore()
    editor.syncFromLab('apiVersion: netloom/v1\nkind: Lab\n# keep me\nservices: []\n', true)
    editor.moveNode('site', { x: 10.2, y: 20.7 })
    expect(editor.draft).toContain('# keep me')
    expect(editor.draft).toContain('site: { x: 10, y: 21 }')
    expect(editor.dirty).toBe(true)
  })
})
