import { describe, expect, it } from 'vitest'
import type { ServiceEndpoint, ServiceState } from '../../common/contract/lab-types'
import { LabError } from '../../common/errors/lab-error'
import { toDisposable } from '../../common/base/disposable'
import { systemClock } from '../base/clock'
import { createLogger } from '../lab-host/logger'
import type { LogEntry } from '../../common/contract/lab-types'
import { BaseService } from './base-service'
import type { ServiceContext, ServiceSpecOf } from './service-module'

const spec: ServiceSpecOf<'origin'> = {
  id: 'web',
  kind: 'origin',
  listen: { host: '127.0.0.1', port: 0 },
  dependsOn: [],
  config: { routes: [], echo: true }
}

class TestService extends BaseService<'origin'> {
  failNextStart: Error | undefined
  released = 0
  protected async onStart(): Promise<void> {
    this.resources.add(toDisposable(() => this.released++))
    if (this.failNextStart) throw this.failNextStart
  }
  protected async onStop(): Promise<void> {}
  endpoints(): ServiceEndpoint[] {
    return []
  }
}

function make() {
  const logs: Omit<LogEntry, 'seq'>[] = []
  const ctx: ServiceContext = {
    id: 'web',
    labDir: '.',
    log: createLogger('web', (e) => logs.push(e)),
    metrics: { counter: () => ({ inc() {}, bind: () => ({ inc() {} }) }), gauge: () => ({ set() {}, inc() {}, dec() {} }), histogram: () => ({ observe() {} }) },
    clock: systemClock
  }
  const service = new TestService(spec, ctx)
  const states: ServiceState[] = []
  service.onDidChangeState((s) => states.push(s))
  return { service, states, logs }
}

describe('BaseService', () => {
  it('goes created → starting → running → stopping → stopped, releasing resources on stop', async () => {
    const { service, states } = make()
    await service.start()
    expect(service.startedAt).toBeTypeOf('number')
    await service.stop()
    expect(states).toEqual(['starting', 'running', 'stopping', 'stopped'])
    expect(service.released).toBe(1)
  })

  it('fails with a LabError, releases what it opened, logs the code, and can start again', async () => {
    const { service, states, logs } = make()
    service.failNextStart = new LabError('LAB_ERR_PORT_IN_USE', '127.0.0.1:1 is already in use')
    await expect(service.start()).rejects.toMatchObject({ code: 'LAB_ERR_PORT_IN_USE' })
    expect(service.state).toBe('failed')
    expect(service.error?.code).toBe('LAB_ERR_PORT_IN_USE')
    expect(service.released).toBe(1)
    expect(logs.at(-1)).toMatchObject({ level: 'error', code: 'LAB_ERR_PORT_IN_USE' })
    service.failNextStart = undefined
    await service.start()
    expect(service.error).toBeUndefined()
    expect(states).toEqual(['starting', 'failed', 'starting', 'running'])
  })

  it('wraps a plain Error as LAB_ERR_SERVICE_START_FAILED', async () => {
    const { service } = make()
    service.failNextStart = new Error('boom')
    await expect(service.start()).rejects.toMatchObject({ code: 'LAB_ERR_SERVICE_START_FAILED', message: 'boom' })
  })

  it('treats start while running and stop while stopped as no-ops', async () => {
    const { service, states } = make()
    await service.stop()
    await service.start()
    await service.start()
    await service.stop()
    await service.stop()
    expect(states).toEqual(['starting', 'running', 'stopping', 'stopped'])
  })

  it('asks for a restart when a running service cannot reconfigure in place', async () => {
    const { service } = make()
    const next = { ...spec, config: { ...spec.config, echo: false } }
    expect(await service.reconfigure(next)).toBe('reconfigured') // not running: just takes the spec
    await service.start()
    expect(await service.reconfigure(spec)).toBe('restart-needed')
    expect(service.spec).toBe(next)
  })

  it('destroy releases everything at once', async () => {
    const { service } = make()
    await service.start()
    service.destroy()
    expect(service.state).toBe('stopped')
    expect(service.released).toBe(1)
  })
})
