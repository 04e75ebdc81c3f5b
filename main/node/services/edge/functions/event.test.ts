import { describe, expect, it } from 'vitest'
import {
  applyViewerRequestResult,
  applyViewerResponseResult,
  checkResultSize,
  FunctionReturnError,
  parseQuerystring,
  validateReturned,
  viewerRequestEvent,
  viewerResponseEvent,
  type EdgeRequest,
  type EdgeResponse
} from './event'

const context = { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE', requestId: 'req-1' }

const request: EdgeRequest = {
  method: 'GET',
  uri: '/media/index.html',
  querystring: 'size=LARGE&tag=a&tag=b%20c&flag',
  headers: {
    host: 'www.example.com',
    accept: 'text/html',
    'x-multi': ['one', 'two'],
    cookie: 'id=a3fWa; theme=dark; id=b4',
    connection: 'keep-alive',
    'x-amz-cf-id': 'abc'
  },
  viewerIp: '198.51.100.11'
}

const response: EdgeResponse = {
  statusCode: 200,
  statusDescription: 'OK',
  headers: {
    'content-type': 'text/html',
    'content-length': '12',
    'set-cookie': ['id=a3fWa; Expires=Wed, 05 Apr 2028 07:28:00 GMT; Secure', 'theme=dark', 'id=other; Path=/'],
    'x-cache': 'Miss from cloudfront'
  }
}

function refusal(fn: () => unknown): FunctionReturnError {
  try {
    fn()
  } catch (error) {
    if (error instanceof FunctionReturnError) return error
    throw error
  }
  throw new Error('expected a FunctionReturnError')
}

describe('viewer-request event', () => {
  const event = viewerRequestEvent(request, context)

  it('has the version, context and viewer CloudFront documents', () => {
    expect(event.version).toBe('1.0')
    expect(event.context).toEqual({ ...context, eventType: 'viewer-request' })
    expect(event.viewer).toEqual({ ip: '198.51.100.11' })
    expect(event.response).toBeUndefined()
  })

  it('groups query strings, keeping values encoded and listing repeats in multiValue', () => {
    expect(event.request.querystring).toEqual({
      size: { value: 'LARGE' },
      tag: { value: 'a', multiValue: [{ value: 'a' }, { value: 'b%20c' }] },
      flag: { value: '' }
    })
    expect(parseQuerystring('')).toEqual({})
  })

  it('moves Cookie into cookies and hides disallowed headers', () => {
    expect(event.request.headers).toEqual({
      host: { value: 'www.example.com' },
      accept: { value: 'text/html' },
      'x-multi': { value: 'one', multiValue: [{ value: 'one' }, { value: 'two' }] }
    })
    expect(event.request.cookies).toEqual({
      id: { value: 'a3fWa', multiValue: [{ value: 'a3fWa' }, { value: 'b4' }] },
      theme: { value: 'dark' }
    })
  })

  it('round-trips: the unchanged request continues as it came (raw query string and Cookie kept)', () => {
    const outcome = applyViewerRequestResult(event, request, structuredClone(event.request))
    expect(outcome).toEqual({
      type: 'request',
      request: {
        method: 'GET',
        uri: '/media/index.html',
        querystring: 'size=LARGE&tag=a&tag=b%20c&flag',
        headers: { host: 'www.example.com', accept: 'text/html', 'x-multi': ['one', 'two'], cookie: 'id=a3fWa; theme=dark; id=b4' }
      }
    })
  })

  it('applies changes: uri, a new header, a changed multiValue, query strings and cookies', () => {
    const changed = structuredClone(event.request)
    changed.uri = '/index.html'
    changed.headers['x-added'] = { value: 'yes' }
    changed.headers['x-multi'].multiValue = [{ value: 'three' }]
    changed.querystring = { lang: { value: 'en' }, tag: { value: 'x', multiValue: [{ value: 'x' }, { value: 'y' }] } }
    changed.cookies = { session: { value: 's1' } }
    const outcome = applyViewerRequestResult(event, request, changed)
    expect(outcome).toEqual({
      type: 'request',
      request: {
        method: 'GET',
        uri: '/index.html',
        querystring: 'lang=en&tag=x&tag=y',
        headers: { host: 'www.example.com', accept: 'text/html', 'x-multi': 'three', 'x-added': 'yes', cookie: 'session=s1' }
      }
    })
  })

  it('a changed value replaces every value of the entry', () => {
    const changed = structuredClone(event.request)
    changed.headers['x-multi'].value = 'only'
    const outcome = applyViewerRequestResult(event, request, changed)
    expect(outcome.type === 'request' && outcome.request.headers['x-multi']).toBe('only')
  })

  it('a returned response short-circuits with its status, headers, cookies and body', () => {
    const outcome = applyViewerRequestResult(event, request, {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: 'https://example.com/' } },
      cookies: { seen: { value: '1', attributes: 'Path=/; Secure' } },
      body: { encoding: 'base64', data: Buffer.from('moved').toString('base64') }
    })
    expect(outcome).toEqual({
      type: 'response',
      response: {
        statusCode: 301,
        statusDescription: 'Moved Permanently',
        headers: { location: 'https://example.com/', 'set-cookie': ['seen=1; Path=/; Secure'] }
      },
      body: Buffer.from('moved')
    })
  })

  it.each([
    ['a changed method', { method: 'POST' }, 'request.method is read-only'],
    ['a uri without a leading slash', { uri: 'index.html' }, 'must be a string starting with "/"'],
    ['a changed Host', { headers: { host: { value: 'evil.example' } } }, '"host" is read-only'],
    ['a removed Host', { headers: {} }, '"host" is read-only'],
    ['an added Content-Length', { headers: { host: { value: 'www.example.com' }, 'content-length': { value: '1' } } }, '"content-length" is read-only'],
    ['a disallowed header', { headers: { host: { value: 'www.example.com' }, 'x-edge-location': { value: 'x' } } }, 'disallowed'],
    ['a Connection header', { headers: { host: { value: 'www.example.com' }, connection: { value: 'close' } } }, 'disallowed'],
    ['an upper-case header name', { headers: { host: { value: 'www.example.com' }, 'X-Up': { value: 'x' } } }, 'lower-case'],
    ['a header value with CRLF', { headers: { host: { value: 'www.example.com' }, 'x-a': { value: 'a\r\nb: c' } } }, 'CR, LF'],
    ['a header without a string value', { headers: { host: { value: 'www.example.com' }, 'x-a': { value: 1 } } }, 'value must be a string'],
    ['a Cookie in headers', { headers: { host: { value: 'www.example.com' }, cookie: { value: 'a=1' } } }, 'belongs in cookies']
  ])('refuses %s', (_name, patch, message) => {
    const returned = { ...structuredClone(event.request), ...patch }
    const error = refusal(() => applyViewerRequestResult(event, request, returned))
    expect(error.kind).toBe('invalid-return')
    expect(error.message).toContain(message)
  })

  it.each([
    ['nothing', undefined],
    ['a string', 'ok'],
    ['a status out of range', { statusCode: 99 }],
    ['a fractional status', { statusCode: 200.5 }],
    ['invalid base64', { statusCode: 200, body: { encoding: 'base64', data: '@@' } }],
    ['an unknown body encoding', { statusCode: 200, body: { encoding: 'hex', data: '00' } }]
  ])('refuses %s as a returned object', (_name, returned) => {
    expect(refusal(() => applyViewerRequestResult(event, request, returned)).kind).toBe('invalid-return')
  })
})

