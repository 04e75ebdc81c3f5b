import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../base/clock'
import {
  LambdaAuthorizer,
  type InvokeResult,
  type LambdaAuthorizerConfig,
  type LambdaAuthResult
} from './lambda-authorizer'
import type { AuthorizerRequest } from './lambda-events'

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/pets/42'

function request(overrides: Partial<AuthorizerRequest> = {}): AuthorizerRequest {
  return {
    region: 'us-east-1',
    accountId: '123456789012',
    apiId: 'api1',
    stage: 'prod',
    httpMethod: 'GET',
    path: '/pets/42',
    resource: '/pets/{id}',
    pathParameters: { id: '42' },
    requestId: 'req-1',
    sourceIp: '127.0.0.1',
    requestTimeEpoch: Date.UTC(2026, 10, 25, 10),
    headers: { authorization: 'allow-me', 'user-agent': 'curl/8' },
    rawQueryString: 'tenant=acme',
    stageVariables: { env: 'lab' },
    ...overrides
  }
}

function policy(
  effect: 'Allow' | 'Deny',
  resource: string | string[] = ARN,
  extra: Record<string, unknown> = {}
) {
  return {
    principalId: 'user-1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }]
    },
    ...extra
  }
}

/** An injected invoke that records events and answers from a queue (last answer repeats). */
function fakeInvoke(...answers: InvokeResult[]) {
  const events: unknown[] = []
  const invoke = async (event: unknown): Promise<InvokeResult> => {
    events.push(event)
    return answers.length > 1 ? answers.shift()! : answers[0]!
  }
  return { events, invoke }
}

const ok = (result: unknown): InvokeResult => ({ ok: true, result })
const fail = (message: string): InvokeResult => ({ ok: false, message })

function make(config: LambdaAuthorizerConfig, ...answers: InvokeResult[]) {
  const clock = new FakeClock()
  const fake = fakeInvoke(...answers)
  return { clock, ...fake, authorizer: new LambdaAuthorizer(config, fake.invoke, { clock }) }
}

function refused(result: LambdaAuthResult) {
  if (result.ok) throw new Error(`expected a refusal, got ${result.reason}`)
  return result
}

