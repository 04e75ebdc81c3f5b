import type { X509Certificate as PeculiarCertificate } from '@peculiar/x509'
import { X509Certificate as NodeX509Certificate, randomBytes, type webcrypto } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { LabError } from '../../common/errors/lab-error'
import { ecdsaP256, subtle, x509 } from './x509'

const caValidityMs = 10 * 365.25 * 24 * 3600_000
/** Certificates start an hour in the past, so a client whose clock runs a little slow still accepts them. */
export const clockSkewMs = 3600_000

/** Where a CA lives inside the data directory. */
export function caPaths(dataDir: string) {
  const dir = join(dataDir, 'ca')
  return { dir, cert: join(dir, 'ca.pem'), key: join(dir, 'ca-key.pem') }
}

/**
 * The lab certificate authority: made on first use in `<dataDir>/ca/`, then the same one for as long as
 * the folder exists, so a user trusts it once. It is never overwritten: a damaged CA is an error that
 * names the file, because the user may already trust it.
 */
export class LabCa {
  private constructor(
    /** The data directory it was loaded from; issued leaf certificates are kept beside it. */
    readonly dataDir: string,
    /** The CA certificate in PEM: what `netloom ca export` writes and clients trust. */
    readonly certPem: string,
    readonly certificate: PeculiarCertificate,
    /** Non-extractable: it signs leaf certificates and never leaves this process. */
    readonly signingKey: webcrypto.CryptoKey,
    /** SHA-256 fingerprint, `AB:CD:…`, as browsers and `openssl x509 -fingerprint -sha256` show it. */
    readonly fingerprint256: string
  ) {}

  get certPath(): string {
    return caPaths(this.dataDir).cert
  }

  /** Loads the CA from `<dataDir>/ca/`, creating it on first use. Safe to race with another process. */
  static async load(dataDir: string, options: { now?: () => number } = {}): Promise<LabCa> {
    const now = options.now ?? Date.now
    const paths = caPaths(dataDir)
    let files = await readCaFiles(paths)
    if (!files) {
      await createCa(dataDir, now())
      files = await readCaFiles(paths)
      if (!files) throw caError(paths.cert, 'is missing right after it was created', paths)
    }
    const parsed = await parseCa(paths, files, now())
    return new LabCa(dataDir, files.cert, parsed.certificate, parsed.signingKey, parsed.fingerprint256)
  }
}

async function readCaFiles(paths: ReturnType<typeof caPaths>): Promise<{ cert: string; key: string } | undefined> {
  const [cert, key] = await Promise.all([readOptional(paths.cert, paths), readOptional(paths.key, paths)])
  if (cert === undefined && key === undefined) return undefined
  if (cert === undefined) throw caError(paths.cert, `is missing but ${paths.key} exists`, paths)
  if (key === undefined) throw caError(paths.key, `is missing but ${paths.cert} exists`, paths)
  return { cert, key }
}

async function readOptional(file: string, paths: ReturnType<typeof caPaths>): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw caError(file, `cannot be read (${code ?? (error as Error).message})`, paths, error)
  }
}

/**
 * Writes the pair into a fresh private folder and renames that folder to `ca/` in one step, so nobody
 * ever sees half a CA. If another process got there first, the rename fails and its CA is the one used.
 */
async function createCa(dataDir: string, now: number): Promise<void> {
  const paths = caPaths(dataDir)
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const { certPem, keyPem } = await generateCa(now)
  const staging = await mkdtemp(join(dataDir, '.ca-')) // mode 0700
  try {
    await writeFile(join(staging, 'ca-key.pem'), keyPem, { mode: 0o600, flag: 'wx' })
    await writeFile(join(staging, 'ca.pem'), certPem, { mode: 0o644, flag: 'wx' })
    try {
      await rename(staging, paths.dir)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error
      // Windows will not rename onto an existing folder even when it is empty: drop an empty one and retry.
      if (await rmdir(paths.dir).then(() => true, () => false)) await rename(staging, paths.dir)
    }
  } catch (error) {
    throw new LabError('LAB_ERR_FILE_IO', `cannot create the lab CA in ${paths.dir}: ${(error as Error).message}`, {
      details: { file: paths.dir },
      cause: error
    })
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

async function generateCa(now: number): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await subtle.generateKey(ecdsaP256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const usages = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: [`Netloom Lab CA (${hostname()})`] }, { O: ['Netloom'] }],
    keys,
    serialNumber: randomSerial(),
    notBefore: new Date(now - clockSkewMs),
    notAfter: new Date(now + caValidityMs),
    signingAlgorithm: ecdsaP256,
    extensions: [
      // pathLen 0: it signs leaf certificates only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(usages, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)
    ]
  })
  const keyPem = x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY')
  return { certPem: cert.toString('pem') + '\n', keyPem: keyPem + '\n' }
}

/** 16 random bytes, top bit clear and next bit set: positive, minimally DER-encoded, 126 bits of entropy. */
export function randomSerial(): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0]! & 0x7f) | 0x40
  return bytes.toString('hex')
}

async function parseCa(paths: ReturnType<typeof caPaths>, files: { cert: string; key: string }, now: number) {
  let certificate: PeculiarCertificate
  let nodeCert: NodeX509Certificate
  try {
    certificate = new x509.X509Certificate(files.cert)
    nodeCert = new NodeX509Certificate(files.cert)
  } catch (error) {
    throw caError(paths.cert, 'is not a PEM certificate', paths, error)
  }
  if (!nodeCert.ca) throw caError(paths.cert, 'is not a CA certificate', paths)
  if (certificate.notAfter.getTime() <= now)
    throw caError(paths.cert, `expired on ${certificate.notAfter.toISOString()}`, paths)
  let signingKey: webcrypto.CryptoKey
  try {
    signingKey = await subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(files.key), ecdsaP256, false, ['sign'])
  } catch (error) {
    throw caError(paths.key, 'is not an ECDSA P-256 private key in PEM (PKCS#8)', paths, error)
  }
  // A key restored from another backup than the certificate would sign leaves nobody can verify.
  const probe = randomBytes(32)
  const signature = await subtle.sign(ecdsaP256, signingKey, probe)
  const publicKey = await certificate.publicKey.export(ecdsaP256, ['verify'])
  if (!(await subtle.verify(ecdsaP256, publicKey, signature, probe)))
    throw caError(paths.key, `does not belong to the certificate ${paths.cert}`, paths)
  return { certificate, signingKey, fingerprint256: nodeCert.fingerprint256 }
}

function caError(file: string, problem: string, paths: ReturnType<typeof caPaths>, cause?: unknown): LabError {
  return new LabError(
    'LAB_ERR_FILE_IO',
    `lab CA: ${file} ${problem}. Netloom never replaces a CA you may already trust: restore the file, ` +
      `or move the folder ${paths.dir} away to have a new CA created on next use (then trust the new one ` +
      `and remove the old one from your trust stores).`,
    { details: { file }, ...(cause === undefined ? {} : { cause }) }
  )
}
