// `npm start`: the desktop app when Electron is available, else web mode in the browser.
// `npm start -- --web my-lab.yaml` starts that lab in web mode.
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findElectronBinary, startPlan } from './start-plan.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
// npm runs scripts from the package folder; a lab path the user typed is relative to where they were.
const userDir = process.env.INIT_CWD ?? process.cwd()
const args = process.argv.slice(2).map((arg) => (/\.ya?ml$/i.test(arg) ? resolve(userDir, arg) : arg))
const built = spawnSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: root, stdio: 'inherit' })
if (built.status !== 0) process.exit(built.status ?? 1)

let electron = findElectronBinary()
// `npm install` does not run Electron's download script (package.json allowScripts), so that installing
// never fails on a machine that cannot reach Electron's download site. The first desktop start fetches it.
if (!electron && !args.includes('--web') && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.error('netloom: downloading Electron for the desktop app (first start only)…')
  const installer = createRequire(import.meta.url).resolve('electron/install.js')
  const download = spawnSync(process.execPath, [installer], { cwd: root, encoding: 'utf8', timeout: 600_000 })
  electron = findElectronBinary()
  if (!electron) {
    const reason = `${download.stderr ?? ''}`.split('\n').find((line) => /error/i.test(line)) ?? 'no details'
    console.error(`netloom: could not download Electron (${reason.trim()}).`)
  }
}

const plan = startPlan({ electron, args, nodePath: process.execPath })
if (plan.note) console.error(plan.note)
// The child gets its own process group (not on Windows): otherwise a Ctrl+C reaches it twice, from the
// terminal and from us, and `netloom up` takes a second Ctrl+C as "exit now, skip the clean stop".
const detached = process.platform !== 'win32'
const child = spawn(plan.command, plan.args, { cwd: root, stdio: 'inherit', detached })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
