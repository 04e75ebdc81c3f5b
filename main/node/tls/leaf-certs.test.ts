import { createPrivateKey, X509Certificate } from 'node:crypto'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabCa } from './lab-ca'
import { LeafCerts, leafValidityDays, normalizeNames } from './leaf-certs'
import { x509 } from './x509'

const dayMs = 24 * 3600_000
let dataDir: string
let ca: LabCa
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'netloom-leaf-'))
  ca = await LabCa.load(dataDir)
})
afterEach(() => rm(dataDir, { recursive: true, force: true }))

describe('LeafCerts', () => {
  it('issues a server certificate the lab CA vouches for, by name, wildcard and IP', async () => {
    const leaf = await new LeafCerts(ca).issue(['shop.test', '*.api.shop.test', '127.0.0.1', '::1'])
    const cert = new X509Certificate(leaf.certPem)
    const caCert = new X509Certificate(leaf.caPem)
    expect(leaf.caPem).toBe(ca.certPem)
    expect(cert.checkIssued(caCert)).toBe(true)
    expect(cert.verify(caCert.publicKey)).toBe(true)
    expect(cert.checkHost('shop.test')).toBe('shop.test')
    expect(cert.checkHost('v1.api.shop.test')).toBe('*.api.shop.test')
    expect(cert.checkHost('other.test')).toBeUndefined()
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(cert.checkIP('::1')).toBe('::1')
    expect(cert.ca).toBe(false)
    expect(cert.keyUsage).toEqual([x509.ExtendedKeyUsage.serverAuth])
    expect(cert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true)
  })

  it('follows the CA/Browser Forum rules browsers check', async () => {
    const before = Date.now()
    const leaf = await new LeafCerts(ca).issue(['shop.test'])
    const cert = new x509.X509Certificate(leaf.certPem)
    const notBefore = cert.notBefore.getTime()
    // Back-dated an hour for clock skew (seconds precision in the certificate).
    expect(before - notBefore).toBeGreaterThan(3590_000)
    expect(before - notBefore).toBeLessThan(3660_000)
    expect(cert.notAfter.getTime() - notBefore).toBeLessThanOrEqual(leafValidityDays * dayMs)
    expect(cert.serialNumber).toMatch(/^[4-7][0-9a-f]{31}$/) // 16 bytes, positive
    const usage = cert.getExtension(x509.KeyUsagesExtension)!
    expect([usage.usages, usage.critical]).toEqual([x509.KeyUsageFlags.digitalSignature, true])
    const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension)!
    expect(aki.keyId).toBe(ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId)
    expect(cert.issuer).toBe(ca.certificate.subject)
  })

  it('keeps one certificate per name set, in memory and on disk', async () => {
    const certs = new LeafCerts(ca)
    const a = await certs.issue(['shop.test', 'www.shop.test'])
    expect(await certs.issue(['WWW.shop.test', 'shop.test.'])).toBe(a)
    const [b1, b2] = await Promise.all([certs.issue(['b.test']), certs.issue(['b.test'])])
    expect(b1).toBe(b2)
    const files = await readdir(join(dataDir, 'certs'))
    expect(files.sort()).toEqual([expect.stringMatching(/^b\.test-[0-9a-f]{16}\.pem$/), expect.stringMatching(/^shop\.test-[0-9a-f]{16}\.pem$/)])
    if (process.platform !== 'win32') expect((await stat(join(dataDir, 'certs', files[0]!))).mode & 0o777).toBe(0o600)
    const afterRestart = await new LeafCerts(await LabCa.load(dataDir)).issue(['shop.test', 'www.shop.test'])
    expect(afterRestart.certPem).toBe(a.certPem)
    expect(afterRestart.keyPem).toBe(a.keyPem)
  })

  it('replaces a certificate within 30 days of expiry', async () => {
    const first = await new LeafCerts(ca).issue(['shop.test'])
    let now = Date.now() + 300 * dayMs
    const later = new LeafCerts(ca, { now: () => now })
    expect((await later.issue(['shop.test'])).certPem).toBe(first.certPem)
    now = first.notAfter.getTime() - 29 * dayMs
    const renewed = await later.issue(['shop.test'])
    expect(renewed.certPem).not.toBe(first.certPem)
    expect(renewed.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime())
  })

  it('does not reuse certificates from an earlier CA', async () => {
    const first = await new LeafCerts(ca).issue(['shop.test'])
    await rm(join(dataDir, 'ca'), { recursive: true })
    const newCa = await LabCa.load(dataDir)
    const second = await new LeafCerts(newCa).issue(['shop.test'])
    expect(second.certPem).not.toBe(first.certPem)
    expect(new X509Certificate(second.certPem).checkIssued(new X509Certificate(newCa.certPem))).toBe(true)
  })
})

describe('normalizeNames', () => {
  it('normalizes case, trailing dots, IDNs and duplicates', () => {
    expect(normalizeNames(['Shop.Test.', 'shop.test', '*.Bücher.test', '::1'])).toEqual(['shop.test', '*.xn--bcher-kva.test', '::1'])
  })

  it.each([[[]], [['']], [['a..b']], [['-a.test']], [['a.*.test']], [['http://x.test']], [['*']]])('refuses %j', (names) => {
    expect(() => normalizeNames(names)).toThrow(/LAB_ERR|needs at least one name|is not a host name/)
  })
})
