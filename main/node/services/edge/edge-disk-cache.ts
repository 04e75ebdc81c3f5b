import { createHash } from 'node:crypto'
import { join, resolve } from 'node:path'
import type { EdgeConfig } from '../../../common/services/edge/edge-config'
import { LabError } from '../../../common/errors/lab-error'
import { dataDir } from '../../tls/data-dir'
import { DiskTier, type DiskWarn } from './cache/disk-tier'

type DiskCacheSettings = NonNullable<EdgeConfig['diskCache']>

/**
 * Where a distribution's on-disk store lives: `dir` relative to the lab file, or by default a folder
 * per lab and service under the user's data folder, so cached bodies never land in a repository or
 * an exported lab.
 */
export function diskCacheDir(settings: DiskCacheSettings, labDir: string, serviceId: string, base: string = dataDir()): string {
  if (settings.dir !== undefined) return resolve(labDir, settings.dir)
  const lab = createHash('sha256').update(resolve(labDir)).digest('hex').slice(0, 16)
  return join(base, 'edge-cache', lab, serviceId.replace(/[^A-Za-z0-9_.-]/g, '_'))
}

/**
 * The distribution's id when it has an on-disk store: derived from the store's folder, so the
 * domain inside every cache key is the same after a restart and the files still match requests.
 */
export function stableDistributionId(dir: string): string {
  return `d${createHash('sha256').update(dir).digest('hex').slice(0, 14)}`
}

/** Opens the on-disk store; a folder that cannot be created or read fails the start with a LabError. */
export async function openDiskCache(dir: string, maxBytes: number, warn: DiskWarn, now: () => number): Promise<DiskTier> {
  try {
    return await DiskTier.open(dir, maxBytes, warn, now)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new LabError('LAB_ERR_FILE_IO', `edge disk cache: cannot open ${dir}: ${message}`, { details: { dir } })
  }
}