describe('viewer-response event', () => {
  const event = viewerResponseEvent(request, response, context)

  it('carries the request and the response, Set-Cookie as cookies with attributes', () => {
    expect(event.context.eventType).toBe('viewer-response')
    expect(event.request.uri).toBe('/media/index.html')
    expect(event.response).toEqual({
      statusCode: 200,
      statusDescription: 'OK',
      headers: { 'content-type': { value: 'text/html' }, 'content-length': { value: '12' } },
      cookies: {
        id: {
          value: 'a3fWa',
          attributes: 'Expires=Wed, 05 Apr 2028 07:28:00 GMT; Secure',
          multiValue: [
            { value: 'a3fWa', attributes: 'Expires=Wed, 05 Apr 2028 07:28:00 GMT; Secure' },
            { value: 'other', attributes: 'Path=/' }
          ]
        },
        theme: { value: 'dark' }
      }
    })
  })

  it('round-trips the unchanged response', () => {
    const outcome = applyViewerResponseResult(event, structuredClone(event.response))
    expect(outcome).toEqual({
      response: {
        statusCode: 200,
        statusDescription: 'OK',
        headers: {
          'content-type': 'text/html',
          'content-length': '12',
          'set-cookie': ['id=a3fWa; Expires=Wed, 05 Apr 2028 07:28:00 GMT; Secure', 'id=other; Path=/', 'theme=dark']
        }
      }
    })
  })

  it('applies a new status, a security header and a text body', () => {
    const returned = { ...structuredClone(event.response!), statusCode: 404, body: 'gone' }
    returned.headers['strict-transport-security'] = { value: 'max-age=63072000' }
    const outcome = applyViewerResponseResult(event, returned)
    expect(outcome.response.statusCode).toBe(404)
    expect(outcome.response.headers['strict-transport-security']).toBe('max-age=63072000')
    expect(outcome.body).toEqual(Buffer.from('gone'))
  })

  it('refuses a changed Content-Length (read-only) and an added X-Cache (disallowed)', () => {
    const changed = structuredClone(event.response!)
    changed.headers['content-length'] = { value: '99' }
    expect(refusal(() => applyViewerResponseResult(event, changed)).message).toContain('"content-length" is read-only')
    const added = structuredClone(event.response!)
    added.headers['x-cache'] = { value: 'Hit' }
    expect(refusal(() => applyViewerResponseResult(event, added)).message).toContain('disallowed')
  })
})

describe('validateReturned and checkResultSize', () => {
  it('validates against the event alone', () => {
    const event = viewerRequestEvent(request, context)
    expect(() => validateReturned(event, structuredClone(event.request))).not.toThrow()
    expect(() => validateReturned(event, { ...event.request, method: 'PUT' })).toThrow(FunctionReturnError)
  })

  it('refuses a returned object over 40 KB as too-large', () => {
    expect(() => checkResultSize('x'.repeat(40 * 1024))).not.toThrow()
    const error = refusal(() => checkResultSize('x'.repeat(40 * 1024 + 1)))
    expect(error.kind).toBe('too-large')
  })
})
