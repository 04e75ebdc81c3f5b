// `npm start`: the desktop app when the Electron binary is installed, else web mode in the browser.
// `npm start -- my-lab.yaml` starts web mode with that lab; `npm start -- --web` forces web mode.
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { findElectronBinary, startPlan } from './start-plan.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const built = spawnSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: root, stdio: 'inherit' })
if (built.status !== 0) process.exit(built.status ?? 1)

const plan = startPlan({ electron: findElectronBinary(), args: process.argv.slice(2), nodePath: process.execPath })
if (plan.note) console.error(plan.note)
const child = spawn(plan.command, plan.args, { cwd: root, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
