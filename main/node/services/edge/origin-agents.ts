import { Agent } from 'node:http'
import type { Disposable } from '../../../common/base/disposable'

interface Pool {
  /** Address and keep-alive timeout the agent was made for: another value needs another agent. */
  key: string
  agent: Agent
  active: number
  retired: boolean
}

/** An agent lent out for one exchange; `release` when the exchange is over. */
export interface Lease {
  agent: Agent
  release(): void
}

/**
 * One keep-alive http.Agent per origin, as CloudFront keeps connections to an origin open for the
 * next request (its keep-alive timeout). An agent whose origin moved, changed its keep-alive timeout
 * or left the config is retired: closed at once when idle, else when its last exchange ends, so a
 * reconfigure never cuts a response off.
 */
export class OriginAgents implements Disposable {
  private readonly pools = new Map<string, Pool>()
  private readonly retiring = new Set<Pool>()

  /** The agent for `originId` at this address and keep-alive timeout. */
  lease(originId: string, address: string, keepaliveTimeoutMs: number): Lease {
    const key = `${address} keepalive ${keepaliveTimeoutMs}`
    let pool = this.pools.get(originId)
    if (pool?.key !== key) {
      if (pool) this.retire(pool)
      // `timeout` closes pooled connections idle that long (Node also honours a shorter Keep-Alive: timeout= from the origin).
      pool = { key, agent: new Agent({ keepAlive: true, timeout: keepaliveTimeoutMs }), active: 0, retired: false }
      this.pools.set(originId, pool)
    }
    const leased = pool
    leased.active++
    let released = false
    return {
      agent: leased.agent,
      release: () => {
        if (released) return
        released = true
        leased.active--
        if (leased.retired && leased.active === 0) this.close(leased)
      }
    }
  }

  /** Retires the agents of origins no longer in the config. */
  keepOnly(originIds: ReadonlySet<string>): void {
    for (const [id, pool] of this.pools) if (!originIds.has(id)) this.retire(pool)
  }

  /** Closes every connection (the service stops); later leases start new agents. */
  dispose(): void {
    for (const pool of [...this.pools.values(), ...this.retiring]) pool.agent.destroy()
    this.pools.clear()
    this.retiring.clear()
  }

  private retire(pool: Pool): void {
    for (const [id, candidate] of this.pools) if (candidate === pool) this.pools.delete(id)
    pool.retired = true
    if (pool.active === 0) this.close(pool)
    else this.retiring.add(pool)
  }

  private close(pool: Pool): void {
    this.retiring.delete(pool)
    pool.agent.destroy()
  }
}
