import { describe, expect, it } from 'vitest'
import { LabError } from '../../../../common/errors/lab-error'
import {
  compileRestResources,
  matchRestResource,
  MISSING_AUTHENTICATION_TOKEN_BODY,
  splitStage
} from './rest-api-resources'

const tree = compileRestResources([
  { path: '/', methods: ['GET'] },
  { path: '/pets', methods: ['GET', 'POST'] },
  { path: '/pets/{petId}', methods: ['GET', 'DELETE'] },
  { path: '/pets/{petId}/toys', methods: ['ANY'] },
  { path: '/pets/dog', methods: ['PUT'] },
  { path: '/files/{proxy+}', methods: ['GET'] },
  { path: '/{proxy+}', methods: ['ANY'] }
])

function compileError(defs: Parameters<typeof compileRestResources>[0]): LabError {
  try {
    compileRestResources(defs)
  } catch (error) {
    if (error instanceof LabError) return error
    throw error
  }
  throw new Error('expected compileRestResources to throw')
}

describe('matchRestResource', () => {
  it('matches literal resources and the exact method', () => {
    expect(matchRestResource(tree, 'POST', '/pets')).toEqual({
      resourcePath: '/pets',
      httpMethod: 'POST',
      pathParameters: {}
    })
    expect(matchRestResource(tree, 'GET', '/')?.resourcePath).toBe('/')
  })

  it('binds {petId} and decodes it', () => {
    expect(matchRestResource(tree, 'GET', '/pets/a%20b')).toEqual({
      resourcePath: '/pets/{petId}',
      httpMethod: 'GET',
      pathParameters: { petId: 'a b' }
    })
  })

  it('a literal resource wins over the sibling variable', () => {
    expect(matchRestResource(tree, 'PUT', '/pets/dog')?.resourcePath).toBe('/pets/dog')
  })

  it('"an unknown method … returns 403 MISSING_AUTHENTICATION_TOKEN": no fallback to a less specific resource', () => {
    expect(matchRestResource(tree, 'GET', '/pets/dog')).toBeUndefined()
    expect(matchRestResource(tree, 'PATCH', '/pets/7')).toBeUndefined()
    expect(JSON.parse(MISSING_AUTHENTICATION_TOKEN_BODY)).toEqual({
      message: 'Missing Authentication Token'
    })
  })

  it('ANY on a resource serves every method', () => {
    expect(matchRestResource(tree, 'PATCH', '/pets/7/toys')).toEqual({
      resourcePath: '/pets/{petId}/toys',
      httpMethod: 'ANY',
      pathParameters: { petId: '7' }
    })
  })

  it('backtracks from a dead-end literal branch to the variable branch', () => {
    expect(matchRestResource(tree, 'GET', '/pets/dog/toys')).toEqual({
      resourcePath: '/pets/{petId}/toys',
      httpMethod: 'ANY',
      pathParameters: { petId: 'dog' }
    })
  })

  it('"greedy {proxy+}" catches every deeper path, and the most specific greedy wins', () => {
    expect(matchRestResource(tree, 'GET', '/files/a/b.txt')).toEqual({
      resourcePath: '/files/{proxy+}',
      httpMethod: 'GET',
      pathParameters: { proxy: 'a/b.txt' }
    })
    expect(matchRestResource(tree, 'DELETE', '/unknown/x')).toEqual({
      resourcePath: '/{proxy+}',
      httpMethod: 'ANY',
      pathParameters: { proxy: 'unknown/x' }
    })
  })

  it('a greedy resource does not match its parent', () => {
    const t = compileRestResources([{ path: '/files/{proxy+}', methods: ['GET'] }])
    expect(matchRestResource(t, 'GET', '/files')).toBeUndefined()
    expect(matchRestResource(t, 'GET', '/')).toBeUndefined()
  })

  it('an implicit parent resource without methods is 403', () => {
    const t = compileRestResources([{ path: '/a/b', methods: ['GET'] }])
    expect(matchRestResource(t, 'GET', '/a')).toBeUndefined()
  })

  it('ignores one trailing slash and the query string; paths are case-sensitive', () => {
    expect(matchRestResource(tree, 'GET', '/pets/')?.resourcePath).toBe('/pets')
    expect(matchRestResource(tree, 'GET', '/pets?limit=2')?.resourcePath).toBe('/pets')
    const t = compileRestResources([{ path: '/pets', methods: ['GET'] }])
    expect(matchRestResource(t, 'GET', '/Pets')).toBeUndefined()
    expect(matchRestResource(t, 'get', '/pets')).toBeUndefined()
  })
})

describe('compileRestResources: validation', () => {
  it('rejects two variables under one parent', () => {
    const error = compileError([
      { path: '/pets/{id}', methods: ['GET'] },
      { path: '/pets/{name}', methods: ['GET'] }
    ])
    expect(error.code).toBe('LAB_ERR_CONFIG_INVALID')
    expect(error.message).toContain('conflicts with the sibling variable /pets/{id}')
  })

  it('rejects a {proxy+} beside a {param}', () => {
    expect(
      compileError([
        { path: '/{id}', methods: ['GET'] },
        { path: '/{proxy+}', methods: ['ANY'] }
      ]).message
    ).toContain('sibling variable')
  })

  it('rejects children of a greedy resource, bad paths, unknown and repeated methods, duplicates', () => {
    const error = compileError([
      { path: '/{proxy+}/x', methods: ['GET'] },
      { path: 'pets', methods: ['GET'] },
      { path: '/a', methods: ['FETCH', 'GET', 'GET'] },
      { path: '/a', methods: ['POST'] }
    ])
    expect(error.details?.problems).toEqual([
      'resource "/{proxy+}/x": the greedy variable {proxy+} must be the last segment',
      'resource "pets": the path must start with "/"',
      'resource "/a": unknown method "FETCH"',
      'resource "/a": method GET is defined twice',
      'resource "/a" is defined twice'
    ])
  })

  it('the same variable reached by two resources is fine', () => {
    expect(() =>
      compileRestResources([
        { path: '/pets/{id}', methods: ['GET'] },
        { path: '/pets/{id}/toys', methods: ['GET'] }
      ])
    ).not.toThrow()
  })
})

describe('splitStage: "The stage name is the first path segment"', () => {
  const stages = ['prod', 'beta']

  it('splits /{stage}/rest', () => {
    expect(splitStage('/prod/pets/1', stages)).toEqual({ stage: 'prod', path: '/pets/1' })
    expect(splitStage('/prod', stages)).toEqual({ stage: 'prod', path: '/' })
    expect(splitStage('/prod/', stages)).toEqual({ stage: 'prod', path: '/' })
    expect(splitStage('/prod?x=1', stages)).toEqual({ stage: 'prod', path: '/?x=1' })
  })

  it('an unknown or differently cased stage has no match', () => {
    expect(splitStage('/Prod/pets', stages)).toBeUndefined()
    expect(splitStage('/', stages)).toBeUndefined()
    expect(splitStage('/production/pets', stages)).toBeUndefined()
  })

  it('"an explicit stage match wins, otherwise the $default stage"', () => {
    const withDefault = ['$default', 'beta']
    expect(splitStage('/beta/pets', withDefault)).toEqual({ stage: 'beta', path: '/pets' })
    expect(splitStage('/pets', withDefault)).toEqual({ stage: '$default', path: '/pets' })
    expect(splitStage('/', withDefault)).toEqual({ stage: '$default', path: '/' })
    expect(splitStage('/$default/pets', withDefault)).toEqual({
      stage: '$default',
      path: '/$default/pets'
    })
  })
})
