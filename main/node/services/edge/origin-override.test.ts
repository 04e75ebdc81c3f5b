import { describe, expect, it } from 'vitest'
import { edgeConfigSchema } from '../../../common/services/edge/edge-config'
import { resolveOriginChanges } from './origin-override'

const config = edgeConfigSchema.parse({
  origins: [
    { id: 'a', url: 'http://127.0.0.1:8001' },
    { id: 'b', url: 'http://127.0.0.1:8002' },
    { id: 'c', url: 'http://127.0.0.1:8003' }
  ],
  originGroups: [{ id: 'ab', primary: 'a', secondary: 'b' }],
  defaultBehavior: { origin: 'a' }
})
const resolve = (...calls: [string, unknown][]) => resolveOriginChanges(calls.map(([helper, argument]) => ({ helper, argument })), config, { host: 'cdn.example' })!

describe('origin override from helper calls', () => {
  it('is undefined without calls, so requests without helpers carry nothing', () => {
    expect(resolveOriginChanges([], config, {})).toBeUndefined()
  })

  it('selects an origin or a configured origin group by id', () => {
    expect(resolve(['selectRequestOriginById', 'b'])).toMatchObject({ target: 'b', note: 'origin helpers: selected origin b' })
    expect(resolve(['selectRequestOriginById', 'ab'])).toMatchObject({ target: 'ab', note: 'origin helpers: selected origin group ab' })
  })

  it('refuses an unknown id, listing the ones there are', () => {
    expect(() => resolve(['selectRequestOriginById', 'z'])).toThrow('cf.selectRequestOriginById(): no origin or origin group "z" in this distribution (it has a, b, c, ab)')
  })

  it('merges updates into the selected origin; a later selection starts afresh', () => {
    expect(resolve(['selectRequestOriginById', 'b'], ['updateRequestOrigin', { originPath: '/v1' }], ['updateRequestOrigin', { connectionAttempts: 1 }])).toMatchObject({ target: 'b', patch: { originPath: '/v1', connectionAttempts: 1 } })
    expect(resolve(['updateRequestOrigin', { originPath: '/v1' }], ['selectRequestOriginById', 'c']).patch).toBeUndefined()
  })

  it('resolves domainName to an origin id or a loopback host, with customOriginConfig.port', () => {
    expect(resolve(['updateRequestOrigin', { domainName: 'c' }]).patch).toEqual({ address: { originId: 'c' } })
    expect(resolve(['updateRequestOrigin', { domainName: 'localhost', customOriginConfig: { port: 9000 } }]).patch).toEqual({ address: { host: 'localhost', port: 9000 } })
    expect(resolve(['updateRequestOrigin', { domainName: '[::1]' }]).patch).toEqual({ address: { host: '::1' } })
    expect(resolve(['updateRequestOrigin', { customOriginConfig: { port: 9000 } }]).patch).toEqual({ address: { port: 9000 } })
  })

  it('refuses a domainName the lab cannot reach', () => {
    expect(() => resolve(['updateRequestOrigin', { domainName: 'example.com' }])).toThrow(/domainName "example.com" is neither a loopback host .* nor an origin id/)
  })

  it('refuses a custom header the request already has (AWS: it cannot be present in both)', () => {
    expect(() => resolve(['updateRequestOrigin', { customHeaders: { host: 'x' } }])).toThrow(/CloudFront cannot add host/)
    expect(() => resolveOriginChanges([{ helper: 'updateRequestOrigin', argument: { customHeaders: { 'x-stage': 'blue' } } }], config, { 'x-stage': 'green' })).toThrow(/customHeaders\["x-stage"\] is also a header of the request/)
  })

  it('builds a group from two configured origins, not from groups or unknown ids', () => {
    expect(resolve(['createRequestOriginGroup', { originIds: ['c', 'a'], failoverCriteria: { statusCodes: [404] } }]).target).toEqual({ primary: 'c', secondary: 'a', failoverStatusCodes: [404] })
    expect(() => resolve(['createRequestOriginGroup', { originIds: ['ab', 'c'], failoverCriteria: { statusCodes: [500] } }])).toThrow(/no origin "ab" in this distribution \(an origin group cannot be a member\)/)
    expect(() => resolve(['createRequestOriginGroup', { originIds: ['a', 'z'], failoverCriteria: { statusCodes: [500] } }])).toThrow(/no origin "z"/)
  })
})
