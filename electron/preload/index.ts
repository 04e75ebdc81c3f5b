/**
 * The whole surface the renderer gets from the desktop app: a message pipe to the engine (the renderer
 * speaks the LabApi over it) and native dialogs. Nothing else from Node or Electron crosses over.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { DesktopBridge, MenuAction } from '../../main/common/contract/desktop-bridge'
import type { PreloadBridge, RpcMessage } from '../../main/common/rpc/transport'

let port: IpcRendererEvent['ports'][number] | undefined
const queued: RpcMessage[] = []
const listeners = new Set<(message: RpcMessage) => void>()

// The main process sends a fresh port to the engine after every page load.
ipcRenderer.on('netloom:port', (event) => {
  port = event.ports[0]
  if (!port) return
  port.onmessage = ({ data }: { data: unknown }) => listeners.forEach((listener) => listener(data as RpcMessage))
  for (const message of queued.splice(0)) port.postMessage(message)
})

const bridge: PreloadBridge = {
  postMessage: (message) => (port ? port.postMessage(message) : void queued.push(message)),
  onMessage: (listener) => {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }
}

const desktop: DesktopBridge = {
  openDialog: () => ipcRenderer.invoke('netloom:dialog-open'),
  saveDialog: (defaultPath) => ipcRenderer.invoke('netloom:dialog-save', defaultPath),
  onMenu: (listener) => {
    const handler = (_event: unknown, action: MenuAction) => listener(action)
    ipcRenderer.on('netloom:menu', handler)
    return () => void ipcRenderer.off('netloom:menu', handler)
  }
}

contextBridge.exposeInMainWorld('netloomBridge', bridge)
contextBridge.exposeInMainWorld('netloomDesktop', desktop)