describe('REST TOKEN authorizer', () => {
  it('sends {type, authorizationToken, methodArn} and allows on an Allow policy', async () => {
    const { authorizer, events } = make(
      { kind: 'rest-token' },
      ok(
        policy('Allow', ARN, {
          context: { tier: 'gold', n: 3, admin: false },
          usageIdentifierKey: 'k'.repeat(20)
        })
      )
    )
    const result = await authorizer.authorize(request())
    expect(events).toEqual([{ type: 'TOKEN', authorizationToken: 'allow-me', methodArn: ARN }])
    expect(result).toMatchObject({
      ok: true,
      principalId: 'user-1',
      context: { tier: 'gold', n: 3, admin: false },
      usageIdentifierKey: 'k'.repeat(20),
      fromCache: false,
      invoked: true
    })
    expect(result.reason).toBe(`policy statement 0 allows ${ARN} for user-1`)
  })

  it('missing or empty token: 401 without invoking', async () => {
    for (const headers of [{}, { authorization: '  ' }]) {
      const { authorizer, events } = make({ kind: 'rest-token' }, ok(policy('Allow')))
      const result = refused(await authorizer.authorize(request({ headers })))
      expect(result).toMatchObject({
        status: 401,
        type: 'UNAUTHORIZED',
        body: { message: 'Unauthorized' },
        invoked: false
      })
      expect(result.reason).toMatch(/^no value for method.request.header.Authorization/)
      expect(events).toHaveLength(0)
    }
  })

  it('identityValidationExpression must match the whole token, else 401 without invoking', async () => {
    const config = { kind: 'rest-token' as const, identityValidationExpression: '\\w{5}' }
    const { authorizer, events } = make(config, ok(policy('Allow')))
    expect(
      refused(await authorizer.authorize(request({ headers: { Authorization: 'abcdef' } }))).status
    ).toBe(401)
    expect(events).toHaveLength(0)
    expect((await authorizer.authorize(request({ headers: { Authorization: 'abcde' } }))).ok).toBe(
      true
    )
  })

  it('a custom token header, read case-insensitively', async () => {
    const { authorizer, events } = make(
      { kind: 'rest-token', identitySource: 'method.request.header.X-Auth' },
      ok(policy('Allow'))
    )
    await authorizer.authorize(request({ headers: { 'x-auth': 't0k' } }))
    expect(events[0]).toMatchObject({ authorizationToken: 't0k' })
  })

  it('explicit Deny: 403 with the explicit-deny message', async () => {
    const { authorizer } = make({ kind: 'rest-token' }, ok(policy('Deny')))
    const result = refused(await authorizer.authorize(request()))
    expect(result).toMatchObject({
      status: 403,
      type: 'ACCESS_DENIED',
      body: { Message: 'User is not authorized to access this resource with an explicit deny' }
    })
    expect(result.reason).toBe(`policy statement 0 denies ${ARN} for user-1`)
  })

  it('no applicable Allow: 403 with the implicit-deny message', async () => {
    const { authorizer } = make(
      { kind: 'rest-token' },
      ok(policy('Allow', ARN.replace('GET', 'POST')))
    )
    const result = refused(await authorizer.authorize(request()))
    expect(result.body).toEqual({ Message: 'User is not authorized to access this resource' })
    expect(result.reason).toBe(`no policy statement allows ${ARN} for user-1`)
  })

  it("the function failing with exactly 'Unauthorized': 401", async () => {
    const { authorizer } = make({ kind: 'rest-token' }, fail('Unauthorized'))
    expect(refused(await authorizer.authorize(request()))).toMatchObject({
      status: 401,
      body: { message: 'Unauthorized' },
      invoked: true
    })
  })

  it('any other error: 500 {"message": null}, AUTHORIZER_FAILURE', async () => {
    const { authorizer } = make({ kind: 'rest-token' }, fail('Unauthorized: bad signature'))
    const result = refused(await authorizer.authorize(request()))
    expect(result).toMatchObject({
      status: 500,
      type: 'AUTHORIZER_FAILURE',
      body: { message: null }
    })
    expect(result.reason).toBe('the authorizer failed: Unauthorized: bad signature')
  })

  it.each<[string, unknown, RegExp]>([
    ['a string', 'Unauthorized', /expected an object/],
    [
      'no principalId',
      { policyDocument: policy('Allow').policyDocument },
      /principalId is missing/
    ],
    ['no policyDocument', { principalId: 'u' }, /not an object/],
    [
      'a bad Effect',
      policy('Allow', ARN, {
        policyDocument: { Statement: [{ Effect: 'Permit', Action: '*', Resource: '*' }] }
      }),
      /Effect "Permit"/
    ],
    [
      'a nested context value',
      policy('Allow', ARN, { context: { roles: ['a'] } }),
      /context.roles is object/
    ],
    ['a null context value', policy('Allow', ARN, { context: { x: null } }), /context.x is null/],
    [
      'a non-string usageIdentifierKey',
      policy('Allow', ARN, { usageIdentifierKey: 5 }),
      /usageIdentifierKey/
    ]
  ])(
    'malformed output (%s): 500 AUTHORIZER_CONFIGURATION_ERROR',
    async (_label, output, problem) => {
      const { authorizer } = make({ kind: 'rest-token' }, ok(output))
      const result = refused(await authorizer.authorize(request()))
      expect(result).toMatchObject({
        status: 500,
        type: 'AUTHORIZER_CONFIGURATION_ERROR',
        body: { message: null }
      })
      expect(result.reason).toMatch(problem)
    }
  )
})

