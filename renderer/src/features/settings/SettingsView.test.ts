import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { useConnectionStore } from '../../stores/connection'
import { useSettingsStore } from '../../stores/settings'
import { createFakeLabClient } from '../../testing/fake-lab-client'
import SettingsView from './SettingsView.vue'

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})

describe('SettingsView', () => {
  it('switches the theme on <html> and remembers it', async () => {
    useConnectionStore().useClient(createFakeLabClient({
      'system.info': () => ({ version: '0.1.0', platform: 'linux', nodeVersion: 'v20.19.0', isRoot: false, mode: 'web' })
    }))
    const wrapper = mount(SettingsView)
    await flushPromises()
    expect(wrapper.get('[data-testid="system-info"]').text()).toContain('v20.19.0')

    await wrapper.get('[data-testid="theme-dark"]').setValue(true)
    expect(document.documentElement.dataset['theme']).toBe('dark')
    expect(localStorage.getItem('netloom.theme')).toBe('dark')

    await wrapper.get('[data-testid="theme-light"]').setValue(true)
    expect(document.documentElement.dataset['theme']).toBe('light')
  })

  it('starts from the stored theme', () => {
    localStorage.setItem('netloom.theme', 'dark')
    useSettingsStore()
    expect(document.documentElement.dataset['theme']).toBe('dark')
  })
})
