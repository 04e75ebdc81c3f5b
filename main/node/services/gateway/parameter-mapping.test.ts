import { describe, expect, it } from 'vitest'
import { applyHttpMapping, applyResponseMapping, applyRestMapping, httpMappingProblems, mappingValue, type MappingSource } from './parameter-mapping'

const source: MappingSource = {
  headers: [['X-Team', 'blue'], ['x-team', 'green'], ['Authorization', 'Bearer t']],
  rawQuery: 'a=1&a=2&b=x',
  path: '/pets/5',
  pathParameters: { id: '5' },
  stageVariables: { env: 'dev' },
  context: { requestId: 'r-1', 'authorizer.claims.sub': 'ana' }
}

describe('parameter mapping', () => {
  it.each([
    ['$request.header.x-team', 'blue,green'],
    ['$request.querystring.a', '1,2'],
    ['$request.path.id', '5'],
    ['$request.path', '/pets/5'],
    ['$context.authorizer.claims.sub', 'ana'],
    ['$stageVariables.env', 'dev'],
    ['id-${request.path.id}-${stageVariables.env}', 'id-5-dev'],
    ['$request.header.missing', ''],
    ['plain text', 'plain text']
  ])('%s → %s', (value, expected) => {
    expect(mappingValue(value, source)).toBe(expected)
  })

  it('appends, overwrites and removes headers and query strings', () => {
    const target = { path: '/pets/5', query: [['a', '1'], ['b', 'x']] as [string, string][], headers: [['x-team', 'blue']] as [string, string][], pathParameters: {} }
    const applied = applyHttpMapping({ 'append:header.x-team': 'red', 'overwrite:querystring.b': 'y', 'remove:querystring.a': '' }, source, target)
    expect(target.headers).toEqual([['x-team', 'blue'], ['x-team', 'red']])
    expect(target.query).toEqual([['b', 'y']])
    expect(applied).toEqual(['append header.x-team = red', 'overwrite querystring.b = y', 'removed querystring.a'])
  })

  it('refuses malformed keys and reserved headers', () => {
    expect(httpMappingProblems({ 'set:header.x': 'v', 'overwrite:header.Host': 'v', 'append:header.x-amzn-trace-id': 'v', 'overwrite:header.x-ok': 'v' })).toEqual([
      '"set:header.x": write append|overwrite|remove:header.NAME, …:querystring.NAME or overwrite:path',
      '"overwrite:header.Host": Host is a reserved header',
      '"append:header.x-amzn-trace-id": x-amzn-trace-id is a reserved header'
    ])
  })

  it('REST parameters skip a missing source, as AWS leaves the parameter out', () => {
    const target = { path: '/', query: [] as [string, string][], headers: [] as [string, string][], pathParameters: {} as Record<string, string> }
    const applied = applyRestMapping({ 'integration.request.header.x-a': 'method.request.header.nope', 'integration.request.path.item': 'method.request.path.id', 'integration.request.header.x-b': 'context.requestId' }, source, target)
    expect(target.headers).toEqual([['x-b', 'r-1']])
    expect(target.pathParameters).toEqual({ item: '5' })
    expect(applied).toHaveLength(2)
  })
})

describe('response parameter mapping', () => {
  it('rewrites the status and headers for the status it names, from the response headers and JSON body', () => {
    const reply = { status: 500, headers: [['x-trace', 't-1'], ['server', 'backend']] as [string, string][], body: Buffer.from('{"error":{"code":"E42"}}') }
    const applied = applyResponseMapping({ '500': { 'overwrite:statuscode': '503', 'append:header.x-error-code': '$response.body.error.code', 'remove:header.server': "''", 'overwrite:header.x-trace': 'via-${response.header.x-trace}' } }, reply)
    expect(reply.status).toBe(503)
    expect(reply.headers).toEqual([['x-error-code', 'E42'], ['x-trace', 'via-t-1']])
    expect(applied).toHaveLength(4)
    const untouched = { status: 200, headers: [] as [string, string][], body: Buffer.alloc(0) }
    expect(applyResponseMapping({ '500': { 'overwrite:statuscode': '503' } }, untouched)).toEqual([])
  })
})