describe('REST TOKEN caching', () => {
  it('a cached policy is re-evaluated for each method ARN (the {proxy+} pitfall)', async () => {
    const { authorizer, events } = make({ kind: 'rest-token' }, ok(policy('Allow', ARN)))
    expect((await authorizer.authorize(request())).ok).toBe(true)
    const other = refused(await authorizer.authorize(request({ path: '/pets/43' })))
    expect(other).toMatchObject({ status: 403, fromCache: true, invoked: false })
    expect(other.reason).toMatch(/\(authorizer result from cache\)$/)
    expect(events).toHaveLength(1)
  })

  it('denials are cached, failures are not', async () => {
    const denying = make({ kind: 'rest-token' }, fail('Unauthorized'), ok(policy('Allow')))
    await denying.authorizer.authorize(request())
    expect(refused(await denying.authorizer.authorize(request())).fromCache).toBe(true)
    expect(denying.events).toHaveLength(1)

    const failing = make({ kind: 'rest-token' }, fail('boom'), ok(policy('Allow')))
    expect((await failing.authorizer.authorize(request())).ok).toBe(false)
    expect(await failing.authorizer.authorize(request())).toMatchObject({
      ok: true,
      fromCache: false
    })
    expect(failing.events).toHaveLength(2)
  })

  it('expires after the TTL; TTL 0 invokes every time', async () => {
    const { authorizer, events, clock } = make(
      { kind: 'rest-token', resultTtlSeconds: 60 },
      ok(policy('Allow'))
    )
    await authorizer.authorize(request())
    clock.advance(59_999)
    await authorizer.authorize(request())
    expect(events).toHaveLength(1)
    clock.advance(1)
    await authorizer.authorize(request())
    expect(events).toHaveLength(2)

    const off = make({ kind: 'rest-token', resultTtlSeconds: 0 }, ok(policy('Allow')))
    await off.authorizer.authorize(request())
    await off.authorizer.authorize(request())
    expect(off.events).toHaveLength(2)
  })

  it('a different token is a different cache entry', async () => {
    const { authorizer, events } = make({ kind: 'rest-token' }, ok(policy('Allow')))
    await authorizer.authorize(request())
    await authorizer.authorize(request({ headers: { authorization: 'someone-else' } }))
    expect(events).toHaveLength(2)
  })
})

describe('REST REQUEST authorizer', () => {
  const config: LambdaAuthorizerConfig = {
    kind: 'rest-request',
    identitySources: [
      'method.request.header.Authorization',
      'method.request.querystring.tenant',
      'stageVariables.env',
      'context.requestId'
    ]
  }

  it('sends the REQUEST event', async () => {
    const { authorizer, events } = make(config, ok(policy('Allow')))
    await authorizer.authorize(request())
    expect(events[0]).toMatchObject({
      type: 'REQUEST',
      methodArn: ARN,
      resource: '/pets/{id}',
      path: '/pets/42',
      httpMethod: 'GET',
      queryStringParameters: { tenant: 'acme' },
      pathParameters: { id: '42' },
      stageVariables: { env: 'lab' },
      requestContext: { requestId: 'req-1', stage: 'prod', identity: { sourceIp: '127.0.0.1' } }
    })
  })

  it('caching on: a missing identity source is 401 without invoking', async () => {
    const { authorizer, events } = make(config, ok(policy('Allow')))
    const result = refused(await authorizer.authorize(request({ rawQueryString: '' })))
    expect(result).toMatchObject({ status: 401, invoked: false })
    expect(result.reason).toMatch(/method.request.querystring.tenant/)
    expect(events).toHaveLength(0)
  })

  it('query string names are case-sensitive', async () => {
    const { authorizer } = make(config, ok(policy('Allow')))
    expect(
      refused(await authorizer.authorize(request({ rawQueryString: 'Tenant=acme' }))).status
    ).toBe(401)
  })

  it('caching off: a missing identity source still invokes', async () => {
    const { authorizer, events } = make({ ...config, resultTtlSeconds: 0 }, ok(policy('Allow')))
    expect((await authorizer.authorize(request({ rawQueryString: '' }))).ok).toBe(true)
    expect(events).toHaveLength(1)
  })

  it('the cache key is all identity values: another tenant invokes again', async () => {
    const identity = {
      kind: 'rest-request' as const,
      identitySources: ['method.request.header.Authorization', 'method.request.querystring.tenant']
    }
    const { authorizer, events } = make(identity, ok(policy('Allow', '*')))
    await authorizer.authorize(request())
    await authorizer.authorize(request({ path: '/other' }))
    expect(events).toHaveLength(1)
    await authorizer.authorize(request({ rawQueryString: 'tenant=globex' }))
    expect(events).toHaveLength(2)
  })
})

