import { createHash, createPrivateKey, X509Certificate as NodeX509Certificate, type webcrypto } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { domainToASCII } from 'node:url'
import { LabError } from '../../common/errors/lab-error'
import { clockSkewMs, randomSerial, type LabCa } from './lab-ca'
import { ecdsaP256, subtle, x509 } from './x509'

const dayMs = 24 * 3600_000
/** The CA/Browser Forum's limit since 2020; Safari and Chrome refuse longer-lived server certificates. */
export const leafValidityDays = 397
/** A certificate with less than this left is replaced, on disk and in memory. */
export const renewWithinDays = 30

/** What a TLS server needs for one set of names. */
export interface LeafCert {
  keyPem: string
  certPem: string
  /** The lab CA, for clients (`ca:` in Node, `--cacert` in curl). */
  caPem: string
  /** DNS names and IP addresses in the certificate, normalized (lower case, IDNs in punycode). */
  names: readonly string[]
  notAfter: Date
}

/**
 * Leaf certificates for the lab's domain names, issued by the lab CA. One certificate per set of names,
 * kept in memory and in `<dataDir>/certs/` (so a restart does not mint new ones), replaced when it gets
 * within 30 days of expiry or when the CA changed.
 */
export class LeafCerts {
  private readonly memory = new Map<string, Promise<LeafCert>>()
  private readonly now: () => number

  constructor(
    private readonly ca: LabCa,
    options: { now?: () => number } = {}
  ) {
    this.now = options.now ?? Date.now
  }

  /** A certificate for exactly these names: DNS names, `*.` wildcards, IPv4 and IPv6 addresses. */
  async issue(names: readonly string[]): Promise<LeafCert> {
    const normalized = normalizeNames(names)
    const key = [...normalized].sort().join(',')
    const cached = this.memory.get(key)
    if (cached) {
      const cert = await cached
      if (this.isFresh(cert.notAfter)) return cert
      if (this.memory.get(key) !== cached) return await this.issue(names) // someone already renewed it
    }
    const pending = this.fromDiskOrNew(normalized, key)
    this.memory.set(key, pending)
    pending.catch(() => this.memory.delete(key))
    return await pending
  }

  private isFresh(notAfter: Date): boolean {
    return notAfter.getTime() - this.now() > renewWithinDays * dayMs
  }

  private async fromDiskOrNew(names: string[], key: string): Promise<LeafCert> {
    const dir = join(this.ca.dataDir, 'certs')
    const file = join(dir, `${fileSafe(names[0]!)}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.pem`)
    const stored = await readFile(file, 'utf8').catch(() => undefined)
    const reused = stored === undefined ? undefined : this.usable(stored, names)
    if (reused) return reused
    const cert = await this.create(names)
    // A cache, so a failed write only costs a new certificate next time; temp + rename keeps it whole.
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 })
      const temp = `${file}.${process.pid}.${Date.now()}.tmp`
      await writeFile(temp, cert.certPem + cert.keyPem, { mode: 0o600 })
      await rename(temp, file).catch((error: unknown) => rm(temp, { force: true }).then(() => Promise.reject(error)))
    } catch {
      // Not fatal: the certificate in memory is good.
    }
    return cert
  }

  /** A stored certificate is reused only if the current CA issued it, its key matches and it is not expiring. */
  private usable(pem: string, names: string[]): LeafCert | undefined {
    try {
      const cert = new NodeX509Certificate(pem)
      const key = createPrivateKey(pem)
      const ca = new NodeX509Certificate(this.ca.certPem)
      const notAfter = new Date(cert.validTo)
      if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey) || !cert.checkPrivateKey(key)) return undefined
      if (!this.isFresh(notAfter)) return undefined
      const keyPem = key.export({ type: 'pkcs8', format: 'pem' }) as string
      return { keyPem, certPem: cert.toString(), caPem: this.ca.certPem, names, notAfter }
    } catch {
      return undefined
    }
  }

  private async create(names: string[]): Promise<LeafCert> {
    const now = this.now()
    const keys = (await subtle.generateKey(ecdsaP256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
    const notAfter = new Date(Math.min(now + leafValidityDays * dayMs - clockSkewMs, this.ca.certificate.notAfter.getTime()))
    const cert = await x509.X509CertificateGenerator.create({
      subject: [{ CN: [names[0]!] }, { O: ['Netloom lab'] }],
      issuer: this.ca.certificate.subject,
      publicKey: keys.publicKey,
      signingKey: this.ca.signingKey,
      serialNumber: randomSerial(),
      notBefore: new Date(now - clockSkewMs),
      notAfter,
      signingAlgorithm: ecdsaP256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: isIP(n) ? 'ip' : 'dns', value: n }))),
        await x509.AuthorityKeyIdentifierExtension.create(this.ca.certificate.publicKey),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)
      ]
    })
    const keyPem = x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY') + '\n'
    return { keyPem, certPem: cert.toString('pem') + '\n', caPem: this.ca.certPem, names, notAfter }
  }
}

const label = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/

/**
 * Lower-cases, converts IDNs to punycode, drops a trailing dot and duplicates. Throws LAB_ERR_CONFIG_INVALID
 * for anything that is neither a host name (optionally `*.` + name) nor an IP address.
 */
export function normalizeNames(names: readonly string[]): string[] {
  if (names.length === 0) throw new LabError('LAB_ERR_CONFIG_INVALID', 'a certificate needs at least one name')
  const out = new Set<string>()
  for (const raw of names) {
    const name = raw.trim().replace(/\.$/, '')
    if (isIP(name)) {
      out.add(name.toLowerCase())
      continue
    }
    const wildcard = name.startsWith('*.')
    const ascii = domainToASCII(wildcard ? name.slice(2) : name)
    if (!ascii || ascii.length > 253 || !ascii.split('.').every((l) => label.test(l)))
      throw new LabError('LAB_ERR_CONFIG_INVALID', `"${raw}" is not a host name, *.wildcard or IP address`, {
        details: { name: raw }
      })
    out.add(wildcard ? `*.${ascii}` : ascii)
  }
  return [...out]
}

function fileSafe(name: string): string {
  return name.replace(/^\*/, '_wildcard').replace(/[^a-z0-9._-]/g, '_').slice(0, 64)
}
