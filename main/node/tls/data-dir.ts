import { homedir } from 'node:os'
import { join } from 'node:path'

/** What `dataDir` reads; a parameter so tests never look at the real machine. */
export interface DataDirEnvironment {
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
  home: string
}

const current = (): DataDirEnvironment => ({ env: process.env, platform: process.platform, home: homedir() })

/**
 * The user's Netloom data directory: per user, outside any repository and never part of an exported lab
 * (the lab CA's key lives here). `NETLOOM_DATA_DIR` wins, which is how tests point it at a temp folder.
 * Otherwise the platform's convention: XDG on Linux and other Unixes, Application Support on macOS,
 * roaming AppData on Windows.
 */
export function dataDir(from: DataDirEnvironment = current()): string {
  const { env, platform, home } = from
  if (env.NETLOOM_DATA_DIR) return env.NETLOOM_DATA_DIR
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Netloom')
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Netloom')
  // XDG Base Directory spec: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), 'netloom')
}
