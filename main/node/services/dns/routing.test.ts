import { describe, expect, it } from 'vitest'
import { dnsConfigSchema } from '../../../common/services/dns/dns-config'
import { parseName } from '../../../common/services/dns/dns-name'
import { formatRdata } from '../../../common/services/dns/rdata'
import { recordTypeCodes } from '../../../common/services/dns/record-types'
import { createRandom } from '../../base/random'
import { ClientMaps } from './client-maps'
import { selectRecord } from './routing'
import { Zone } from './zone'

type Records = Record<string, unknown>[]

function setup(records: Records, extra: Record<string, unknown> = {}) {
  const config = dnsConfigSchema.parse({ zones: [{ name: 'example.test', records }], ...extra })
  const zone = new Zone(config.zones[0]!)
  const maps = new ClientMaps(config)
  return (name: string, type: keyof typeof recordTypeCodes, options: { source?: string; down?: string[]; seed?: number } = {}) => {
    const group = zone.group(parseName(name ? `${name}.example.test.` : 'example.test.'), recordTypeCodes[type])!
    const ctx = maps.context(options.source ?? '127.0.0.1', (id) => !(options.down ?? []).includes(id), createRandom(options.seed ?? 7))
    const selection = selectRecord(zone, group, ctx)
    return { values: selection.rrset?.rdatas.map(formatRdata) ?? [], explanation: selection.explanation, ctx, zone, group }
  }
}

const hc = (id: string) => ({ id, type: 'TCP', target: '127.0.0.1:1' })

describe('weighted routing', () => {
  const records: Records = [
    { name: 'www', type: 'A', values: ['192.0.2.1'], setIdentifier: 'blue', weight: 70, healthCheck: 'blue' },
    { name: 'www', type: 'A', values: ['192.0.2.2'], setIdentifier: 'green', weight: 30, healthCheck: 'green' },
    { name: 'www', type: 'A', values: ['192.0.2.9'], setIdentifier: 'standby', weight: 0 }
  ]
  const ask = setup(records, { healthChecks: [hc('blue'), hc('green')] })

  it('answers in proportion to the weights (10,000 draws, fixed seed)', () => {
    const { zone, group } = ask('www', 'A')
    const maps = new ClientMaps(dnsConfigSchema.parse({}))
    const ctx = maps.context('127.0.0.1', () => true, createRandom(42))
    const counts = new Map<string, number>()
    for (let i = 0; i < 10_000; i++) {
      const value = formatRdata(selectRecord(zone, group, ctx).rrset!.rdatas[0]!)
      counts.set(value, (counts.get(value) ?? 0) + 1)
    }
    // Chi-square with 1 degree of freedom below 6.63 (p = 0.01).
    const blue = counts.get('192.0.2.1') ?? 0
    const green = counts.get('192.0.2.2') ?? 0
    const chi = (blue - 7000) ** 2 / 7000 + (green - 3000) ** 2 / 3000
    expect(chi).toBeLessThan(6.63)
    expect(counts.get('192.0.2.9')).toBeUndefined()
  })

  it('skips unhealthy records, and uses weight 0 only when every weighted record is down', () => {
    expect(ask('www', 'A', { down: ['blue'] }).values).toEqual(['192.0.2.2'])
    const bothDown = ask('www', 'A', { down: ['blue', 'green'] })
    expect(bothDown.values).toEqual(['192.0.2.9'])
    expect(bothDown.explanation).toContain('weight-0')
  })

  it('treats all as healthy when none is', () => {
    const only = setup(records.slice(0, 2), { healthChecks: [hc('blue'), hc('green')] })
    const result = only('www', 'A', { down: ['blue', 'green'] })
    expect(['192.0.2.1', '192.0.2.2']).toContain(result.values[0])
    expect(result.explanation).toContain('all count as healthy')
  })
})

describe('failover routing', () => {
  const ask = setup(
    [
      { name: 'app', type: 'A', values: ['192.0.2.10'], setIdentifier: 'main', failover: 'PRIMARY', healthCheck: 'main' },
      { name: 'app', type: 'A', values: ['192.0.2.20'], setIdentifier: 'backup', failover: 'SECONDARY', healthCheck: 'backup' }
    ],
    { healthChecks: [hc('main'), hc('backup')] }
  )

  it('answers the primary while healthy, the secondary when not, and the primary when both are down', () => {
    expect(ask('app', 'A').values).toEqual(['192.0.2.10'])
    expect(ask('app', 'A', { down: ['main'] })).toMatchObject({ values: ['192.0.2.20'], explanation: expect.stringContaining('"main" is unhealthy') })
    expect(ask('app', 'A', { down: ['main', 'backup'] }).values).toEqual(['192.0.2.10'])
  })
})

