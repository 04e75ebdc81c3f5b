import { describe, expect, it } from 'vitest'
import { hopByHopHeaders, hopByHopOf } from './http-headers'

describe('hopByHopOf', () => {
  it('is the fixed list when the message has no Connection header', () => {
    expect(hopByHopOf(undefined)).toBe(hopByHopHeaders)
    expect(hopByHopOf('')).toBe(hopByHopHeaders)
  })

  it('adds the names Connection lists, over several lines, case-insensitively (RFC 9110 §7.6.1)', () => {
    const names = hopByHopOf(['keep-alive, X-Session', ' x-trace ,'])
    expect(names.has('x-session')).toBe(true)
    expect(names.has('x-trace')).toBe(true)
    expect(names.has('transfer-encoding')).toBe(true)
    expect(names.has('')).toBe(false)
  })

  it('extends the list it is given', () => {
    const names = hopByHopOf('a', new Set(['host']))
    expect([...names].sort()).toEqual(['a', 'host'])
  })
})
