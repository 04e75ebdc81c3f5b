import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import App from './App.vue'
import { viewForShortcut } from './components/views'
import { useConnectionStore } from './stores/connection'
import { useLabStore } from './stores/lab'
import { createFakeLabClient } from './testing/fake-lab-client'
import { sampleLab } from './testing/sample-lab'

beforeEach(() => setActivePinia(createPinia()))

describe('App shell', () => {
  it('switches views with the navigation and with Ctrl+digit', async () => {
    const wrapper = mount(App, { attachTo: document.body })
    expect(wrapper.get('.shell').attributes('data-view')).toBe('topology')
    await wrapper.get('[data-testid="nav-traffic"]').trigger('click')
    expect(wrapper.get('.shell').attributes('data-view')).toBe('traffic')
    expect(wrapper.get('[data-testid="nav-traffic"]').attributes('aria-current')).toBe('page')

    window.dispatchEvent(new KeyboardEvent('keydown', { key: '3', ctrlKey: true }))
    await flushPromises()
    expect(wrapper.get('.shell').attributes('data-view')).toBe('metrics')
    for (const button of wrapper.findAll('nav button')) expect(button.attributes('aria-label')).toBeTruthy()
    wrapper.unmount()
  })

  it('shows the lab name and state, and the banner when the connection drops', async () => {
    const client = createFakeLabClient({ 'lab.get': () => sampleLab() })
    useConnectionStore().useClient(client)
    await useLabStore().attach(client)
    const wrapper = mount(App)
    expect(wrapper.get('[data-testid="lab-name"]').text()).toBe('Flaky backends')
    expect(wrapper.get('[data-testid="lab-state"]').attributes('data-state')).toBe('running')
    expect(wrapper.find('[data-testid="connection-banner"]').exists()).toBe(false)

    client.close('engine exited')
    await flushPromises()
    expect(wrapper.get('[data-testid="connection-banner"]').text()).toContain('engine exited')
    expect(wrapper.get('[data-testid="connection-state"]').text()).toBe('closed')
    wrapper.unmount()
  })

  it('maps only Ctrl/Cmd+1…6 to views', () => {
    expect(viewForShortcut({ key: '1', ctrlKey: true, metaKey: false, altKey: false })).toBe('topology')
    expect(viewForShortcut({ key: '6', ctrlKey: false, metaKey: true, altKey: false })).toBe('settings')
    expect(viewForShortcut({ key: '7', ctrlKey: true, metaKey: false, altKey: false })).toBeUndefined()
    expect(viewForShortcut({ key: '1', ctrlKey: false, metaKey: false, altKey: false })).toBeUndefined()
  })
})
