import { createServer } from 'node:net'

/**
 * A loopback TCP port nobody uses now, for outside programs that take their port as a number
 * rather than 0 (Knot, the cache-tests suite's origin, the benchmarks' peers). Another process may
 * take it before the caller does; services and servers of our own bind port 0 instead.
 */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}
