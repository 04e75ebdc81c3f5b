import { describe, expect, it } from 'vitest'
import { edgeConfigSchema } from './edge-config'
import { isForbiddenCustomHeader } from './origin-settings'

const parse = (origin: Record<string, unknown>) =>
  edgeConfigSchema.safeParse({ origins: [{ id: 'web', url: 'http://127.0.0.1:8080', ...origin }], defaultBehavior: { origin: 'web' } })

const messages = (origin: Record<string, unknown>) => {
  const result = parse(origin)
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

describe('origin settings', () => {
  it('defaults to CloudFront\'s: 3 attempts, 10 s to connect, 30 s response timeout, 5 s keep-alive', () => {
    const result = parse({})
    expect(result.success && result.data.origins[0]).toMatchObject({ connectionAttempts: 3, connectionTimeout: 10, responseTimeout: 30, keepaliveTimeout: 5, originPath: '', customHeaders: [] })
  })

  it('accepts CloudFront\'s ranges and refuses values outside them', () => {
    expect(parse({ connectionAttempts: 1, connectionTimeout: 1, responseTimeout: 1, keepaliveTimeout: 1 }).success).toBe(true)
    expect(parse({ connectionAttempts: 3, connectionTimeout: 10, responseTimeout: 60, keepaliveTimeout: 60 }).success).toBe(true)
    for (const bad of [{ connectionAttempts: 0 }, { connectionAttempts: 4 }, { connectionTimeout: 0 }, { connectionTimeout: 11 }, { responseTimeout: 0 }, { responseTimeout: 61 }, { keepaliveTimeout: 0 }, { keepaliveTimeout: 61 }, { connectionTimeout: 2.5 }])
      expect(parse(bad).success, JSON.stringify(bad)).toBe(false)
  })

  it('takes an origin path that starts with a slash and does not end with one', () => {
    for (const good of ['', '/production', '/a/b-c_d.e~f', '/%7Euser'])
      expect(parse({ originPath: good }).success, good).toBe(true)
    for (const bad of ['/', 'production', '/production/', '/a//b', '/a?x=1', '/a#b', '/a b', `/${'a'.repeat(255)}`])
      expect(messages({ originPath: bad })[0], bad).toMatch(/^origins\.0\.originPath: /)
  })

  it('refuses the custom headers CloudFront cannot add, naming the header', () => {
    expect(messages({ customHeaders: [{ name: 'host', value: 'x' }] })[0]).toMatch(/^origins\.0\.customHeaders\.0\.name: CloudFront cannot add host to origin requests/)
    for (const name of ['Cache-Control', 'Cookie', 'If-None-Match', 'Range', 'TE', 'Via', 'X-Amz-Cf-Id', 'x-edge-location', 'X-Real-IP', 'Transfer-Encoding'])
      expect(parse({ customHeaders: [{ name, value: 'x' }] }).success, name).toBe(false)
    expect(parse({ customHeaders: [{ name: 'X-Origin-Secret', value: 's3cret' }, { name: 'Authorization', value: 'Bearer t' }] }).success).toBe(true)
    expect(isForbiddenCustomHeader('X-Amzn-Trace-Id')).toBe(false)
  })

  it('applies CloudFront\'s quotas and refuses a header given twice or a bad name', () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ name: `x-h${i}`, value: 'v' }))
    expect(parse({ customHeaders: many }).success).toBe(false)
    expect(parse({ customHeaders: [{ name: 'x-a', value: 'v'.repeat(1784) }] }).success).toBe(false)
    const long = Array.from({ length: 6 }, (_, i) => ({ name: `x-h${i}`, value: 'v'.repeat(1780) }))
    expect(messages({ customHeaders: long })[0]).toMatch(/CloudFront allows 10240/)
    expect(messages({ customHeaders: [{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }] })[0]).toMatch(/given twice/)
    expect(parse({ customHeaders: [{ name: 'bad name', value: 'v' }] }).success).toBe(false)
  })
})
