import { z } from 'zod'
import { dnsConfigSchema } from '../services/dns/dns-config'
import { edgeConfigSchema } from '../services/edge/edge-config'
import { gatewayConfigSchema } from '../services/gateway/gateway-config'
import { originConfigSchema } from '../services/origin/origin-config'

export const LAB_API_VERSION = 'netloom/v1'

export const serviceIdSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,62}$/,
    'must be lowercase letters, digits and "-", start with a letter, at most 63 characters'
  )
  .describe('Unique id of the service in this lab, e.g. `origin-web`.')

export const listenSchema = z
  .object({
    host: z
      .union([z.ipv4(), z.ipv6()])
      .default('127.0.0.1')
      .describe('Address to listen on. Default 127.0.0.1 (needs no privileges).'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .describe('Port to listen on. 0 picks a free port when the lab starts.')
  })
  .strict()
  .describe('Where the service listens.')

const serviceCommon = {
  id: serviceIdSchema,
  name: z.string().max(100).optional().describe('Display name. Default: the id.'),
  description: z.string().max(2000).optional(),
  listen: listenSchema,
  dependsOn: z
    .array(serviceIdSchema)
    .default([])
    .describe('Services that must be running before this one starts. Also drawn as edges.')
}

/** One entry per service kind; `config` is validated by that kind's schema (main/common/services/<kind>). */
export const serviceSchema = z.discriminatedUnion('kind', [
  z.object({ ...serviceCommon, kind: z.literal('origin'), config: originConfigSchema.prefault({}) }).strict(),
  z.object({ ...serviceCommon, kind: z.literal('dns'), config: dnsConfigSchema.prefault({}) }).strict(),
  z.object({ ...serviceCommon, kind: z.literal('edge'), config: edgeConfigSchema }).strict(),
  z.object({ ...serviceCommon, kind: z.literal('gateway'), config: gatewayConfigSchema }).strict()
])

export const layoutSchema = z
  .object({
    nodes: z
      .record(
        z.string(),
        z.object({ x: z.number(), y: z.number() }).strict().describe('Position in the topology view.')
      )
      .default({})
  })
  .strict()
  .describe('Editor positions, kept apart from the services so hand edits and the GUI round-trip.')

export const labSchema = z
  .object({
    apiVersion: z.literal(LAB_API_VERSION).describe('Version of the lab file format.'),
    kind: z.literal('Lab'),
    metadata: z
      .object({
        name: z.string().min(1).max(100).describe('Name of the lab, shown in the title bar.'),
        description: z.string().max(5000).optional()
      })
      .strict(),
    services: z.array(serviceSchema).default([]),
    layout: layoutSchema.optional()
  })
  .strict()
  .describe('A Netloom lab: services, how they connect, and where the editor draws them.')

export type Lab = z.output<typeof labSchema>
export type LabInput = z.input<typeof labSchema>
export type ServiceSpec = z.output<typeof serviceSchema>
export type ListenAddress = z.output<typeof listenSchema>

/** The JSON Schema of lab files, as written to resources/schema/netloom-lab.schema.json. */
export function labJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(labSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' })
  return {
    ...schema,
    $id: 'https://netloom.dev/schema/netloom-lab.schema.json',
    title: 'Netloom lab'
  }
}
