import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Finds the built web UI (out/renderer). The CLI runs from out/cli/ when built and from main/node/cli/
 * under tests, so walk up to the package root rather than assume one layout.
 */
export function findRendererDir(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'out', 'renderer')
    if (existsSync(join(candidate, 'index.html'))) return candidate
    if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) return undefined
  }
}
