import type { MenuItemConstructorOptions } from 'electron'
import type { MenuAction } from '../../main/common/contract/desktop-bridge'

/** The application menu, as plain data (tested without Electron); `send` forwards actions to the window. */
export function menuTemplate(options: {
  isMac: boolean
  isDev: boolean
  appName: string
  send: (action: MenuAction) => void
  about: () => void
}): MenuItemConstructorOptions[] {
  const { isMac, isDev, send } = options
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open Lab…', accelerator: 'CmdOrCtrl+O', click: () => send('open') },
      { label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => send('save') },
      { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => send('save-as') },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' }
    ]
  }
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(isDev ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' }
    ]
  }
  return [
    ...(isMac ? [{ label: options.appName, role: 'appMenu' } as MenuItemConstructorOptions] : []),
    file,
    { label: '&Edit', role: 'editMenu' },
    view,
    { label: '&Window', role: 'windowMenu' },
    { label: '&Help', role: 'help', submenu: [{ label: `About ${options.appName}`, click: options.about }] }
  ]
}
