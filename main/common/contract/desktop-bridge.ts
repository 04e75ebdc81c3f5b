/** Actions the desktop app's menu sends to the renderer. */
export type MenuAction = 'open' | 'save' | 'save-as'

/**
 * What the desktop preload exposes on `window.netloomDesktop`, next to the RPC bridge: native dialogs and
 * the menu. Absent in web mode, where the renderer falls back to its own inputs.
 */
export interface DesktopBridge {
  /** The native open dialog for lab files; resolves with the chosen path or null. */
  openDialog(): Promise<string | null>
  /** The native save dialog; resolves with the chosen path or null. */
  saveDialog(defaultPath?: string): Promise<string | null>
  /** Menu actions; returns an unsubscribe function. */
  onMenu(listener: (action: MenuAction) => void): () => void
}
