import { LabError } from '../../../main/common/errors/lab-error'
import type { LabClient } from '../../../main/common/rpc/lab-client'
import { createPreloadTransport } from '../../../main/common/rpc/port-transport'
import { createLabClient } from '../../../main/common/rpc/rpc-client'
import { createWebSocketTransport } from '../../../main/common/rpc/websocket-transport'

const tokenKey = 'netloom.token'
export const missingTokenMessage = 'Open the URL printed by `netloom up --ui`, including its token.'

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

/**
 * Reads the token from `?token=` and moves it out of the address bar (so it does not end up in
 * screenshots, bookmarks or history), keeping it in sessionStorage so that a reload still works.
 */
export function takeToken(): string | undefined {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(tokenKey, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(tokenKey) ?? undefined
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const refused = () => {
      // The bridge refuses a bad token during the handshake, which the browser reports only as a close.
      sessionStorage.removeItem(tokenKey)
      reject(
        new LabError(
          'LAB_ERR_UNAUTHORIZED',
          `The engine refused the connection (wrong or expired token, or the engine stopped). ${missingTokenMessage}`
        )
      )
    }
    socket.addEventListener('open', () => resolve(), { once: true })
    socket.addEventListener('error', refused, { once: true })
    socket.addEventListener('close', refused, { once: true })
  })
}
