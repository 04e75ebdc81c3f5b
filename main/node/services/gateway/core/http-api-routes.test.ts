import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LabError } from '../../../../common/errors/lab-error'
import { compileHttpRoutes, HTTP_API_NOT_FOUND_BODY, matchHttpRoute } from './http-api-routes'

const docRoutes = compileHttpRoutes([
  '$default',
  'ANY /{proxy+}',
  'GET /pets/{proxy+}',
  'GET /pets/dog/{id}',
  'GET /pets/dog/1'
])

function routeOf(method: string, path: string, routes = docRoutes): string | undefined {
  return matchHttpRoute(routes, method, path)?.routeKey
}

function compileError(keys: string[]): LabError {
  try {
    compileHttpRoutes(keys)
  } catch (error) {
    if (error instanceof LabError) return error
    throw error
  }
  throw new Error('expected compileHttpRoutes to throw')
}

describe('matchHttpRoute: "a full match of route and method, then greedy with the method, then ANY, then $default"', () => {
  it('a full literal match of route and method wins', () => {
    expect(routeOf('GET', '/pets/dog/1')).toBe('GET /pets/dog/1')
  })

  it('exact path beats a {param} path with the same method', () => {
    expect(matchHttpRoute(docRoutes, 'GET', '/pets/dog/2')).toEqual({
      routeKey: 'GET /pets/dog/{id}',
      pathParameters: { id: '2' }
    })
  })

  it('a {param} route with the method beats a greedy route with the method', () => {
    expect(routeOf('GET', '/pets/dog/7')).toBe('GET /pets/dog/{id}')
  })

  it('a greedy {proxy+} route with the method catches what no full match takes', () => {
    expect(matchHttpRoute(docRoutes, 'GET', '/pets/cat/1/toys')).toEqual({
      routeKey: 'GET /pets/{proxy+}',
      pathParameters: { proxy: 'cat/1/toys' }
    })
  })

  it('a different method falls to ANY', () => {
    expect(routeOf('POST', '/pets/dog/1')).toBe('ANY /{proxy+}')
  })

  it('a greedy route with the method beats an exact path with ANY', () => {
    const routes = compileHttpRoutes(['ANY /pets/dog', 'GET /pets/{proxy+}'])
    expect(routeOf('GET', '/pets/dog', routes)).toBe('GET /pets/{proxy+}')
    expect(routeOf('PUT', '/pets/dog', routes)).toBe('ANY /pets/dog')
  })

  it('among ANY routes, the non-greedy one wins', () => {
    const routes = compileHttpRoutes(['ANY /{proxy+}', 'ANY /items/{id}'])
    expect(routeOf('DELETE', '/items/3', routes)).toBe('ANY /items/{id}')
  })

  it('the $default route catches requests that match no other route, including "/"', () => {
    expect(routeOf('GET', '/')).toBe('$default')
    expect(matchHttpRoute(docRoutes, 'PATCH', '/')).toEqual({
      routeKey: '$default',
      pathParameters: {}
    })
  })

  it('without a $default route an unmatched request is a 404 {"message":"Not Found"}', () => {
    const routes = compileHttpRoutes(['GET /pets'])
    expect(matchHttpRoute(routes, 'POST', '/pets')).toBeUndefined()
    expect(matchHttpRoute(routes, 'GET', '/other')).toBeUndefined()
    expect(JSON.parse(HTTP_API_NOT_FOUND_BODY)).toEqual({ message: 'Not Found' })
  })

  it('a longer literal prefix before a greedy variable wins', () => {
    const routes = compileHttpRoutes(['GET /{proxy+}', 'GET /a/{rest+}', 'GET /a/b/{tail+}'])
    expect(matchHttpRoute(routes, 'GET', '/a/b/c')).toEqual({
      routeKey: 'GET /a/b/{tail+}',
      pathParameters: { tail: 'c' }
    })
    expect(routeOf('GET', '/a/x', routes)).toBe('GET /a/{rest+}')
    expect(routeOf('GET', '/x', routes)).toBe('GET /{proxy+}')
  })

  it('literal segments win left to right', () => {
    const routes = compileHttpRoutes(['GET /{x}/b', 'GET /a/{y}'])
    expect(routeOf('GET', '/a/b', routes)).toBe('GET /a/{y}')
  })
})

