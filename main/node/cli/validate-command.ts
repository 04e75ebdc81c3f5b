import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { formatProblem } from '../../common/topology/lab-problem'
import { loadLab, type LoadLabResult } from '../../common/topology/load-lab'
import { exitCodes, type CliIo } from './cli-io'

/** Reads and checks one lab file; prints one `FILE:LINE:COL: message` line per problem. */
export async function checkLabFile(
  file: string,
  io: CliIo
): Promise<{ path: string; source?: string; result?: LoadLabResult }> {
  const path = resolve(io.cwd, file)
  const shown = relative(io.cwd, path) || path
  let source: string
  try {
    source = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (error as Error).message
    io.stderr(`${shown}: cannot read: ${reason}\n`)
    return { path }
  }
  const result = loadLab(source)
  for (const problem of result.problems) io.stderr(`${formatProblem(shown, problem)}\n`)
  return { path, source, result }
}

export async function validateCommand(files: string[], io: CliIo): Promise<number> {
  let failed = false
  for (const file of files) {
    const { result } = await checkLabFile(file, io)
    if (!result?.lab) failed = true
  }
  return failed ? exitCodes.failed : exitCodes.ok
}
