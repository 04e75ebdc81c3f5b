import { z } from 'zod'

const cidr = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'must be a CIDR range, e.g. 10.0.0.0/16')
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "." and "-", at most 64')

/** The routing-policy fields of a record set (Route 53's ResourceRecordSet). At most one policy per set. */
export const recordRoutingFields = {
  setIdentifier: z.string().min(1).max(128).optional().describe('Tells apart the record sets of one name and type (every policy but simple).'),
  weight: z.number().int().min(0).max(255).optional().describe('Weighted: share of answers is weight / sum of weights; 0 = only when all others are unhealthy.'),
  failover: z.enum(['PRIMARY', 'SECONDARY']).optional().describe('Failover: the primary while it is healthy, else the secondary.'),
  region: z.string().min(1).max(32).optional().describe('Latency: the lab region of this record; clients get the region closest to theirs.'),
  geolocation: z
    .object({
      continent: z.enum(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']).optional(),
      country: z.string().regex(/^([A-Z]{2}|\*)$/, 'ISO 3166-1 alpha-2 code, or * for the default').optional(),
      subdivision: z.string().min(1).max(3).optional()
    })
    .strict()
    .optional()
    .describe('Geolocation: continent, country (or * for the default), or a US state.'),
  multivalue: z.boolean().optional().describe('Multivalue answer: up to 8 healthy record sets at once.'),
  geoproximity: z
    .object({
      region: z.string().min(1).max(32).optional().describe('An AWS Region name as the location of this record.'),
      coordinates: z
        .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
        .strict()
        .optional(),
      bias: z.number().int().min(-99).max(99).default(0).describe('Grows (+) or shrinks (−) the area this record serves.')
    })
    .strict()
    .refine((g) => (g.region === undefined) !== (g.coordinates === undefined), { message: 'give either region or coordinates' })
    .optional()
    .describe('Geoproximity: clients go to the record whose biased distance to them is smallest.'),
  cidr: z
    .object({ collection: id, location: z.string().regex(/^([0-9A-Za-z_-]{1,16}|\*)$/, '1–16 of [0-9A-Za-z_-], or *') })
    .strict()
    .optional()
    .describe('IP-based: the location of a CIDR collection this record serves (* for everyone else).'),
  healthCheck: id.optional().describe('Id of a health check (healthChecks) that decides whether this record may be answered.'),
  alias: z
    .object({
      record: z.string().min(1).optional().describe('A record set of the same type in this zone: `@`, `www`, or `www.example.test.`.'),
      service: z.string().min(1).optional().describe('A lab service (A/AAAA only): answers with its listen address, as an alias to a load balancer would.'),
      evaluateTargetHealth: z.boolean().default(false).describe('Healthy only while the target is (a running service; a record set with a healthy record).')
    })
    .strict()
    .refine((alias) => (alias.record === undefined) !== (alias.service === undefined), { message: 'an alias points at either a record or a service' })
    .optional()
    .describe('Alias: answer with another record set\'s data or a lab service\'s address, even at the zone apex; it has no TTL of its own.')
}

export const routingPolicies = ['weighted', 'failover', 'latency', 'geolocation', 'geoproximity', 'multivalue', 'cidr'] as const
export type RoutingPolicy = (typeof routingPolicies)[number] | 'simple'

/** Which policy a record set uses, from the field that is set. */
export function policyOf(record: { weight?: number; failover?: string; region?: string; geolocation?: object; geoproximity?: object; multivalue?: boolean; cidr?: object }): RoutingPolicy[] {
  const used: RoutingPolicy[] = []
  if (record.weight !== undefined) used.push('weighted')
  if (record.failover !== undefined) used.push('failover')
  if (record.region !== undefined) used.push('latency')
  if (record.geolocation !== undefined) used.push('geolocation')
  if (record.geoproximity !== undefined) used.push('geoproximity')
  if (record.multivalue) used.push('multivalue')
  if (record.cidr !== undefined) used.push('cidr')
  return used.length ? used : ['simple']
}

export const healthCheckSchema = z
  .object({
    id,
    type: z.enum(['HTTP', 'HTTPS', 'TCP', 'CALCULATED']).describe('What is checked: an HTTP(S) status 200–399, a TCP connect, or other checks combined.'),
    target: z
      .string()
      .optional()
      .describe('HTTP(S)/TCP: a lab service id (its address) or a loopback URL / host:port.'),
    path: z.string().max(255).default('/').describe('HTTP(S): the path requested.'),
    searchString: z.string().max(255).optional().describe('HTTP(S): healthy only if this appears in the first 5,120 bytes of the body.'),
    intervalSeconds: z.number().int().min(1).max(30).default(30).describe('Seconds between checks (Route 53: 10 or 30; lower here for demos).'),
    failureThreshold: z.number().int().min(1).max(10).default(3).describe('Consecutive results needed to change the state.'),
    inverted: z.boolean().default(false).describe('Healthy when the check fails.'),
    disabled: z.boolean().default(false).describe('Always healthy (Route 53\'s rule).'),
    children: z.array(id).max(256).optional().describe('CALCULATED: the checks combined.'),
    healthThreshold: z.number().int().min(0).max(256).optional().describe('CALCULATED: how many children must be healthy.')
  })
  .strict()

export type HealthCheckConfig = z.output<typeof healthCheckSchema>

export const clientMapsSchema = {
  clientRegions: z
    .record(z.string(), z.array(cidr))
    .default({})
    .describe('Latency routing: lab region → client ranges in it, e.g. `us-east-1: [127.0.0.0/25]`.'),
  clientLocations: z
    .array(
      z
        .object({
          cidr,
          continent: z.enum(['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA']),
          country: z.string().regex(/^[A-Z]{2}$/).optional(),
          subdivision: z.string().min(1).max(3).optional(),
          latitude: z.number().min(-90).max(90).optional().describe('Geoproximity: where these clients are.'),
          longitude: z.number().min(-180).max(180).optional()
        })
        .strict()
    )
    .default([])
    .describe('Geolocation routing: where clients in each range are (the most specific range wins).'),
  cidrCollections: z
    .record(id, z.record(z.string().regex(/^[0-9A-Za-z_-]{1,16}$/), z.array(cidr)))
    .default({})
    .describe('IP-based routing: collection → location → CIDR blocks.'),
  seed: z.number().int().optional().describe('Seed for weighted and multivalue draws (repeatable labs and tests).')
}
