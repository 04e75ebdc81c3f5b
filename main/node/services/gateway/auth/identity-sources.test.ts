import { describe, expect, it } from 'vitest'
import {
  headerValue,
  parseIdentitySource,
  resolveIdentitySources,
  type IdentityRequest
} from './identity-sources'

const req: IdentityRequest = {
  headers: { Authorization: 'abc', 'x-multi': ['1', '2'], 'x-blank': ' ' },
  rawQueryString: 'Tenant=acme&tenant=globex&tenant=initech',
  stageVariables: { env: 'lab' },
  context: { requestId: 'r1', 'identity.sourceIp': '10.0.0.1', n: 5 }
}

describe('parseIdentitySource', () => {
  it.each([
    ['method.request.header.Authorization', 'header', 'Authorization'],
    ['$request.header.X-Api-Key', 'header', 'X-Api-Key'],
    ['method.request.querystring.tenant', 'querystring', 'tenant'],
    ['$request.querystring.tenant', 'querystring', 'tenant'],
    ['stageVariables.env', 'stageVariable', 'env'],
    ['$stageVariables.env', 'stageVariable', 'env'],
    ['context.requestId', 'context', 'requestId'],
    ['$context.identity.sourceIp', 'context', 'identity.sourceIp']
  ])('%s → %s %s', (expression, kind, name) => {
    expect(parseIdentitySource(expression)).toMatchObject({ kind, name })
  })

  it.each(['method.request.path.id', '$request.body.x', 'Authorization'])(
    'refuses %s',
    (expression) => {
      expect(() => parseIdentitySource(expression)).toThrow(/Identity source/)
    }
  )
})

describe('resolveIdentitySources', () => {
  const resolve = (...expressions: string[]) =>
    resolveIdentitySources(expressions.map(parseIdentitySource), req)

  it('headers case-insensitively (repeats comma-joined), query strings case-sensitively (repeats comma-joined)', () => {
    expect(
      resolve(
        '$request.header.AUTHORIZATION',
        '$request.header.X-Multi',
        '$request.querystring.tenant'
      )
    ).toEqual({
      ok: true,
      values: ['abc', '1,2', 'globex,initech']
    })
    expect(resolve('$request.querystring.Tenant')).toEqual({ ok: true, values: ['acme'] })
  })

  it('stage variables and $context values (numbers as text)', () => {
    expect(resolve('$stageVariables.env', '$context.identity.sourceIp', '$context.n')).toEqual({
      ok: true,
      values: ['lab', '10.0.0.1', '5']
    })
  })

  it('reports the first missing or blank source', () => {
    const result = resolve(
      '$request.header.Authorization',
      '$request.header.X-Blank',
      '$request.header.Nope'
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.missing.expression).toBe('$request.header.X-Blank')
  })
})

describe('headerValue', () => {
  it('joins the same header sent under different cases', () => {
    expect(headerValue({ 'X-A': '1', 'x-a': '2' }, 'x-a')).toBe('1,2')
    expect(headerValue({}, 'x-a')).toBeUndefined()
  })
})
