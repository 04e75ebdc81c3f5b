import type { DnsConfig } from '../../../common/services/dns/dns-config'
import type { Random } from '../../base/random'
import { cidrContains, parseCidr, type Cidr } from '../../net/cidr'
import { regionCoordinates } from './regions'
import type { RoutingContext } from './routing'

type Location = NonNullable<RoutingContext['clientLocation']>

/**
 * Where a client is, for latency, geolocation and IP-based routing: the lab maps source ranges to
 * regions, locations and CIDR-collection locations (Route 53 uses its own data and EDNS Client Subnet;
 * a lab has only loopback addresses, so the lab says where each one "is").
 */
export class ClientMaps {
  private readonly regions: { cidr: Cidr; region: string }[]
  private readonly locations: { cidr: Cidr; location: Location }[]
  private readonly collections: Map<string, { cidr: Cidr; location: string }[]>

  constructor(config: Pick<DnsConfig, 'clientRegions' | 'clientLocations' | 'cidrCollections'>) {
    this.regions = Object.entries(config.clientRegions).flatMap(([region, ranges]) => ranges.map((range) => ({ cidr: parseCidr(range), region })))
    this.locations = config.clientLocations.map(({ cidr, ...location }) => ({ cidr: parseCidr(cidr), location }))
    this.collections = new Map(
      Object.entries(config.cidrCollections).map(([name, locations]) => [
        name,
        Object.entries(locations).flatMap(([location, ranges]) => ranges.map((range) => ({ cidr: parseCidr(range), location })))
      ])
    )
  }

  /** A routing context for one query from `source`. */
  context(source: string, isHealthy: (checkId: string) => boolean, random: Random, service?: RoutingContext['service']): RoutingContext {
    const region = longest(this.regions, source)?.region
    const location = longest(this.locations, source)?.location
    // Geoproximity needs coordinates: the client location's own, else its region's.
    const point: [number, number] | undefined =
      location?.latitude !== undefined && location.longitude !== undefined ? [location.latitude, location.longitude] : region ? regionCoordinates(region) : undefined
    return {
      isHealthy,
      random,
      ...(region ? { clientRegion: region } : {}),
      ...(location ? { clientLocation: location } : {}),
      ...(point ? { clientCoordinates: point } : {}),
      ...(service ? { service } : {}),
      cidrLocation: (collection) => longest(this.collections.get(collection) ?? [], source)?.location
    }
  }
}

/** The entry with the longest prefix containing the address (longest-prefix match). */
function longest<T extends { cidr: Cidr }>(entries: readonly T[], address: string): T | undefined {
  let best: T | undefined
  for (const entry of entries) if (cidrContains(entry.cidr, address) && (!best || entry.cidr.prefix > best.cidr.prefix)) best = entry
  return best
}
