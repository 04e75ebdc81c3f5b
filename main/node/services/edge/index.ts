import type { ServiceModule } from '../service-module'
import { EdgeService } from './edge-service'

/** `edge`: a CloudFront-like caching edge in front of lab origins. See README.md. */
export const edgeModule: ServiceModule<'edge'> = {
  kind: 'edge',
  title: 'Edge cache (CloudFront)',
  create: (spec, ctx) => new EdgeService(spec, ctx)
}
