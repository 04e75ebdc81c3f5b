import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { setNodePosition, type NodePosition } from '../../../main/common/topology/lab-layout'

/**
 * The lab text being edited. It lives in a store, not in Monaco, so the topology view can move nodes in
 * it (dragging edits `layout:`) while the editor is closed, and so the shell can show "unsaved changes".
 */
export const useEditorStore = defineStore('editor', () => {
  const draft = ref('')
  /** The engine's source the draft started from. */
  const base = ref('')
  /** The text last saved to or opened from a file. */
  const saved = ref<string>()
  /** The draft differs from the running lab: engine updates must not replace it. */
  const edited = computed(() => draft.value !== base.value)
  /** Edits that are neither applied nor saved: the ones that would be lost. */
  const dirty = computed(() => edited.value && draft.value !== saved.value)

  /** Takes the engine's source; keeps the user's edits if there are any, unless `force`. */
  function syncFromLab(source: string | undefined, force = false): void {
    const next = source ?? ''
    if (force || !edited.value) draft.value = next
    base.value = next
  }

  /** The draft is now safely in a file. */
  function markSaved(): void {
    saved.value = draft.value
  }

  function setDraft(text: string): void {
    draft.value = text
  }

  function moveNode(id: string, position: NodePosition): void {
    draft.value = setNodePosition(draft.value, id, position)
  }

  return { draft, base, edited, dirty, syncFromLab, setDraft, markSaved, moveNode }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useEditorStore, import.meta.hot))
