import { getCiphers } from 'node:tls'

/**
 * CloudFront's viewer security policies, oldest first ("Supported protocols and ciphers between viewers and
 * CloudFront", AWS CloudFront Developer Guide; the 2025 policies from the current page, the rest also in the
 * 2023 awsdocs snapshot). Each protocol and cipher below is in every policy from SSLv3 up to and including
 * the one named next to it: the published table has that shape.
 */
import { defaultSecurityPolicy, securityPolicyNames, type SecurityPolicyName } from '../../common/services/edge/security-policy-names'

export { defaultSecurityPolicy, securityPolicyNames, type SecurityPolicyName }

type Protocol = 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'

const protocols: readonly [Protocol, SecurityPolicyName][] = [
  ['TLSv1.3', 'TLSv1.3_2025'],
  ['TLSv1.2', 'TLSv1.2_2025'],
  ['TLSv1.1', 'TLSv1.1_2016'],
  ['TLSv1', 'TLSv1_2016'],
  ['SSLv3', 'SSLv3']
]

/** OpenSSL names, in CloudFront's order of preference (it picks the first one the viewer offers). */
const ciphers: readonly [string, SecurityPolicyName][] = [
  ['TLS_AES_128_GCM_SHA256', 'TLSv1.3_2025'],
  ['TLS_AES_256_GCM_SHA384', 'TLSv1.3_2025'],
  ['TLS_CHACHA20_POLY1305_SHA256', 'TLSv1.2_2025'],
  ['ECDHE-ECDSA-AES128-GCM-SHA256', 'TLSv1.2_2025'],
  ['ECDHE-ECDSA-AES128-SHA256', 'TLSv1.2_2019'],
  ['ECDHE-ECDSA-AES128-SHA', 'TLSv1.1_2016'],
  ['ECDHE-ECDSA-AES256-GCM-SHA384', 'TLSv1.2_2025'],
  ['ECDHE-ECDSA-CHACHA20-POLY1305', 'TLSv1.2_2021'],
  ['ECDHE-ECDSA-AES256-SHA384', 'TLSv1.2_2019'],
  ['ECDHE-ECDSA-AES256-SHA', 'TLSv1.1_2016'],
  // RSA suites need an RSA certificate; the lab's are ECDSA, so these are listed for fidelity only.
  ['ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.2_2025'],
  ['ECDHE-RSA-AES128-SHA256', 'TLSv1.2_2019'],
  ['ECDHE-RSA-AES128-SHA', 'TLSv1.1_2016'],
  ['ECDHE-RSA-AES256-GCM-SHA384', 'TLSv1.2_2025'],
  ['ECDHE-RSA-CHACHA20-POLY1305', 'TLSv1.2_2021'],
  ['ECDHE-RSA-AES256-SHA384', 'TLSv1.2_2019'],
  ['ECDHE-RSA-AES256-SHA', 'TLSv1.1_2016'],
  ['AES128-GCM-SHA256', 'TLSv1.2_2018'],
  ['AES256-GCM-SHA384', 'TLSv1.2_2018'],
  ['AES128-SHA256', 'TLSv1.2_2018'],
  ['AES256-SHA', 'TLSv1.1_2016'],
  ['AES128-SHA', 'TLSv1.1_2016'],
  ['DES-CBC3-SHA', 'TLSv1'],
  ['RC4-MD5', 'SSLv3']
]

const rank = (policy: SecurityPolicyName) => securityPolicyNames.indexOf(policy)
const inPolicy = (policy: SecurityPolicyName) => (row: readonly [string, SecurityPolicyName]) =>
  rank(policy) <= rank(row[1])

export interface SecurityPolicy {
  name: SecurityPolicyName
  /** What CloudFront allows, lowest first. */
  protocols: Protocol[]
  /** What CloudFront allows, in its order of preference. */
  ciphers: string[]
}

export function securityPolicy(name: SecurityPolicyName): SecurityPolicy {
  return {
    name,
    protocols: protocols.filter(inPolicy(name)).map(([p]) => p).reverse(),
    ciphers: ciphers.filter(inPolicy(name)).map(([c]) => c)
  }
}

export function isSecurityPolicyName(value: string): value is SecurityPolicyName {
  return (securityPolicyNames as readonly string[]).includes(value)
}

/** node:tls options for a policy, and what this Node/OpenSSL build cannot do of it. */
export interface NodeTlsPolicy {
  minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'
  ciphers: string
  /** The server's order wins, as on CloudFront. */
  honorCipherOrder: true
  /** CloudFront's curves for ECDHE: X25519, P-256, P-384. */
  ecdhCurve: string
  /** Protocols and ciphers of the policy that this OpenSSL cannot offer, e.g. SSLv3 and RC4-MD5 on OpenSSL 3. */
  unavailable: string[]
}

export function nodeTlsPolicy(name: SecurityPolicyName): NodeTlsPolicy {
  const policy = securityPolicy(name)
  const known = new Set(getCiphers().map((c) => c.toUpperCase()))
  const usable = policy.ciphers.filter((c) => known.has(c))
  const lowest = policy.protocols[0]!
  // Node's OpenSSL 3 has no SSLv3 at all; TLS 1.0 and 1.1 sign their handshake with MD5/SHA-1, which
  // security level 1 (the default) forbids, so policies that allow them run at level 0.
  const legacy = lowest !== 'TLSv1.2' && lowest !== 'TLSv1.3'
  return {
    minVersion: lowest === 'SSLv3' ? 'TLSv1' : lowest,
    ciphers: usable.join(':') + (legacy ? ':@SECLEVEL=0' : ''),
    honorCipherOrder: true,
    ecdhCurve: 'X25519:P-256:P-384',
    unavailable: [...(lowest === 'SSLv3' ? ['SSLv3'] : []), ...policy.ciphers.filter((c) => !known.has(c))]
  }
}
