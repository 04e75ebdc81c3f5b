import { X509Certificate } from 'node:crypto'
import { copyFile, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabError } from '../../common/errors/lab-error'
import { caPaths, LabCa } from './lab-ca'
import { x509 } from './x509'

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'netloom-ca-'))
})
afterEach(() => rm(dataDir, { recursive: true, force: true }))

describe('LabCa', () => {
  it('is created on first use and the same one afterwards', async () => {
    const first = await LabCa.load(dataDir)
    const again = await LabCa.load(dataDir)
    expect(again.fingerprint256).toBe(first.fingerprint256)
    expect(again.certPem).toBe(await readFile(caPaths(dataDir).cert, 'utf8'))
    expect(first.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  })

  it('is a CA that signs leaf certificates only, valid for ten years', async () => {
    const ca = await LabCa.load(dataDir)
    const cert = ca.certificate
    expect(cert.subject).toContain(`CN=Netloom Lab CA (${hostname()})`)
    expect(cert.subject).toContain('O=Netloom')
    expect(cert.issuer).toBe(cert.subject)
    const basic = cert.getExtension(x509.BasicConstraintsExtension)!
    expect({ ca: basic.ca, pathLength: basic.pathLength, critical: basic.critical }).toEqual({ ca: true, pathLength: 0, critical: true })
    const usage = cert.getExtension(x509.KeyUsagesExtension)!
    expect(usage.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign)
    expect(usage.critical).toBe(true)
    expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/)
    const years = (cert.notAfter.getTime() - cert.notBefore.getTime()) / (365.25 * 24 * 3600_000)
    expect(years).toBeCloseTo(10, 2)
    const node = new X509Certificate(ca.certPem)
    expect(node.ca).toBe(true)
    expect(node.verify(node.publicKey)).toBe(true)
    expect(BigInt(`0x${node.serialNumber}`) > 0n).toBe(true)
  })

  it.skipIf(process.platform === 'win32')('keeps the key private to the user', async () => {
    await LabCa.load(dataDir)
    const paths = caPaths(dataDir)
    expect((await stat(paths.dir)).mode & 0o777).toBe(0o700)
    expect((await stat(paths.key)).mode & 0o777).toBe(0o600)
  })

  it('makes one CA when several processes start at once', async () => {
    const loads = await Promise.all(Array.from({ length: 6 }, () => LabCa.load(dataDir)))
    expect(new Set(loads.map((ca) => ca.fingerprint256)).size).toBe(1)
    expect(await readdir(dataDir)).toEqual(['ca']) // no staging folders left behind
  })

  it('never replaces a damaged CA: the error names the file and the fix', async () => {
    await LabCa.load(dataDir)
    const { cert } = caPaths(dataDir)
    await writeFile(cert, 'not a certificate\n')
    const error = await LabCa.load(dataDir).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LabError)
    expect((error as LabError).code).toBe('LAB_ERR_FILE_IO')
    expect((error as LabError).details).toEqual({ file: cert })
    expect((error as LabError).message).toContain(`${cert} is not a PEM certificate`)
    expect((error as LabError).message).toContain('move the folder')
    expect(await readFile(cert, 'utf8')).toBe('not a certificate\n')
  })

  it('refuses half a CA and a key from another CA', async () => {
    await LabCa.load(dataDir)
    const paths = caPaths(dataDir)
    const other = await mkdtemp(join(tmpdir(), 'netloom-ca-other-'))
    try {
      await LabCa.load(other)
      await copyFile(caPaths(other).key, paths.key)
      await expect(LabCa.load(dataDir)).rejects.toThrow(`${paths.key} does not belong to the certificate`)
      await unlink(paths.key)
      await expect(LabCa.load(dataDir)).rejects.toThrow(`${paths.key} is missing but ${paths.cert} exists`)
    } finally {
      await rm(other, { recursive: true, force: true })
    }
  })

  it('refuses an expired CA instead of quietly making a new one', async () => {
    await LabCa.load(dataDir)
    const elevenYears = 11 * 365.25 * 24 * 3600_000
    await expect(LabCa.load(dataDir, { now: () => Date.now() + elevenYears })).rejects.toThrow(/ca\.pem expired on /)
  })
})
