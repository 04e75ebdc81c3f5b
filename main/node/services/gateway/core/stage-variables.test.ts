import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  resolveIntegrationUri,
  substitutePathParameters,
  substituteStageVariables,
  validateStageVariables
} from './stage-variables'

describe('stage variables: "Names are alphanumeric plus _, values match [A-Za-z0-9-._~:/?#&=,]+"', () => {
  it('accepts valid names and values', () => {
    expect(
      validateStageVariables({ host_1: 'example.com:8080', path: '/a/b?x=1&y=2#f,g~' })
    ).toEqual([])
  })

  it('rejects a bad name, a bad value, an empty value and a key over 64 chars', () => {
    const problems = validateStageVariables({
      'bad-name': 'x',
      ok: 'has space',
      empty: '',
      ['k'.repeat(65)]: 'v'
    })
    expect(problems).toHaveLength(4)
    expect(problems[0]).toContain('"bad-name"')
    expect(problems[1]).toContain('"ok"')
  })

  it('"value ≤512 chars", "100 per stage"', () => {
    expect(validateStageVariables({ v: 'a'.repeat(512) })).toEqual([])
    expect(validateStageVariables({ v: 'a'.repeat(513) })).toHaveLength(1)
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, 'x']))
    expect(validateStageVariables(many)[0]).toContain('at most 100')
  })
})

describe('substituteStageVariables', () => {
  const vars = { host: 'backend.local:8080', version: 'v2' }

  it('replaces ${stageVariables.name} everywhere', () => {
    expect(
      substituteStageVariables('http://${stageVariables.host}/${stageVariables.version}/pets', vars)
    ).toBe('http://backend.local:8080/v2/pets')
  })

  it('leaves a URI without references unchanged', () => {
    expect(substituteStageVariables('http://x/{id}', vars)).toBe('http://x/{id}')
  })

  it.each([
    ['http://${stageVariables.missing}/', 'is not defined'],
    ['http://${stageVariables.bad-name}/', 'not a valid stage variable name'],
    ['http://${context.requestId}/', 'not a stage variable reference'],
    ['http://${stageVariables.toString}/', 'is not defined']
  ])('%s fails with LAB_ERR_CONFIG_INVALID (%s)', (template, message) => {
    expect(() => substituteStageVariables(template, vars)).toThrow(message)
  })

  it('an invalid value is refused at substitution too', () => {
    expect(() => substituteStageVariables('${stageVariables.x}', { x: 'a b' })).toThrow(
      'invalid value'
    )
  })
})

describe('substitutePathParameters', () => {
  it('"reference path variables in the integration URI": /pets/extendedpath/{petID}', () => {
    expect(substitutePathParameters('http://b/pets/extendedpath/{petID}', { petID: '6' })).toBe(
      'http://b/pets/extendedpath/6'
    )
  })

  it('"https://petstore-demo-endpoint.execute-api.com/petstore/{proxy}" keeps greedy slashes', () => {
    expect(substitutePathParameters('http://b/petstore/{proxy}', { proxy: 'a/b c/d' })).toBe(
      'http://b/petstore/a/b%20c/d'
    )
    expect(substitutePathParameters('http://b/{proxy+}', { proxy: 'x/y' })).toBe('http://b/x/y')
  })

  it('re-encodes a decoded single-segment value, including "/"-free characters', () => {
    expect(substitutePathParameters('/i/{id}', { id: 'a?b#c' })).toBe('/i/a%3Fb%23c')
  })

  it('a parameter the route does not capture is a configuration error', () => {
    expect(() => substitutePathParameters('/i/{id}', {})).toThrow('does not capture')
  })

  it('resolveIntegrationUri applies both', () => {
    expect(
      resolveIntegrationUri('http://${stageVariables.host}/pets/{id}', { host: 'h:1' }, { id: '7' })
    ).toBe('http://h:1/pets/7')
  })

  it('property: a substituted segment decodes back to the parameter', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !s.includes('/')),
        (value) => {
          const uri = substitutePathParameters('/x/{v}', { v: value })
          expect(decodeURIComponent(uri.slice(3))).toBe(value)
        }
      )
    )
  })
})
