/**
 * The desktop window's security rules as pure functions, so they are unit-tested without Electron.
 * Electron's checklist: contextIsolation, sandbox, a CSP, no navigation, no new windows, IPC only from
 * our own frame.
 */

/** The renderer's Content-Security-Policy: only its own files; the engine is reached through IPC. */
export function contentSecurityPolicy(devServer?: string): string {
  const self = devServer ? `'self' ${devServer}` : "'self'"
  return [
    `default-src ${self}`,
    `script-src ${self}`,
    `style-src ${self} 'unsafe-inline'`,
    `img-src ${self} data:`,
    `font-src ${self} data:`,
    `worker-src ${self} blob:`,
    `connect-src ${self}${devServer ? ` ${devServer.replace(/^http/, 'ws')}` : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
}

/**
 * Whether a URL is our renderer: a file inside the built renderer folder, or the electron-vite dev
 * server in development.
 */
export function isOwnRendererUrl(url: string, rendererFileUrl: string, devServer?: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (devServer) return parsed.origin === new URL(devServer).origin
  const root = new URL('.', rendererFileUrl).href
  return parsed.protocol === 'file:' && `${parsed.origin}${parsed.pathname}`.replace(/^null/, 'file://').startsWith(root)
}

/** Links the user may open in the system browser (never file:, javascript:, or custom schemes). */
export function isExternalWebLink(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}
