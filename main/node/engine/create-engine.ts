import type { LabApi, LabEvents } from '../../common/contract/lab-api'
import type { LogEntry, SystemInfo } from '../../common/contract/lab-types'
import type { Disposable } from '../../common/base/disposable'
import { LabHost } from '../lab-host/lab-host'
import { createLabApi, labEventSource } from '../lab-host/lab-api-impl'
import { MetricsRegistry } from '../metrics/metrics-registry'
import { serviceModules } from '../services/registry'

export interface Engine {
  host: LabHost
  api: LabApi
  events: { on<E extends keyof LabEvents>(event: E, listener: (payload: LabEvents[E]) => void): Disposable }
  dispose(): Promise<void>
}

/** Wires a LabHost with every registered service kind: the same engine for the CLI, web mode and desktop. */
export function createEngine(options: { mode: SystemInfo['mode']; onLog?: (entry: LogEntry) => void }): Engine {
  const host = new LabHost({ modules: serviceModules, metrics: new MetricsRegistry(), onLog: options.onLog })
  return {
    host,
    api: createLabApi(host, options.mode),
    events: labEventSource(host),
    dispose: () => host.dispose()
  }
}
