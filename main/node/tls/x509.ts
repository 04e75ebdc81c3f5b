import { webcrypto } from 'node:crypto'
import { createRequire } from 'node:module'
import type * as X509 from '@peculiar/x509'
import './reflect-metadata'

/**
 * @peculiar/x509, loaded only after the Reflect polyfill has run. A static `import` would not do: ESM
 * evaluates imported packages before any code of the importing module, and in the CLI bundle every
 * external import is hoisted above all inlined code, so tsyringe would find no polyfill and throw.
 */
const loadCjs = createRequire(import.meta.url)
const x509 = loadCjs('@peculiar/x509') as typeof X509

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])

/** ECDSA P-256 with SHA-256: every TLS client of the last decade takes it, and keys are made in a few ms. */
export const ecdsaP256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
export const subtle = webcrypto.subtle

export { x509 }
