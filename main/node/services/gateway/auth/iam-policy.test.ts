import { describe, expect, it } from 'vitest'
import {
  evaluatePolicy,
  methodArn,
  parsePolicyDocument,
  wildcardMatch,
  type PolicyDocument
} from './iam-policy'

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42'

function policy(...statements: Array<Record<string, unknown>>): PolicyDocument {
  const parsed = parsePolicyDocument({ Version: '2012-10-17', Statement: statements })
  if (!parsed.ok) throw new Error(parsed.problem)
  return parsed.policy
}

const allow = (Resource: unknown, Action: unknown = 'execute-api:Invoke') => ({
  Effect: 'Allow',
  Action,
  Resource
})
const deny = (Resource: unknown, Action: unknown = 'execute-api:Invoke') => ({
  Effect: 'Deny',
  Action,
  Resource
})

describe('wildcardMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything/with/slashes', true],
    ['a*c', 'abbbc', true],
    ['a*c', 'ac', true],
    ['a*c', 'ab', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['*/GET/*', 'x/prod/GET/pets', true],
    ['*/POST/*', 'x/prod/GET/pets', false],
    ['a*b*c', 'aXbYbZc', true],
    ['abc', 'ABC', false]
  ])('%s vs %s → %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected)
  })

  it('case-insensitive when asked (actions)', () => {
    expect(wildcardMatch('execute-api:invoke', 'execute-api:Invoke', true)).toBe(true)
  })

  it('does not blow up on pathological patterns', () => {
    const started = Date.now()
    expect(wildcardMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5_000))).toBe(false)
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})

describe('methodArn', () => {
  it('builds the ARN from region, account, api, stage, verb and path without its leading slash', () => {
    expect(
      methodArn({
        region: 'us-east-1',
        accountId: '123456789012',
        apiId: 'abc123',
        stage: 'prod',
        method: 'get',
        path: '/pets/42'
      })
    ).toBe(ARN)
    expect(
      methodArn({
        region: 'eu-west-1',
        accountId: '1',
        apiId: 'a',
        stage: '$default',
        method: 'POST',
        path: '/'
      })
    ).toBe('arn:aws:execute-api:eu-west-1:1:a/$default/POST/')
  })
})

describe('evaluatePolicy', () => {
  it.each<[string, PolicyDocument, string]>([
    ['exact Allow', policy(allow(ARN)), 'allow'],
    [
      'Allow on a wildcard path',
      policy(allow('arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/*')),
      'allow'
    ],
    [
      'Allow */* on the API',
      policy(allow('arn:aws:execute-api:us-east-1:123456789012:abc123/*/*')),
      'allow'
    ],
    [
      'Allow with ? for one character',
      policy(allow('arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/4?')),
      'allow'
    ],
    [
      'Allow on another verb only',
      policy(allow('arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/*')),
      'implicit-deny'
    ],
    [
      'Allow on another stage only',
      policy(allow('arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*')),
      'implicit-deny'
    ],
    ['Allow, Action *', policy(allow(ARN, '*')), 'allow'],
    ['Allow, Action execute-api:*', policy(allow(ARN, 'execute-api:*')), 'allow'],
    [
      'Allow, other action only',
      policy(allow(ARN, 'execute-api:ManageConnections')),
      'implicit-deny'
    ],
    ['Allow, action list', policy(allow(ARN, ['s3:GetObject', 'execute-api:Invoke'])), 'allow'],
    ['Allow, resource list', policy(allow(['arn:x', ARN])), 'allow'],
    ['Deny wins over Allow (Deny second)', policy(allow('*'), deny(ARN)), 'explicit-deny'],
    ['Deny wins over Allow (Deny first)', policy(deny('*/GET/*'), allow(ARN)), 'explicit-deny'],
    ['Deny elsewhere, Allow here', policy(deny('*/DELETE/*'), allow('*')), 'allow'],
    ['no statements', policy(), 'implicit-deny'],
    ['Allow, resource case differs', policy(allow(ARN.toUpperCase())), 'implicit-deny']
  ])('%s → %s', (_label, doc, decision) => {
    expect(evaluatePolicy(doc, { resource: ARN }).decision).toBe(decision)
  })

  it('reports which statement decided', () => {
    expect(evaluatePolicy(policy(deny('nope'), allow('*'), deny(ARN)), { resource: ARN })).toEqual({
      decision: 'explicit-deny',
      statement: 2
    })
  })
})

describe('parsePolicyDocument', () => {
  it('accepts a single Statement object', () => {
    expect(parsePolicyDocument({ Statement: allow(ARN) })).toMatchObject({ ok: true })
  })

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'x', /not an object/],
    ['no Statement', { Version: '2012-10-17' }, /no Statement/],
    ['lower-case keys', { statement: [allow(ARN)] }, /no Statement/],
    [
      'bad Effect',
      { Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] },
      /Effect "allow"/
    ],
    ['no Action', { Statement: [{ Effect: 'Allow', Resource: '*' }] }, /no Action/],
    ['no Resource', { Statement: [{ Effect: 'Allow', Action: '*' }] }, /no Resource/],
    [
      'empty Resource list',
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: [] }] },
      /no Resource/
    ],
    [
      'NotResource',
      { Statement: [{ Effect: 'Allow', Action: '*', NotResource: 'x' }] },
      /NotResource/
    ],
    ['Condition', { Statement: [{ ...allow('*'), Condition: {} }] }, /Condition/]
  ])('refuses %s', (_label, doc, problem) => {
    const parsed = parsePolicyDocument(doc)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.problem).toMatch(problem)
  })
})
