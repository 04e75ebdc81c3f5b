import { describe, expect, it } from 'vitest'
import { edgeConfigSchema } from './edge-config'

const parse = (behavior: Record<string, unknown>, where: 'default' | 'ordered' = 'default') =>
  edgeConfigSchema.safeParse({
    origins: [{ id: 'web', url: 'http://127.0.0.1:8080' }],
    defaultBehavior: where === 'default' ? { origin: 'web', ...behavior } : { origin: 'web' },
    behaviors: where === 'ordered' ? [{ pathPattern: '/api/*', origin: 'web', ...behavior }] : []
  })

describe("a behavior's cached methods (CloudFront's CachedMethods)", () => {
  it.each([
    { name: 'default: GET_HEAD', behavior: {}, ok: true, cached: 'GET_HEAD' },
    { name: 'GET_HEAD_OPTIONS with GET_HEAD_OPTIONS allowed', behavior: { allowedMethods: 'GET_HEAD_OPTIONS', cachedMethods: 'GET_HEAD_OPTIONS' }, ok: true, cached: 'GET_HEAD_OPTIONS' },
    { name: 'GET_HEAD_OPTIONS with ALL allowed', behavior: { allowedMethods: 'ALL', cachedMethods: 'GET_HEAD_OPTIONS' }, ok: true, cached: 'GET_HEAD_OPTIONS' },
    { name: 'GET_HEAD with ALL allowed', behavior: { allowedMethods: 'ALL', cachedMethods: 'GET_HEAD' }, ok: true, cached: 'GET_HEAD' },
    { name: 'GET_HEAD_OPTIONS while only GET and HEAD are allowed', behavior: { cachedMethods: 'GET_HEAD_OPTIONS' }, ok: false, cached: undefined },
    { name: 'a method set CloudFront does not cache', behavior: { allowedMethods: 'ALL', cachedMethods: 'ALL' }, ok: false, cached: undefined }
  ])('$name', ({ behavior, ok, cached }) => {
    const result = parse(behavior)
    expect(result.success).toBe(ok)
    if (result.success) expect(result.data.defaultBehavior.cachedMethods).toBe(cached)
  })

  it('says which behavior and why when OPTIONS is cached but not allowed', () => {
    const result = parse({ cachedMethods: 'GET_HEAD_OPTIONS' }, 'ordered')
    expect(result.success).toBe(false)
    const issue = result.error?.issues.find((i) => i.path.join('.') === 'behaviors.0.cachedMethods')
    expect(issue?.message).toMatch(/allowedMethods GET_HEAD refuses OPTIONS/)
  })
})
