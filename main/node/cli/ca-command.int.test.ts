import { X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from './cli'

let dir: string
let out: { stdout: string; stderr: string }
const io = () => ({ stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), cwd: dir })
const savedDataDir = process.env.NETLOOM_DATA_DIR

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netloom-ca-cli-'))
  // Never the user's real CA: every test gets its own data directory.
  process.env.NETLOOM_DATA_DIR = join(dir, 'data')
  out = { stdout: '', stderr: '' }
})
afterEach(async () => {
  if (savedDataDir === undefined) delete process.env.NETLOOM_DATA_DIR
  else process.env.NETLOOM_DATA_DIR = savedDataDir
  await rm(dir, { recursive: true, force: true })
})

describe('netloom ca export', () => {
  it('writes the lab CA certificate, creating the CA on first use, and says how to trust it', async () => {
    expect(await runCli(['ca', 'export', '--out', 'netloom-ca.pem'], io())).toBe(0)
    const pem = await readFile(join(dir, 'netloom-ca.pem'), 'utf8')
    const cert = new X509Certificate(pem)
    expect(cert.ca).toBe(true)
    expect(cert.subject).toMatch(/^CN=Netloom Lab CA \(.+\)\nO=Netloom$/)
    expect(pem).toBe(await readFile(join(dir, 'data', 'ca', 'ca.pem'), 'utf8'))
    expect(out.stdout).toBe('')
    expect(out.stderr.split('\n')).toEqual([expect.stringContaining('wrote netloom-ca.pem: '), ''])
    expect(out.stderr).toContain(`SHA-256 ${cert.fingerprint256}`)
    expect(out.stderr).toContain('curl --cacert netloom-ca.pem')
  })

  it('prints the same CA on stdout (and only the PEM) on later runs', async () => {
    await runCli(['ca', 'export', '--out', 'first.pem'], io())
    out = { stdout: '', stderr: '' }
    expect(await runCli(['ca', 'export'], io())).toBe(0)
    expect(out.stdout).toBe(await readFile(join(dir, 'first.pem'), 'utf8'))
    expect(out.stdout).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/)
    expect(out.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('exits 1 with the file and the fix when the CA is damaged', async () => {
    await runCli(['ca', 'export'], io())
    await writeFile(join(dir, 'data', 'ca', 'ca.pem'), 'garbage')
    out = { stdout: '', stderr: '' }
    expect(await runCli(['ca', 'export'], io())).toBe(1)
    expect(out.stdout).toBe('')
    expect(out.stderr).toContain(`${join(dir, 'data', 'ca', 'ca.pem')} is not a PEM certificate`)
    expect(out.stderr).toContain('move the folder')
  })

  it('is listed in the help and checks its arguments', async () => {
    expect(await runCli(['--help'], io())).toBe(0)
    expect(out.stdout).toMatch(/^ {2}ca export {2,}Print the lab CA certificate/m)
    for (const argv of [['ca'], ['ca', 'import'], ['ca', 'export', 'x.pem'], ['ca', 'export', '--bogus']]) {
      out = { stdout: '', stderr: '' }
      expect(await runCli(argv, io())).toBe(2)
      expect(out.stderr).toMatch(/^netloom: .+\n\nUsage: netloom/)
    }
  })
})
