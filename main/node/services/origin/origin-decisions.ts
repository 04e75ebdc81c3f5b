import type { OriginConfig } from '../../../common/services/origin/origin-config'
import type { Random } from '../../base/random'

export { createRandom, type Random } from '../../base/random'

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'close'; draw: number; rate: number }
  | { kind: 'status'; draw: number; rate: number; status: number }

/**
 * One draw decides the request's fate: [0, closeRate) drops the connection, the next errorRate answers
 * errorStatus, the rest is served. With rates summing over 1, closes win.
 */
export function decideFault(faults: OriginConfig['faults'], random: Random): FaultDecision {
  if (!faults || (faults.closeRate === 0 && faults.errorRate === 0)) return { kind: 'none' }
  const draw = random()
  if (draw < faults.closeRate) return { kind: 'close', draw, rate: faults.closeRate }
  if (draw < faults.closeRate + faults.errorRate)
    return { kind: 'status', draw, rate: faults.errorRate, status: faults.errorStatus }
  return { kind: 'none' }
}

/** The delay to add to one response: fixed plus uniform jitter. */
export function decideDelay(latency: OriginConfig['latency'], random: Random): number {
  if (!latency) return 0
  return latency.fixedMs + (latency.jitterMs > 0 ? random() * latency.jitterMs : 0)
}

export type OriginRoute = OriginConfig['routes'][number]

/** The first inline route for this request: exact path, or a prefix when the route ends in `*`. */
export function matchRoute(routes: readonly OriginRoute[], method: string, path: string): OriginRoute | undefined {
  return routes.find((route) => {
    if (route.method && route.method !== method && !(route.method === 'GET' && method === 'HEAD')) return false
    return route.path.endsWith('*') ? path.startsWith(route.path.slice(0, -1)) : route.path === path
  })
}