describe('multivalue answers', () => {
  const records = Array.from({ length: 10 }, (_, i) => ({ name: 'mv', type: 'A', values: [`192.0.2.${i + 1}`], setIdentifier: `r${i}`, multivalue: true, healthCheck: `c${i}` }))
  const ask = setup(records, { healthChecks: records.map((_, i) => hc(`c${i}`)) })

  it('gives at most 8 healthy records', () => {
    expect(ask('mv', 'A').values).toHaveLength(8)
    const some = ask('mv', 'A', { down: ['c0', 'c1', 'c2', 'c3', 'c4'] }).values
    expect(some.sort()).toEqual(['192.0.2.10', '192.0.2.6', '192.0.2.7', '192.0.2.8', '192.0.2.9'])
    expect(ask('mv', 'A', { down: records.map((_, i) => `c${i}`) }).values).toHaveLength(8)
  })
})

describe('latency, geolocation and IP-based routing', () => {
  const ask = setup(
    [
      { name: 'lat', type: 'A', values: ['192.0.2.1'], setIdentifier: 'use1', region: 'us-east-1', healthCheck: 'use1' },
      { name: 'lat', type: 'A', values: ['192.0.2.2'], setIdentifier: 'euw1', region: 'eu-west-1', healthCheck: 'euw1' },
      { name: 'geo', type: 'A', values: ['192.0.2.11'], setIdentifier: 'wa', geolocation: { country: 'US', subdivision: 'WA' }, healthCheck: 'wa' },
      { name: 'geo', type: 'A', values: ['192.0.2.12'], setIdentifier: 'us', geolocation: { country: 'US' } },
      { name: 'geo', type: 'A', values: ['192.0.2.13'], setIdentifier: 'eu', geolocation: { continent: 'EU' } },
      { name: 'geo2', type: 'A', values: ['192.0.2.30'], setIdentifier: 'eu', geolocation: { continent: 'EU' } },
      { name: 'geo3', type: 'A', values: ['192.0.2.31'], setIdentifier: 'eu', geolocation: { continent: 'EU' } },
      { name: 'geo3', type: 'A', values: ['192.0.2.32'], setIdentifier: 'default', geolocation: { country: '*' } },
      { name: 'ip', type: 'A', values: ['192.0.2.41'], setIdentifier: 'office', cidr: { collection: 'net', location: 'office' } },
      { name: 'ip', type: 'A', values: ['192.0.2.49'], setIdentifier: 'rest', cidr: { collection: 'net', location: '*' } }
    ],
    {
      healthChecks: [hc('use1'), hc('euw1'), hc('wa')],
      clientRegions: { 'eu-west-2': ['127.0.0.0/25'], 'us-east-2': ['127.0.0.128/25'] },
      clientLocations: [
        { cidr: '127.0.0.0/24', continent: 'NA', country: 'US', subdivision: 'WA' },
        { cidr: '127.0.1.0/24', continent: 'EU', country: 'DE' }
      ],
      cidrCollections: { net: { office: ['127.0.0.0/30', '127.0.0.8/29'] } }
    }
  )

  it('latency: the healthy region closest to the client\'s', () => {
    expect(ask('lat', 'A', { source: '127.0.0.1' }).values).toEqual(['192.0.2.2'])
    expect(ask('lat', 'A', { source: '127.0.0.200' }).values).toEqual(['192.0.2.1'])
    expect(ask('lat', 'A', { source: '127.0.0.1', down: ['euw1'] }).values).toEqual(['192.0.2.1'])
  })

  it('geolocation: the most specific healthy match, then larger areas, the default, or no answer', () => {
    expect(ask('geo', 'A').values).toEqual(['192.0.2.11'])
    expect(ask('geo', 'A', { down: ['wa'] })).toMatchObject({ values: ['192.0.2.12'], explanation: expect.stringContaining('more specific record is unhealthy') })
    expect(ask('geo', 'A', { source: '127.0.1.5' }).values).toEqual(['192.0.2.13'])
    expect(ask('geo2', 'A')).toMatchObject({ values: [], explanation: expect.stringContaining('no answer') })
    expect(ask('geo3', 'A').values).toEqual(['192.0.2.32'])
  })

  it('IP-based: the longest matching block, else the * record', () => {
    expect(ask('ip', 'A', { source: '127.0.0.2' }).values).toEqual(['192.0.2.41'])
    expect(ask('ip', 'A', { source: '127.0.0.9' }).values).toEqual(['192.0.2.41'])
    expect(ask('ip', 'A', { source: '127.0.0.5' }).values).toEqual(['192.0.2.49'])
  })
})

