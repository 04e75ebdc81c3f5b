import type { BrowserWindow} from 'electron';
import { dialog, ipcMain, type IpcMainInvokeEvent } from 'electron'
import { isOwnRendererUrl } from './security'

const labFilters = [{ name: 'Netloom labs', extensions: ['yaml', 'yml'] }]

/**
 * IPC handlers for what only the main process can do (native dialogs). Each call must come from our
 * own window's top frame showing our own renderer; anything else is refused.
 */
export function registerIpc(window: () => BrowserWindow | undefined, rendererUrl: string, devServer?: string): void {
  const guard = (event: IpcMainInvokeEvent): BrowserWindow => {
    const own = window()
    const frame = event.senderFrame
    if (!own || event.sender !== own.webContents || !frame || frame !== own.webContents.mainFrame)
      throw new Error('refused: IPC from a frame that is not the Netloom window')
    if (!isOwnRendererUrl(frame.url, rendererUrl, devServer)) throw new Error(`refused: IPC from ${frame.url}`)
    return own
  }
  ipcMain.handle('netloom:dialog-open', async (event) => {
    const result = await dialog.showOpenDialog(guard(event), { properties: ['openFile'], filters: labFilters })
    return result.canceled ? null : (result.filePaths[0] ?? null)
  })
  ipcMain.handle('netloom:dialog-save', async (event, defaultPath: unknown) => {
    const result = await dialog.showSaveDialog(guard(event), {
      filters: labFilters,
      ...(typeof defaultPath === 'string' ? { defaultPath } : {})
    })
    return result.canceled ? null : (result.filePath ?? null)
  })
}
