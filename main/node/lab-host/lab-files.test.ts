import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readLabFile, writeLabFile } from './lab-files'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netloom-files-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('lab files', () => {
  it('writes atomically and reads back', async () => {
    const file = join(dir, 'lab.yaml')
    await writeFile(file, 'old')
    await writeLabFile(file, 'new: true\n')
    expect(await readLabFile(file)).toEqual({ file, source: 'new: true\n' })
    expect(await readdir(dir)).toEqual(['lab.yaml']) // no temp file left behind
  })

  it('only touches .yaml and .yml files', async () => {
    await expect(readLabFile(join(dir, 'id_rsa'))).rejects.toMatchObject({
      code: 'LAB_ERR_FILE_IO',
      message: expect.stringMatching(/lab files end in \.yaml or \.yml$/)
    })
    await expect(writeLabFile(join(dir, '.bashrc'), 'x')).rejects.toMatchObject({ code: 'LAB_ERR_FILE_IO' })
  })

  it('says what went wrong and where, and keeps the old file when a write fails', async () => {
    await expect(readLabFile(join(dir, 'missing.yaml'))).rejects.toMatchObject({
      message: `${join(dir, 'missing.yaml')}: cannot read: no such file`
    })
    await expect(writeLabFile(join(dir, 'no-such-dir', 'lab.yaml'), 'x')).rejects.toMatchObject({
      code: 'LAB_ERR_FILE_IO',
      details: { errno: 'ENOENT' }
    })
    const folder = join(dir, 'folder.yaml')
    await mkdir(folder)
    await expect(readLabFile(folder)).rejects.toMatchObject({ message: `${folder}: cannot read: is a folder` })
    await writeFile(join(dir, 'keep.yaml'), 'kept')
    await expect(writeLabFile(folder, 'x')).rejects.toMatchObject({ code: 'LAB_ERR_FILE_IO' })
    expect(await readFile(join(dir, 'keep.yaml'), 'utf8')).toBe('kept')
    expect((await readdir(dir)).sort()).toEqual(['folder.yaml', 'keep.yaml'])
  })
})