describe('alias records', () => {
  const ask = setup(
    [
      { name: '@', type: 'A', alias: { record: 'www', evaluateTargetHealth: true }, setIdentifier: 'apex', failover: 'PRIMARY' },
      { name: '@', type: 'A', values: ['192.0.2.99'], setIdentifier: 'sorry', failover: 'SECONDARY' },
      { name: 'www', type: 'A', values: ['192.0.2.1'], setIdentifier: 'a', weight: 1, healthCheck: 'a' },
      { name: 'www', type: 'A', values: ['192.0.2.2'], setIdentifier: 'b', weight: 1, healthCheck: 'b' },
      { name: 'api', type: 'A', alias: { record: 'www' } }
    ],
    { healthChecks: [hc('a'), hc('b')] }
  )

  it('answers with the target\'s data and TTL, at the apex too', () => {
    const apex = setup([{ name: '@', type: 'A', alias: { record: 'www' } }, { name: 'www', type: 'A', ttl: 60, values: ['192.0.2.5'] }])
    const result = apex('', 'A')
    expect(result.values).toEqual(['192.0.2.5'])
    expect(ask('api', 'A').values.length).toBe(1)
  })

  it('backs out of a branch whose target is all unhealthy when evaluating target health', () => {
    expect(['192.0.2.1', '192.0.2.2']).toContain(ask('', 'A').values[0])
    expect(ask('', 'A', { down: ['a'] }).values).toEqual(['192.0.2.2'])
    expect(ask('', 'A', { down: ['a', 'b'] }).values).toEqual(['192.0.2.99'])
  })
})

describe('routing config rules', () => {
  const problems = (records: Records, extra: Record<string, unknown> = {}) => {
    const result = dnsConfigSchema.safeParse({ zones: [{ name: 'example.test', records }], ...extra })
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
  }

  it('reports policy mistakes where they are', () => {
    expect(problems([{ name: 'a', type: 'A', values: ['192.0.2.1'], weight: 1 }])).toEqual(['zones.0.records.0.setIdentifier: a weighted record set needs a setIdentifier'])
    expect(problems([
      { name: 'a', type: 'A', values: ['192.0.2.1'], setIdentifier: 'x', weight: 1 },
      { name: 'a', type: 'A', values: ['192.0.2.2'], setIdentifier: 'y', failover: 'PRIMARY' }
    ])).toEqual(['zones.0.records.1.type: a.example.test. A mixes weighted and failover routing (one policy per name and type)'])
    expect(problems([
      { name: 'a', type: 'A', values: ['192.0.2.1'], setIdentifier: 'x', weight: 1 },
      { name: 'a', type: 'A', values: ['192.0.2.2'], setIdentifier: 'x', weight: 2 }
    ])).toEqual(['zones.0.records.1.setIdentifier: setIdentifier "x" is already used by records[0]'])
    expect(problems([{ name: 'a', type: 'A', alias: { record: 'b' }, ttl: 60 }])).toEqual(['zones.0.records.0.ttl: an alias has no TTL of its own: it uses its target\'s'])
    expect(problems([{ name: 'a', type: 'A', values: ['192.0.2.1'], setIdentifier: 'x', weight: 1, healthCheck: 'nope' }])).toEqual(['zones.0.records.0.healthCheck: unknown health check "nope"'])
    expect(problems([], { healthChecks: [{ id: 'c', type: 'CALCULATED', children: ['d'] }] })).toEqual(['healthChecks.0.children: unknown health check "d"'])
  })
})

describe('geoproximity routing', () => {
  const ask = setup(
    [
      { name: 'gp', type: 'A', values: ['192.0.2.1'], setIdentifier: 'virginia', geoproximity: { region: 'us-east-1' }, healthCheck: 'va' },
      { name: 'gp', type: 'A', values: ['192.0.2.2'], setIdentifier: 'frankfurt', geoproximity: { coordinates: { latitude: 50.1, longitude: 8.7 } } }
    ],
    {
      healthChecks: [hc('va')],
      clientLocations: [{ cidr: '127.0.0.0/24', continent: 'EU', country: 'IE', latitude: 53.3, longitude: -6.3 }],
      clientRegions: { 'us-east-2': ['127.0.1.0/24'] }
    }
  )

  it('answers the closest record, with bias moving the boundary', () => {
    expect(ask('gp', 'A').values).toEqual(['192.0.2.2']) // Dublin → Frankfurt (~1,100 km) over Virginia (~5,500 km)
    expect(ask('gp', 'A', { source: '127.0.1.1' }).values).toEqual(['192.0.2.1']) // Ohio → Virginia
    expect(ask('gp', 'A', { down: ['va'], source: '127.0.1.1' }).values).toEqual(['192.0.2.2'])
    const biased = setup(
      [
        { name: 'gp', type: 'A', values: ['192.0.2.1'], setIdentifier: 'virginia', geoproximity: { region: 'us-east-1', bias: 90 } },
        { name: 'gp', type: 'A', values: ['192.0.2.2'], setIdentifier: 'frankfurt', geoproximity: { coordinates: { latitude: 50.1, longitude: 8.7 } } }
      ],
      { clientLocations: [{ cidr: '127.0.0.0/24', continent: 'EU', latitude: 53.3, longitude: -6.3 }] }
    )
    // Bias 90 shrinks Virginia's ~5,500 km to ~550 km: it wins over Frankfurt from Dublin.
    expect(biased('gp', 'A')).toMatchObject({ values: ['192.0.2.1'], explanation: expect.stringContaining('with bias 90') })
  })
})
