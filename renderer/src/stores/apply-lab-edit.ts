import { describeError } from '../components/describe-error'
import { useEditorStore } from './editor'
import { useLabStore } from './lab'

export interface EditMessage {
  text: string
  error: boolean
}

/**
 * An edit made from a panel (a DNS record, a function's code) goes into the lab source, is applied,
 * and is saved when the lab has a file: a GUI edit is never only in memory, and never overwrites
 * unapplied changes in the Editor.
 */
export function useLabEdit(): (edit: (source: string) => string, done: string) => Promise<EditMessage> {
  const lab = useLabStore()
  const editor = useEditorStore()
  return async (edit, done) => {
    const source = lab.snapshot?.source
    if (!source) return { text: 'The running lab has no source to edit.', error: true }
    if (editor.edited) return { text: 'The Editor has changes that are not applied: apply or revert them first, so that nothing is lost.', error: true }
    let next: string
    try {
      next = edit(source)
    } catch (error) {
      return { text: describeError(error), error: true }
    }
    try {
      const report = await lab.apply(next, lab.snapshot?.file)
      if (!report.ok) return { text: `Not applied: ${report.problems[0]?.message ?? report.error?.message ?? 'the lab did not apply'}`, error: true }
      const file = lab.snapshot?.file
      if (file) await lab.save(next, file)
      return { text: file ? `${done}, and saved to ${file}.` : `${done} (this lab has no file: Save As in the Editor to keep it).`, error: false }
    } catch (error) {
      return { text: describeError(error), error: true }
    }
  }
}
