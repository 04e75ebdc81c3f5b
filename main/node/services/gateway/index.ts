import type { ServiceModule } from '../service-module'
import { GatewayService } from './gateway-service'

/** `gateway`: API Gateway's HTTP and REST APIs with stages, throttling and API keys. See README.md. */
export const gatewayModule: ServiceModule<'gateway'> = {
  kind: 'gateway',
  title: 'API Gateway',
  create: (spec, ctx) => new GatewayService(spec, ctx)
}