describe('matchHttpRoute: paths', () => {
  const routes = compileHttpRoutes(['GET /pets', 'GET /pets/{id}', 'GET /files/{proxy+}', 'GET /'])

  it('"The greedy path variable catches all child resources" but not the parent itself', () => {
    expect(routeOf('GET', '/files', routes)).toBeUndefined()
    expect(routeOf('GET', '/files/', routes)).toBeUndefined()
    expect(matchHttpRoute(routes, 'GET', '/files/a/b/')?.pathParameters).toEqual({ proxy: 'a/b/' })
  })

  it('a trailing slash is not normalised: /pets/ does not match GET /pets', () => {
    expect(routeOf('GET', '/pets/', routes)).toBeUndefined()
  })

  it('paths are case-sensitive', () => {
    expect(routeOf('GET', '/Pets', routes)).toBeUndefined()
  })

  it('methods are case-sensitive', () => {
    expect(routeOf('get', '/pets', routes)).toBeUndefined()
  })

  it('"GET /" matches only the root', () => {
    expect(routeOf('GET', '/', routes)).toBe('GET /')
    expect(routeOf('GET', '', routes)).toBe('GET /')
  })

  it('"API Gateway decodes URL-encoded request parameters" in path variables', () => {
    expect(matchHttpRoute(routes, 'GET', '/pets/a%20b')?.pathParameters).toEqual({ id: 'a b' })
    expect(matchHttpRoute(routes, 'GET', '/pets/a%2Fb')?.pathParameters).toEqual({ id: 'a/b' })
    expect(matchHttpRoute(routes, 'GET', '/pets/%E0%A4%A')?.pathParameters).toEqual({
      id: '%E0%A4%A'
    })
  })

  it('an encoded literal segment still matches', () => {
    const r = compileHttpRoutes(['GET /caf\u00e9'])
    expect(routeOf('GET', '/caf%C3%A9', r)).toBe('GET /caf\u00e9')
  })

  it('the query string is not part of routing', () => {
    expect(matchHttpRoute(routes, 'GET', '/pets/4?type=dog')?.pathParameters).toEqual({ id: '4' })
  })

  it('an empty segment does not fill a {param}', () => {
    expect(routeOf('GET', '/pets//', routes)).toBeUndefined()
  })
})

describe('compileHttpRoutes: validation', () => {
  it.each([
    ['GET', 'must be "$default" or "METHOD /path"'],
    ['GET  /pets', 'must be "$default" or "METHOD /path"'],
    ['get /pets', 'methods are upper-case'],
    ['FETCH /pets', 'unknown method'],
    ['GET pets', 'must start with "/"'],
    ['GET /pets/', 'must not end with "/"'],
    ['GET /a//b', 'empty segments'],
    ['GET /{proxy+}/x', 'must be the last segment'],
    ['GET /pet{id}', 'mixes text'],
    ['GET /{}', 'not a valid path variable'],
    ['GET /{a b}', 'must be "$default"'],
    ['GET /{id}/{id}', 'appears twice'],
    ['GET /pets?x=1', '"?"'],
    ['$DEFAULT', 'must be "$default"']
  ])('rejects %s', (key, message) => {
    const error = compileError([key])
    expect(error.code).toBe('LAB_ERR_CONFIG_INVALID')
    expect(error.message).toContain(message)
  })

  it('rejects duplicates and same-shape conflicts, listing every problem', () => {
    const error = compileError([
      'GET /pets',
      'GET /pets',
      'GET /pets/{id}',
      'GET /pets/{name}',
      '$default',
      '$default'
    ])
    expect(error.details?.problems).toEqual([
      'duplicate route key "GET /pets"',
      'route key "GET /pets/{name}" conflicts with "GET /pets/{id}" (same method and path shape)',
      'duplicate route key "$default"'
    ])
  })

  it('allows the same path with different methods, and ANY beside them', () => {
    expect(compileHttpRoutes(['GET /a', 'POST /a', 'ANY /a']).routes).toHaveLength(3)
  })
})

describe('matchHttpRoute: properties', () => {
  const segment = fc.stringMatching(/^[a-z0-9]{1,6}$/)
  const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => '/' + s.join('/'))

  it('a literal route key always matches its own path over any parameter route', () => {
    fc.assert(
      fc.property(path, (p) => {
        const depth = p.split('/').length - 1
        const params = Array.from({ length: depth }, (_, i) => `{p${i}}`).join('/')
        const routes = compileHttpRoutes([
          `GET /${params}`,
          `GET ${p}`,
          'ANY /{proxy+}',
          '$default'
        ])
        expect(matchHttpRoute(routes, 'GET', p)).toEqual({
          routeKey: `GET ${p}`,
          pathParameters: {}
        })
      })
    )
  })

  it('a greedy root route returns the path without its leading slash', () => {
    const routes = compileHttpRoutes(['ANY /{proxy+}'])
    fc.assert(
      fc.property(path, (p) => {
        expect(matchHttpRoute(routes, 'POST', p)?.pathParameters).toEqual({ proxy: p.slice(1) })
      })
    )
  })
})
