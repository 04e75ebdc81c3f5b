import type { ServiceModule } from '../service-module'
import { DnsService } from './dns-service'

/** `dns`: an authoritative name server for the lab's hosted zones (Route 53). See README.md. */
export const dnsModule: ServiceModule<'dns'> = {
  kind: 'dns',
  title: 'DNS (Route 53)',
  create: (spec, ctx) => new DnsService(spec, ctx)
}