describe('HTTP API authorizer', () => {
  const v2: LambdaAuthorizerConfig = {
    kind: 'http',
    payloadFormatVersion: '2.0',
    identitySources: ['$request.header.Authorization', '$request.querystring.tenant'],
    enableSimpleResponses: true
  }

  it('2.0 simple response true: allowed, context may hold arrays and objects', async () => {
    const { authorizer, events } = make(
      v2,
      ok({ isAuthorized: true, context: { roles: ['a', 'b'], org: { id: 1 } } })
    )
    const result = await authorizer.authorize(request({ routeKey: 'GET /pets/{id}' }))
    expect(result).toMatchObject({ ok: true, context: { roles: ['a', 'b'], org: { id: 1 } } })
    expect(events[0]).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      identitySource: ['allow-me', 'acme'],
      routeKey: 'GET /pets/{id}'
    })
  })

  it('2.0 simple response false: 403 {"message":"Forbidden"}', async () => {
    const { authorizer } = make(v2, ok({ isAuthorized: false }))
    const result = refused(await authorizer.authorize(request()))
    expect(result).toEqual({
      ok: false,
      status: 403,
      body: { message: 'Forbidden' },
      reason: 'the authorizer answered isAuthorized: false',
      fromCache: false,
      invoked: true
    })
  })

  it('2.0 simple responses on but a policy returned: 500 Internal Server Error', async () => {
    const { authorizer } = make(v2, ok(policy('Allow')))
    const result = refused(await authorizer.authorize(request()))
    expect(result).toMatchObject({ status: 500, body: { message: 'Internal Server Error' } })
    expect(result.type).toBeUndefined()
  })

  it('missing identity source: 401 {"message":"Unauthorized"} without invoking, even with caching off', async () => {
    const { authorizer, events } = make({ ...v2, resultTtlSeconds: 0 }, ok({ isAuthorized: true }))
    expect(refused(await authorizer.authorize(request({ headers: {} })))).toMatchObject({
      status: 401,
      body: { message: 'Unauthorized' }
    })
    expect(events).toHaveLength(0)
  })

  it('2.0 IAM policy: Deny → 403 Forbidden; principalId optional', async () => {
    const config = { ...v2, enableSimpleResponses: false }
    const { authorizer } = make(config, ok({ policyDocument: policy('Deny', '*').policyDocument }))
    expect(refused(await authorizer.authorize(request()))).toMatchObject({
      status: 403,
      body: { message: 'Forbidden' }
    })
  })

  it('1.0: the event carries version, identitySource string; context must stay flat', async () => {
    const config: LambdaAuthorizerConfig = {
      kind: 'http',
      payloadFormatVersion: '1.0',
      identitySources: ['$request.header.Authorization', '$stageVariables.env']
    }
    const { authorizer, events } = make(
      config,
      ok(policy('Allow', '*', { context: { nested: { a: 1 } } }))
    )
    const result = refused(await authorizer.authorize(request()))
    expect(result.status).toBe(500)
    expect(events[0]).toMatchObject({
      version: '1.0',
      type: 'REQUEST',
      identitySource: 'allow-me,lab',
      methodArn: ARN
    })
  })

  it('$context identity sources, e.g. $context.routeKey for per-route caching', async () => {
    const config: LambdaAuthorizerConfig = {
      kind: 'http',
      payloadFormatVersion: '2.0',
      identitySources: ['$request.header.Authorization', '$context.routeKey'],
      enableSimpleResponses: true
    }
    const { authorizer, events } = make(config, ok({ isAuthorized: true }))
    await authorizer.authorize(request({ routeKey: 'GET /pets/{id}' }))
    await authorizer.authorize(request({ routeKey: 'GET /pets/{id}' }))
    await authorizer.authorize(request({ routeKey: 'POST /pets' }))
    expect(events).toHaveLength(2)
  })
})

describe('configuration', () => {
  it('refuses a bad regex, a TOKEN source that is not a header, an unknown source form, caching without sources', () => {
    const invoke = fakeInvoke(ok({})).invoke
    const clock = new FakeClock()
    expect(
      () =>
        new LambdaAuthorizer({ kind: 'rest-token', identityValidationExpression: '(' }, invoke, {
          clock
        })
    ).toThrow(/not a valid regex/)
    expect(
      () =>
        new LambdaAuthorizer(
          { kind: 'rest-token', identitySource: 'method.request.querystring.t' },
          invoke,
          { clock }
        )
    ).toThrow(/header/)
    expect(
      () =>
        new LambdaAuthorizer(
          { kind: 'rest-request', identitySources: ['method.request.path.id'] },
          invoke,
          { clock }
        )
    ).toThrow(/Identity source/)
    expect(
      () =>
        new LambdaAuthorizer(
          { kind: 'http', payloadFormatVersion: '2.0', identitySources: [] },
          invoke,
          { clock }
        )
    ).toThrow(/at least one identity source/)
    expect(
      () =>
        new LambdaAuthorizer(
          { kind: 'http', payloadFormatVersion: '2.0', identitySources: [], resultTtlSeconds: 0 },
          invoke,
          { clock }
        )
    ).not.toThrow()
  })
})
