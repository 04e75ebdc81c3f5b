import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { checkSource, hasErrors, markerSeverity, problemsToMarkers } from './lab-problems'
import ProblemList from './ProblemList.vue'

const broken = `apiVersion: netloom/v1
kind: Lab
metadata:
  name: Broken
services:
  - id: web
    kind: origin
    listen: { port: "eighty" }
  - id: web
    kind: teleporter
`

describe('editor problems', () => {
  it('lists the loader problems of a broken source, with their lines', () => {
    const problems = checkSource(broken)
    expect(hasErrors(problems)).toBe(true)
    const wrapper = mount(ProblemList, { props: { problems } })
    const items = wrapper.findAll('[data-testid="editor-problem"]')
    expect(items).toHaveLength(problems.length)
    expect(items.length).toBeGreaterThanOrEqual(2)
    const text = wrapper.get('[data-testid="editor-problems"]').text()
    expect(text).toContain('8:')
    expect(text).toContain('teleporter')
  })

  it('says so when there are none', () => {
    expect(checkSource('')).toEqual([])
    const wrapper = mount(ProblemList, { props: { problems: [] } })
    expect(wrapper.findAll('[data-testid="editor-problem"]')).toHaveLength(0)
    expect(wrapper.text()).toContain('No problems')
  })

  it('emits reveal with the clicked problem', async () => {
    const problems = checkSource(broken)
    const wrapper = mount(ProblemList, { props: { problems } })
    await wrapper.get('[data-testid="editor-problem"] button').trigger('click')
    expect(wrapper.emitted('reveal')?.[0]).toEqual([problems[0]])
  })

  it('turns problems into Monaco markers, widening empty ranges', () => {
    const [marker] = problemsToMarkers([
      { severity: 'warning', code: 'schema', path: [], message: 'm', line: 3, column: 5, endLine: 3, endColumn: 5 }
    ])
    expect(marker).toMatchObject({ severity: markerSeverity.warning, startLineNumber: 3, startColumn: 5, endColumn: 6 })
  })
})
