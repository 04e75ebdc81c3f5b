/**
 * The engine as the desktop app runs it: an Electron utilityProcess (plain Node APIs, no 'electron'
 * import). The main process hands over one MessagePort per window with `{ type: 'netloom:connect' }` and
 * asks for a clean stop with `{ type: 'netloom:shutdown' }`.
 */
import type { Disposable } from '../../common/base/disposable'
import { serveLabApi } from '../../common/rpc/rpc-server'
import { createPortTransport, type PortLike } from '../../common/rpc/port-transport'
import { createEngine } from '../engine/create-engine'

/** The slice of Electron's `process.parentPort` used here (typed locally: main/ never imports electron). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: PortLike[] }) => void): void
  postMessage(message: unknown): void
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort
if (!parentPort) {
  process.stderr.write('engine-process: not started by Electron (no parentPort); use `netloom up` instead\n')
  process.exit(1)
}

const engine = createEngine({ mode: 'desktop' })
const connections = new Set<Disposable>()

parentPort.on('message', ({ data, ports }) => {
  const type = (data as { type?: unknown } | null)?.type
  if (type === 'netloom:connect' && ports[0]) {
    const transport = createPortTransport(ports[0])
    const served = serveLabApi(transport, engine.api, engine.events)
    connections.add(served)
    transport.onClose(() => {
      served.dispose()
      connections.delete(served)
    })
  } else if (type === 'netloom:shutdown') {
    void engine.dispose().finally(() => {
      for (const connection of connections) connection.dispose()
      parentPort.postMessage({ type: 'netloom:stopped' })
      process.exit(0)
    })
  }
})

parentPort.postMessage({ type: 'netloom:ready' })
