/** The shell's views, in navigation order (Ctrl/Cmd+1…6 follow this order). */
export const views = [
  { id: 'topology', label: 'Topology' },
  { id: 'traffic', label: 'Traffic' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'editor', label: 'Editor' },
  { id: 'terminal', label: 'Terminal' },
  { id: 'settings', label: 'Settings' }
] as const

export type ViewId = (typeof views)[number]['id']

/** The view a Ctrl/Cmd+digit shortcut selects, if any. */
export function viewForShortcut(event: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'altKey' | 'key'>): ViewId | undefined {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return undefined
  const index = Number(event.key) - 1
  return Number.isInteger(index) && index >= 0 && index < views.length ? views[index]!.id : undefined
}
