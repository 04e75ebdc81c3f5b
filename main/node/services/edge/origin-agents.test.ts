import { describe, expect, it } from 'vitest'
import { OriginAgents } from './origin-agents'

describe('OriginAgents', () => {
  it('lends one keep-alive agent per origin while its address and keep-alive timeout stay', () => {
    const agents = new OriginAgents()
    const a = agents.lease('web', '127.0.0.1:80', 5000)
    const b = agents.lease('web', '127.0.0.1:80', 5000)
    expect(b.agent).toBe(a.agent)
    // Node's types leave out what its Agent keeps of its options.
    const internals = a.agent as unknown as { keepAlive: boolean; options: { timeout?: number } }
    expect(internals.keepAlive).toBe(true)
    expect(internals.options.timeout).toBe(5000)
    expect(agents.lease('api', '127.0.0.1:80', 5000).agent).not.toBe(a.agent)
    agents.dispose()
  })

  it('retires an agent whose settings changed once its last exchange ends', () => {
    const agents = new OriginAgents()
    const old = agents.lease('web', '127.0.0.1:80', 5000)
    let destroyed = 0
    const destroy = old.agent.destroy.bind(old.agent)
    old.agent.destroy = () => (destroyed++, destroy())
    const next = agents.lease('web', '127.0.0.1:80', 6000)
    expect(next.agent).not.toBe(old.agent)
    expect(destroyed).toBe(0)
    old.release()
    old.release()
    expect(destroyed).toBe(1)
    agents.dispose()
  })

  it('retires the agents of origins that left the config, and starts afresh after dispose', () => {
    const agents = new OriginAgents()
    const lease = agents.lease('gone', '127.0.0.1:81', 5000)
    lease.release()
    agents.keepOnly(new Set(['web']))
    expect(agents.lease('gone', '127.0.0.1:81', 5000).agent).not.toBe(lease.agent)
    const before = agents.lease('web', '127.0.0.1:80', 5000)
    agents.dispose()
    expect(agents.lease('web', '127.0.0.1:80', 5000).agent).not.toBe(before.agent)
    agents.dispose()
  })
})
