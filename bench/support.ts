/** What the benchmarks share: finding tools, free ports, CPU pinning, stopping children, medians. */
import { spawnSync, type ChildProcess } from 'node:child_process'

/** The path of a tool, or exit with the apt-get line that installs it. */
export function need(tool: string, aptPackage = tool): string {
  const path = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim()
  if (!path) {
    console.error(`this benchmark needs ${tool}: apt-get install ${aptPackage}`)
    process.exit(2)
  }
  return path
}

export { freePort } from '../main/node/net/free-port'

const taskset = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).stdout.trim()

/** The command line that runs `command` on one CPU, where `taskset` exists. */
export const pinned = (cpu: number, command: string, args: string[]): [string, string[]] => (taskset ? [taskset, ['-c', String(cpu), command, ...args]] : [command, args])

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
