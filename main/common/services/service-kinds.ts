import type { z } from 'zod'
import { dnsConfigSchema } from './dns/dns-config'
import { edgeConfigSchema } from './edge/edge-config'
import { gatewayConfigSchema } from './gateway/gateway-config'
import { originConfigSchema } from './origin/origin-config'

/**
 * The service kinds a lab file may name, with the schema of each kind's `config:` block.
 * An explicit, ordered table (CoreDNS plugin.cfg style): adding a kind is one line here and one in
 * main/node/services/registry.ts.
 */
export const serviceConfigSchemas = {
  origin: originConfigSchema,
  dns: dnsConfigSchema,
  edge: edgeConfigSchema,
  gateway: gatewayConfigSchema
} as const satisfies Record<string, z.ZodType>

export type ServiceKind = keyof typeof serviceConfigSchemas
export const serviceKinds = Object.keys(serviceConfigSchemas) as ServiceKind[]

export function isServiceKind(value: unknown): value is ServiceKind {
  return typeof value === 'string' && Object.hasOwn(serviceConfigSchemas, value)
}
