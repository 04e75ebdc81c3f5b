import type { ServiceKind } from '../../common/services/service-kinds'
import { dnsModule } from './dns'
import { edgeModule } from './edge'
import { gatewayModule } from './gateway'
import { originModule } from './origin'
import type { ServiceModule } from './service-module'

/**
 * Every service kind the engine can run, in one explicit list (Caddy's modules, without the magic).
 * A new kind adds its module here, its config schema in main/common/services/service-kinds.ts.
 */
export const serviceModules: readonly ServiceModule[] = [originModule as ServiceModule, dnsModule as ServiceModule, edgeModule as ServiceModule, gatewayModule as ServiceModule]

export function moduleFor(kind: ServiceKind): ServiceModule | undefined {
  return serviceModules.find((module) => module.kind === kind)
}
