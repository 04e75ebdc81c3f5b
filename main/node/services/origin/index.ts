import type { ServiceModule } from '../service-module'
import { OriginService } from './origin-service'

/** `origin`: an HTTP backend with routes, a static folder, an echo and injected faults. See README.md. */
export const originModule: ServiceModule<'origin'> = {
  kind: 'origin',
  title: 'HTTP origin',
  create: (spec, ctx) => new OriginService(spec, ctx)
}
