// Builds the app (`npm run build`) unless out/ is already newer than every source file.
// Runs on `npm install` (the `prepare` script) so that `npx netloom` and `npm start` work right away,
// and before the e2e tests so that they never run against a stale build.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const stamp = join(root, 'out', '.build-stamp')
const sources = ['main', 'renderer', 'electron', 'resources', 'package.json', 'electron.vite.config.ts', 'vite.cli.config.ts']

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0
const changed = Math.max(...sources.map((s) => newestMtime(join(root, s))))
if (built > changed && process.argv[2] !== '--force') process.exit(0)

console.error(built === 0 ? 'netloom: building the app (first run)…' : 'netloom: sources changed since the last build; rebuilding…')
const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
process.exit(result.status ?? 1)
