import { app, BrowserWindow, dialog, Menu, session, shell } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { EngineHost } from './engine-host'
import { registerIpc } from './ipc'
import { menuTemplate } from './menu'
import { contentSecurityPolicy, isExternalWebLink, isOwnRendererUrl } from './security'

/** The electron-vite dev server, in development only. */
const devServer = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined
const rendererFile = join(__dirname, '../renderer/index.html')
const rendererUrl = pathToFileURL(rendererFile).href
let mainWindow: BrowserWindow | undefined

const engine = new EngineHost(join(__dirname, 'engine.js'), (code) => {
  const choice = dialog.showMessageBoxSync({
    type: 'error',
    message: 'The Netloom engine stopped unexpectedly',
    detail: `It exited with code ${code}. Your lab file is unchanged on disk. Restart the engine?`,
    buttons: ['Restart', 'Quit']
  })
  if (choice === 0 && mainWindow) void engine.connect(mainWindow.webContents)
  else app.quit()
})

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    title: 'Netloom',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  window.once('ready-to-show', () => window.show())
  // Every (re)load gets a fresh channel to the engine; the old port closes with the old page.
  window.webContents.on('did-finish-load', () => void engine.connect(window.webContents))
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOwnRendererUrl(url, rendererUrl, devServer)) event.preventDefault()
  })
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebLink(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.on('closed', () => (mainWindow = undefined))
  if (devServer) void window.loadURL(devServer)
  else void window.loadFile(rendererFile)
  return window
}

function secureSession(): void {
  const csp = contentSecurityPolicy(devServer)
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
}

// Every renderer sandboxed, even ones we did not create ourselves; no <webview> can be attached.
app.enableSandbox()
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault())
})

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })

  void app.whenReady().then(() => {
    secureSession()
    registerIpc(() => mainWindow, rendererUrl, devServer)
    const send = (action: string) => mainWindow?.webContents.send('netloom:menu', action)
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          isDev: !app.isPackaged,
          appName: app.name,
          send,
          about: () =>
            void dialog.showMessageBox({ message: `Netloom ${app.getVersion()}`, detail: 'A desktop network lab.' })
        })
      )
    )
    mainWindow = createWindow()
    app.on('activate', () => {
      if (!mainWindow) mainWindow = createWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting) return
    event.preventDefault()
    quitting = true
    void engine.stop().finally(() => app.quit())
  })
}
