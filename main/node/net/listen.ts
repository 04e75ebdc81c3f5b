import type { Socket as UdpSocket } from 'node:dgram'
import type { Server } from 'node:net'
import { LabError } from '../../common/errors/lab-error'

export interface ListenAddress {
  host: string
  port: number
}

/** `127.0.0.1:80`, `[::1]:80`. */
export function formatAddress({ host, port }: ListenAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/**
 * Binds a server and turns the OS's errors into LabErrors a user can act on. Resolves with the address
 * actually bound (port 0 picks a free port).
 */
export function listen(server: Server, address: ListenAddress, serviceId: string): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(listenError(error, address, serviceId))
    }
    const onListening = () => {
      server.off('error', onError)
      const bound = server.address()
      if (bound === null || typeof bound === 'string') resolve(address)
      else resolve({ host: address.host, port: bound.port })
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen({ host: address.host, port: address.port, exclusive: true })
  })
}

export function listenError(error: NodeJS.ErrnoException, address: ListenAddress, serviceId: string): LabError {
  const where = formatAddress(address)
  const details = { serviceId, address: where }
  switch (error.code) {
    case 'EADDRINUSE':
      return new LabError('LAB_ERR_PORT_IN_USE', `${where} is already in use`, { details, cause: error })
    case 'EADDRNOTAVAIL':
      return new LabError(
        'LAB_ERR_ADDRESS_NOT_AVAILABLE',
        `${address.host} is not an address of this machine (or of the service's network namespace)`,
        { details, cause: error }
      )
    case 'EACCES':
      return new LabError(
        'LAB_ERR_PERMISSION_DENIED',
        `not allowed to listen on ${where}: ports below 1024 need root or CAP_NET_BIND_SERVICE`,
        { details, cause: error }
      )
    default:
      return new LabError('LAB_ERR_SERVICE_START_FAILED', `cannot listen on ${where}: ${error.message}`, {
        details,
        cause: error
      })
  }
}

/**
 * Stops accepting, lets in-flight requests finish for `graceMs`, then cuts what is left. HTTP servers
 * also drop their idle keep-alive connections at once, so a stop never waits on an idle browser.
 */
export function closeServer(server: Server, graceMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve()
  const http = server as Server & { closeIdleConnections?: () => void; closeAllConnections?: () => void }
  return new Promise((resolve) => {
    const timer = setTimeout(() => http.closeAllConnections?.(), graceMs)
    timer.unref()
    server.close(() => {
      clearTimeout(timer)
      resolve()
    })
    http.closeIdleConnections?.()
  })
}

/** Binds a UDP socket, with the same errors as `listen`. */
export function bindUdp(socket: UdpSocket, address: ListenAddress, serviceId: string): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, address, serviceId))
    socket.once('error', onError)
    socket.bind({ address: address.host, port: address.port, exclusive: true }, () => {
      socket.off('error', onError)
      resolve({ host: address.host, port: socket.address().port })
    })
  })
}
