import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { useConnectionStore } from '../../stores/connection'
import { createFakeLabClient } from '../../testing/fake-lab-client'
import { formatBody, parseHeaderLines } from './probe-format'
import ProbeForm from './ProbeForm.vue'

beforeEach(() => setActivePinia(createPinia()))

describe('ProbeForm', () => {
  it('sends the typed request through http.probe and shows status and body', async () => {
    const client = createFakeLabClient({
      'http.probe': () => ({
        status: 200,
        statusText: 'OK',
        headers: [['content-type', 'application/json']],
        body: new TextEncoder().encode('{"status":"ok"}'),
        durationMs: 3.2,
        url: 'http://127.0.0.1:18080/health'
      })
    })
    useConnectionStore().useClient(client)
    const wrapper = mount(ProbeForm, { props: { serviceId: 'origin-web' } })
    await wrapper.get('[data-testid="probe-path"]').setValue('/health')
    await wrapper.get('[data-testid="probe-headers"]').setValue('X-Test: yes')
    await wrapper.get('[data-testid="probe-send"]').trigger('submit')
    await flushPromises()

    expect(client.calls).toEqual([
      { method: 'http.probe', params: { serviceId: 'origin-web', method: 'GET', path: '/health', headers: { 'x-test': 'yes' } } }
    ])
    expect(wrapper.get('[data-testid="probe-status"]').text()).toBe('200 OK')
    expect(wrapper.get('[data-testid="probe-body"]').text()).toBe('{\n  "status": "ok"\n}')
  })

  it('shows a failed call instead of a result', async () => {
    const client = createFakeLabClient({
      'http.probe': () => {
        throw new Error('connect ECONNREFUSED')
      }
    })
    useConnectionStore().useClient(client)
    const wrapper = mount(ProbeForm, { props: { serviceId: 'origin-web' } })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="probe-error"]').text()).toContain('ECONNREFUSED')
    expect(wrapper.find('[data-testid="probe-status"]').exists()).toBe(false)
  })
})

describe('probe formatting', () => {
  it('parses header lines and rejects malformed ones', () => {
    expect(parseHeaderLines('A: 1\n\nB:two:2')).toEqual({ headers: { a: '1', b: 'two:2' } })
    expect(parseHeaderLines('nonsense')).toEqual({ error: 'header line 1 is not "Name: value"' })
  })

  it('decodes UTF-8 and leaves non-JSON text alone', () => {
    expect(formatBody(new TextEncoder().encode('Hello ✓\n'), [['content-type', 'text/plain']])).toBe('Hello ✓\n')
    expect(formatBody(new TextEncoder().encode('{broken'), [['content-type', 'application/json']])).toBe('{broken')
  })
})
