import { LabError } from '../../../main/common/errors/lab-error'
import type { LabClient } from '../../../main/common/rpc/lab-client'
import { createPreloadTransport } from '../../../main/common/rpc/port-transport'
import { createLabClient } from '../../../main/common/rpc/rpc-client'
import { createWebSocketTransport } from '../../../main/common/rpc/websocket-transport'
import { forgetToken, missingTokenMessage, takeToken } from './token'

/**
 * Connects to the engine: through the preload bridge in the desktop app, otherwise (web mode) over a
 * WebSocket to the bridge that served this page, authenticated by the token from the URL.
 */
export async function connectLab(): Promise<LabClient> {
  if (window.netloomBridge) return createLabClient(createPreloadTransport(window.netloomBridge))
  const token = takeToken()
  if (!token) throw new LabError('LAB_ERR_UNAUTHORIZED', `No access token. ${missingTokenMessage}`)
  const protocol = location.protocol === 'https:' ? 'wss' : 'ws'
  const socket = new WebSocket(`${protocol}://${location.host}/rpc?token=${encodeURIComponent(token)}`)
  socket.binaryType = 'arraybuffer'
  await opened(socket)
  return createLabClient(createWebSocketTransport(socket))
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const refused = () => {
      // The bridge refuses a bad token during the handshake, which the browser reports only as a close.
      socket.removeEventListener('open', onOpen)
      forgetToken()
      reject(
        new LabError(
          'LAB_ERR_UNAUTHORIZED',
          `The engine refused the connection (wrong or expired token, or the engine stopped). ${missingTokenMessage}`
        )
      )
    }
    // Once open, closes are the transport's business (LabClient.onDidClose), not a refusal.
    const onOpen = () => {
      socket.removeEventListener('error', refused)
      socket.removeEventListener('close', refused)
      resolve()
    }
    socket.addEventListener('open', onOpen, { once: true })
    socket.addEventListener('error', refused, { once: true })
    socket.addEventListener('close', refused, { once: true })
  })
}
