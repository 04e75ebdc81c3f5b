// `npm start`: the desktop app when Electron is available, else web mode in the browser.
// `npm start -- --web my-lab.yaml` starts that lab in web mode.
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { findElectronBinary, startPlan } from './start-plan.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
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
const child = spawn(plan.command, plan.args, { cwd: root, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
