import type { ServiceEndpoint } from '../../common/contract/lab-types'
import { LabError } from '../../common/errors/lab-error'
import { BaseService } from '../services/base-service'
import type { ServiceModule, ServiceSpecOf } from '../services/service-module'

/**
 * A service module with no sockets, for LabHost tests: ports are claimed in a shared set (a second claim
 * fails like EADDRINUSE), and every lifecycle call is recorded in order.
 */
export function createFakeModule(options: { failStart?: (id: string) => boolean } = {}) {
  const calls: string[] = []
  const claimed = new Set<number>()

  class FakeService extends BaseService<'origin'> {
    protected async onStart(): Promise<void> {
      calls.push(`start ${this.id}`)
      const port = this.spec.listen.port
      if (options.failStart?.(this.id)) throw new LabError('LAB_ERR_SERVICE_START_FAILED', `${this.id} refused to start`)
      if (port !== 0 && claimed.has(port))
        throw new LabError('LAB_ERR_PORT_IN_USE', `${this.spec.listen.host}:${port} is already in use`, {
          details: { serviceId: this.id, address: `${this.spec.listen.host}:${port}` }
        })
      if (port !== 0) claimed.add(port)
    }

    protected async onStop(): Promise<void> {
      calls.push(`stop ${this.id}`)
      claimed.delete(this.spec.listen.port)
    }

    protected override async onReconfigure(next: ServiceSpecOf<'origin'>): Promise<boolean> {
      calls.push(`reconfigure ${this.id}`)
      return next.config.seed !== 999 // a seed of 999 stands for "cannot change in place"
    }

    endpoints(): ServiceEndpoint[] {
      const { host, port } = this.spec.listen
      return [{ protocol: 'http', host, port, url: `http://${host}:${port}/` }]
    }
  }

  const module: ServiceModule<'origin'> = {
    kind: 'origin',
    title: 'fake origin',
    create: (spec, ctx) => new FakeService(spec, ctx)
  }
  return { module, calls, claimed }
}
