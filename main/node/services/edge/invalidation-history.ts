import { randomBytes } from 'node:crypto'
import type { EdgeInvalidation } from '../../../common/contract/lab-types'

/** How many invalidations a distribution remembers (CloudFront lists them all; a lab needs the recent ones). */
const kept = 100

/**
 * A distribution's invalidations, newest first, as CloudFront's console lists them: an id, the paths,
 * when it was made, its status and (Netloom's addition) how many objects it removed. In the lab an
 * invalidation takes effect at once, so each one is `Completed` when it is listed; on CloudFront it
 * is `InProgress` for a while first.
 */
export class InvalidationHistory {
  private readonly entries: EdgeInvalidation[] = []

  record(paths: readonly string[], removed: number, atMs: number): EdgeInvalidation {
    // CloudFront's ids: `I` and 13 or so upper-case letters and digits.
    const id = `I${randomBytes(10).toString('base64').replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 13).padEnd(13, '0')}`
    const entry: EdgeInvalidation = { id, paths: [...paths], createTime: new Date(atMs).toISOString(), status: 'Completed', removed }
    this.entries.unshift(entry)
    if (this.entries.length > kept) this.entries.length = kept
    return entry
  }

  list(): EdgeInvalidation[] {
    return [...this.entries]
  }
}
