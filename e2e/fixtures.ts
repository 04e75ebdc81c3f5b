import { test as base } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))

export interface RunningLab {
  /** The web UI URL, with its token. */
  url: string
  /** The lab file the engine was started with (a temp copy). */
  file: string
  stderr(): string
}

/**
 * Starts `netloom up <example> --ui` for one test: the examples are copied to a temp folder, this one
 * with every listen port set to 0, so tests never fight over ports, and the process is stopped (by PID) afterwards.
 */
export async function startLab(example: string): Promise<RunningLab & { stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'netloom-e2e-'))
  // The examples' side files (a static site, zone files) come along, relative to the lab file.
  await cp(join(repoRoot, 'resources/examples'), dir, { recursive: true })
  const file = join(dir, 'lab.yaml')
  const source = await readFile(join(repoRoot, 'resources/examples', example), 'utf8')
  await writeFile(file, source.replace(/port: \d+/g, 'port: 0'))
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'bin/netloom.mjs'), 'up', file, '--ui'], {
    cwd: dir,
    // A lab CA made for a test stays in the test's folder, never in the user's data directory.
    env: { ...process.env, NETLOOM_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk) => (stdout += chunk))
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`netloom up did not get ready:\n${stderr}`)), 30_000)
    child.stdout!.on('data', () => {
      const match = /^NETLOOM READY (\S+)$/m.exec(stdout)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
    child.on('exit', (code) => reject(new Error(`netloom up exited with ${code}:\n${stderr}`)))
  })
  return {
    url,
    file,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** Playwright's `test` with a `lab` fixture: the example started for each test and stopped after it. */
export function labTest(example: string) {
  return base.extend<{ lab: RunningLab }>({
    // Playwright reads fixture dependencies from the destructuring pattern, so it must be there.
    // eslint-disable-next-line no-empty-pattern
    lab: async ({}, use) => {
      const lab = await startLab(example)
      await use(lab)
      await lab.stop()
    }
  })
}

export const test = labTest('hello-origin.yaml')

export { expect } from '@playwright/test'
