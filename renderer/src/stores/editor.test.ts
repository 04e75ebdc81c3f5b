import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { useEditorStore } from './editor'

describe('editor store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('never replaces the user\'s edits with the engine\'s source', () => {
    const editor = useEditorStore()
    editor.syncFromLab('a: 1\n')
    expect(editor.draft).toBe('a: 1\n')
    editor.setDraft('a: 2\n')
    editor.syncFromLab('a: 3\n')
    expect(editor.draft).toBe('a: 2\n')
    expect(editor.dirty).toBe(true)
    editor.syncFromLab('a: 3\n', true)
    expect(editor.draft).toBe('a: 3\n')
    expect(editor.dirty).toBe(false)
  })

  it('counts saved edits as safe, but still protects them from engine updates', () => {
    const editor = useEditorStore()
    editor.syncFromLab('a: 1\n')
    editor.setDraft('a: 2\n')
    editor.markSaved()
    expect(editor.dirty).toBe(false)
    expect(editor.edited).toBe(true)
    editor.syncFromLab('a: 1\n')
    expect(editor.draft).toBe('a: 2\n')
    editor.setDraft('a: 4\n')
    expect(editor.dirty).toBe(true)
  })

  it('moves a node by editing layout in the draft', () => {
    const editor = useEditorStore()
    editor.syncFromLab('# keep me\nservices: []\n')
    editor.moveNode('web', { x: 10.4, y: 20.6 })
    expect(editor.draft).toContain('# keep me')
    expect(editor.draft).toMatch(/web:[\s\S]*x: 10[\s\S]*y: 21/)
  })
})
