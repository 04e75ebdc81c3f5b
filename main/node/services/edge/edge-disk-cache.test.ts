import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { diskCacheDir, stableDistributionId } from './edge-disk-cache'

describe('diskCacheDir', () => {
  it('defaults to a folder per lab and service under the data folder, never the lab folder', () => {
    const one = diskCacheDir({ maxBytes: 1 }, '/labs/one', 'cdn', '/data')
    expect(one.startsWith(join('/data', 'edge-cache'))).toBe(true)
    expect(one.endsWith(join('', 'cdn'))).toBe(true)
    expect(diskCacheDir({ maxBytes: 1 }, '/labs/two', 'cdn', '/data')).not.toBe(one)
    expect(diskCacheDir({ maxBytes: 1 }, '/labs/one', 'cdn2', '/data')).not.toBe(one)
    expect(one.startsWith('/labs')).toBe(false)
  })

  it('reads dir relative to the lab file, and the distribution id follows the folder', () => {
    expect(diskCacheDir({ dir: 'cache/edge', maxBytes: 1 }, '/labs/one', 'cdn', '/data')).toBe(resolve('/labs/one', 'cache/edge'))
    expect(stableDistributionId('/x')).toBe(stableDistributionId('/x'))
    expect(stableDistributionId('/x')).toMatch(/^d[0-9a-f]{14}$/)
    expect(stableDistributionId('/y')).not.toBe(stableDistributionId('/x'))
  })
})
