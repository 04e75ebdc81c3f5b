import { createSecureContext, type SecureContext, type TlsOptions } from 'node:tls'
import type { LabCa } from './lab-ca'
import { LeafCerts, normalizeNames, type LeafCert } from './leaf-certs'
import { defaultSecurityPolicy, nodeTlsPolicy, type SecurityPolicyName } from './security-policies'

export interface LabTlsInput {
  ca: LabCa
  /** The lab's domain names (`*.` wildcards allowed) and IP addresses, as a CloudFront distribution's aliases. */
  names: readonly string[]
  /** Default TLSv1.2_2021, CloudFront's recommendation. */
  securityPolicy?: SecurityPolicyName
  /** Share one between servers to share the in-memory cache; default a new one over `ca`. */
  certs?: LeafCerts
}

/** Options for `tls.createServer`, `https.createServer` and `http2.createSecureServer`. */
export type LabTlsOptions = TlsOptions & {
  key: string
  cert: string
  minVersion: NonNullable<TlsOptions['minVersion']>
  ciphers: string
  ALPNProtocols: string[]
  SNICallback: NonNullable<TlsOptions['SNICallback']>
}

/**
 * TLS for a lab endpoint, the way CloudFront serves a distribution with an SNI certificate: a client that
 * asks for one of the lab's names (SNI) gets a certificate for that name, issued on first request; any
 * other name, or no SNI at all (connecting by IP), gets the default certificate with all the lab's names.
 * Protocol floor and ciphers follow the security policy. ALPN offers h2 then http/1.1, so
 * `http2.createSecureServer({ ...options, allowHTTP1: true })` serves both.
 */
export async function tlsOptionsFor(input: LabTlsInput): Promise<LabTlsOptions> {
  const names = normalizeNames(input.names)
  const certs = input.certs ?? new LeafCerts(input.ca)
  const policy = nodeTlsPolicy(input.securityPolicy ?? defaultSecurityPolicy)
  const base = {
    minVersion: policy.minVersion,
    ciphers: policy.ciphers,
    honorCipherOrder: policy.honorCipherOrder,
    ecdhCurve: policy.ecdhCurve
  }
  const contexts = new WeakMap<LeafCert, SecureContext>()
  const contextOf = (leaf: LeafCert): SecureContext => {
    let context = contexts.get(leaf)
    if (!context) contexts.set(leaf, (context = createSecureContext({ ...base, key: leaf.keyPem, cert: leaf.certPem })))
    return context
  }
  const fallback = await certs.issue(names)
  return {
    ...base,
    key: fallback.keyPem,
    cert: fallback.certPem,
    ALPNProtocols: ['h2', 'http/1.1'],
    SNICallback(servername, callback) {
      const match = certNameFor(servername, names)
      // LeafCerts answers from memory after the first time and renews what is about to expire.
      certs.issue(match === undefined ? names : [match]).then(
        (leaf) => callback(null, contextOf(leaf)),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), undefined)
      )
    }
  }
}

/**
 * The lab name a TLS server name falls under: itself, or the `*.` wildcard covering it (one label, as
 * browsers match). Undefined when the lab has no such name.
 */
export function certNameFor(servername: string, names: readonly string[]): string | undefined {
  const host = servername.toLowerCase().replace(/\.$/, '')
  if (names.includes(host)) return host
  const dot = host.indexOf('.')
  if (dot <= 0) return undefined
  const wildcard = `*${host.slice(dot)}`
  return names.includes(wildcard) ? wildcard : undefined
}
