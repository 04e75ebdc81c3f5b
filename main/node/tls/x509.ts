// Order matters: the polyfill must run before @peculiar/x509 is evaluated.
import './reflect-metadata'
import * as x509 from '@peculiar/x509'
import { webcrypto } from 'node:crypto'

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])

/** ECDSA P-256 with SHA-256: every TLS client of the last decade takes it, and keys are made in a few ms. */
export const ecdsaP256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
export const subtle = webcrypto.subtle

export { x509 }
