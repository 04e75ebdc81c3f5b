import { WebSocket } from 'ws'
import { LabError } from '../../common/errors/lab-error'
import type { LabClient } from '../../common/rpc/lab-client'
import { maxFrameBytes } from '../../common/rpc/frame-codec'
import { createLabClient } from '../../common/rpc/rpc-client'
import { createWebSocketTransport, type WebSocketLike } from '../../common/rpc/websocket-transport'

/** A LabClient for Node (CLI, tests, scripts) connected to a running `netloom up` bridge. */
export function connectWebBridge(wsUrl: string, options: { timeoutMs?: number } = {}): Promise<LabClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { maxPayload: maxFrameBytes })
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate()
      const status = response.statusCode ?? 0
      reject(
        status === 401
          ? new LabError('LAB_ERR_UNAUTHORIZED', 'the engine refused the token (use the URL netloom up printed)')
          : new LabError('LAB_ERR_TRANSPORT_CLOSED', `the engine refused the connection: HTTP ${status}`)
      )
    })
    socket.once('error', (error) => reject(new LabError('LAB_ERR_TRANSPORT_CLOSED', `cannot reach the engine at ${new URL(wsUrl).host}: ${error.message}`)))
    socket.once('open', () => resolve(createLabClient(createWebSocketTransport(socket as unknown as WebSocketLike), options)))
  })
}
