// What `npm start` runs, decided without side effects so that it can be tested.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

export const defaultLab = 'resources/examples/hello-origin.yaml'

/**
 * The Electron binary's path when it is installed (the `electron` package exports it), else undefined:
 * `ELECTRON_SKIP_BINARY_DOWNLOAD=1` installs the package without the binary.
 * @returns {string | undefined}
 */
export function findElectronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron')
    return typeof path === 'string' && existsSync(path) ? path : undefined
  } catch {
    return undefined
  }
}

/**
 * @param {{ electron: string | undefined, args: string[], nodePath: string }} input
 * @returns {{ mode: 'desktop' | 'web', command: string, args: string[], note?: string }}
 */
export function startPlan({ electron, args, nodePath }) {
  if (electron && !args.includes('--web')) return { mode: 'desktop', command: electron, args: ['.', ...args] }
  const labIndex = args.findIndex((arg) => /\.ya?ml$/i.test(arg))
  const lab = labIndex >= 0 ? args[labIndex] : defaultLab
  const extra = args.filter((arg, index) => index !== labIndex && arg !== '--web')
  return {
    mode: 'web',
    command: nodePath,
    args: ['bin/netloom.mjs', 'up', lab, '--ui', ...extra],
    note: electron
      ? 'netloom: web mode (--web): open the URL below in your browser.'
      : 'netloom: no Electron binary, so Netloom starts in web mode: open the URL below in your browser.'
  }
}
