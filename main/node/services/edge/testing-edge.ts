import { serviceSchema } from '../../../common/topology/lab-schema'
import { FakeClock } from '../../base/clock'
import { nullLogger } from '../../lab-host/logger'
import { MetricsRegistry } from '../../metrics/metrics-registry'
import type { ServiceContext, ServiceSpecOf } from '../service-module'
import { EdgeService } from './edge-service'

/** The spec of an edge service named `cdn` on 127.0.0.1:0, with `config` as a lab file would have it. */
export function edgeSpec(config: Record<string, unknown>): ServiceSpecOf<'edge'> {
  return serviceSchema.parse({ id: 'cdn', kind: 'edge', listen: { host: '127.0.0.1', port: 0 }, config }) as ServiceSpecOf<'edge'>
}

/**
 * An edge service named `cdn` on 127.0.0.1:0, with `config` as a lab file would have it, a fake
 * clock, a quiet log and its own metrics registry unless the caller brings them. Not started: tests
 * start and stop it themselves.
 */
export function edgeForTest(config: Record<string, unknown>, context: Partial<Omit<ServiceContext, 'id'>> = {}): EdgeService {
  return new EdgeService(edgeSpec(config), { id: 'cdn', labDir: '.', log: nullLogger, metrics: new MetricsRegistry().scope({ service: 'cdn' }), clock: new FakeClock(), ...context })
}
