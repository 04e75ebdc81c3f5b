import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { LabError } from '../../common/errors/lab-error'

const maxLabFileBytes = 4 * 1024 * 1024

/**
 * The bridge lets anyone holding the token read and write lab files, so it reaches only `.yaml`/`.yml`
 * files: a leaked web-mode URL must not be a way to read ~/.ssh or overwrite a shell profile.
 */
function checkLabPath(file: string): string {
  const path = resolve(file)
  const ext = extname(path).toLowerCase()
  if (ext !== '.yaml' && ext !== '.yml')
    throw new LabError('LAB_ERR_FILE_IO', `${path}: lab files end in .yaml or .yml`, { details: { file: path } })
  return path
}

function ioError(path: string, verb: string, error: unknown): LabError {
  const code = (error as NodeJS.ErrnoException).code
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a folder'
          : (error as Error).message
  return new LabError('LAB_ERR_FILE_IO', `${path}: cannot ${verb}: ${reason}`, {
    details: { file: path, ...(code ? { errno: code } : {}) },
    cause: error
  })
}

export async function readLabFile(file: string): Promise<{ file: string; source: string }> {
  const path = checkLabPath(file)
  try {
    const info = await stat(path)
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
    if (info.size > maxLabFileBytes)
      throw new LabError('LAB_ERR_FILE_IO', `${path}: larger than 4 MiB, not a lab file`, { details: { file: path } })
    return { file: path, source: await readFile(path, 'utf8') }
  } catch (error) {
    throw error instanceof LabError ? error : ioError(path, 'read', error)
  }
}

/** Writes through a temporary file and a rename, so a crash mid-write never leaves half a lab. */
export async function writeLabFile(file: string, source: string): Promise<{ file: string }> {
  const path = checkLabPath(file)
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await writeFile(temp, source, { encoding: 'utf8', flag: 'wx' })
    await rename(temp, path)
    return { file: path }
  } catch (error) {
    await rm(temp, { force: true })
    throw ioError(path, 'write', error)
  }
}
