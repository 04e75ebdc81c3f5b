import { describe, expect, it } from 'vitest'
import { MalformedResponseError, replyFrom, replyFromV1, replyFromV2 } from './proxy-response'

const text = (reply: { body: Buffer }) => reply.body.toString()

describe('format 1.0 responses', () => {
  it('merges headers with multiValueHeaders (the multi values win) and decodes base64 bodies', () => {
    const reply = replyFromV1({ statusCode: 201, headers: { a: '1', B: '2' }, multiValueHeaders: { b: ['3', '4'] }, body: Buffer.from('hi').toString('base64'), isBase64Encoded: true })
    expect(reply).toMatchObject({ status: 201, headers: [['a', '1'], ['b', '3'], ['b', '4']] })
    expect(text(reply)).toBe('hi')
  })

  it.each([
    ['a minimal result', { statusCode: 204 }, 204, [], ''],
    ['a numeric string status', { statusCode: '404', body: 'no' }, 404, [], 'no'],
    ['numbers and booleans as header values', { statusCode: 200, headers: { 'x-n': 5, 'x-b': true } }, 200, [['x-n', '5'], ['x-b', 'true']], ''],
    ['a null header left out', { statusCode: 200, headers: { a: null, b: 'x' } }, 200, [['b', 'x']], ''],
    ['a null body', { statusCode: 200, body: null }, 200, [], ''],
    ['extra fields ignored', { statusCode: 200, body: 'ok', cookies: ['c=1'], extra: 1 }, 200, [], 'ok']
  ])('accepts %s', (_name, result, status, headers, body) => {
    const reply = replyFromV1(result)
    expect(reply.status).toBe(status)
    expect(reply.headers).toEqual(headers)
    expect(text(reply)).toBe(body)
  })

  it.each([
    [null, /returned null/],
    ['text', /returned string/],
    [[1], /returned an array/],
    [{ body: 'x' }, /no statusCode/],
    [{ statusCode: 99 }, /not an HTTP status/],
    [{ statusCode: 'OK' }, /not an HTTP status/],
    [{ statusCode: 200.5 }, /not an HTTP status/],
    [{ statusCode: 200, body: 5 }, /body must be a string/],
    [{ statusCode: 200, body: { a: 1 } }, /body must be a string, not object/],
    [{ statusCode: 200, headers: 'x' }, /headers must be an object/],
    [{ statusCode: 200, headers: { a: ['1'] } }, /headers\.a must be a string, not an array/],
    [{ statusCode: 200, multiValueHeaders: { a: '1' } }, /multiValueHeaders\.a must be an array/],
    [{ statusCode: 200, multiValueHeaders: { a: [{}] } }, /multiValueHeaders\.a\[\] must be a string/]
  ])('refuses %j', (result, message) => {
    expect(() => replyFromV1(result)).toThrow(MalformedResponseError)
    expect(() => replyFromV1(result)).toThrow(message)
  })
})

describe('format 2.0 responses', () => {
  it.each([
    ['an object', { a: 1 }, '{"a":1}'],
    ['an array', [1, 2], '[1,2]'],
    ['null', null, 'null'],
    ['undefined', undefined, 'null'],
    ['a number', 42, '42'],
    ['a boolean', false, 'false'],
    ['an object with a body but no statusCode', { body: 'x' }, '{"body":"x"}'],
    ['a string, as it is', 'Hello', 'Hello']
  ])('infers a 200 JSON answer from %s', (_name, result, body) => {
    const reply = replyFromV2(result)
    expect(reply).toMatchObject({ status: 200, headers: [['content-type', 'application/json']] })
    expect(text(reply)).toBe(body)
  })

  it('uses an object with statusCode as the response, cookies as Set-Cookie headers', () => {
    const reply = replyFromV2({ statusCode: 302, headers: { location: '/x' }, cookies: ['s=1', 't=2; HttpOnly'], body: 'bW92ZWQ=', isBase64Encoded: true })
    expect(reply).toMatchObject({ status: 302, headers: [['location', '/x'], ['set-cookie', 's=1'], ['set-cookie', 't=2; HttpOnly']] })
    expect(text(reply)).toBe('moved')
  })

  it('has no multiValueHeaders', () => {
    expect(replyFromV2({ statusCode: 200, headers: { a: '1,2' }, multiValueHeaders: { b: ['3'] } }).headers).toEqual([['a', '1,2']])
  })

  it.each([
    [{ statusCode: 0 }, /not an HTTP status/],
    [{ statusCode: 200, body: { a: 1 } }, /body must be a string/],
    [{ statusCode: 200, cookies: 'a=1' }, /cookies must be an array of strings/],
    [{ statusCode: 200, cookies: [1] }, /cookies must be an array of strings/]
  ])('refuses %j', (result, message) => {
    expect(() => replyFromV2(result)).toThrow(MalformedResponseError)
    expect(() => replyFromV2(result)).toThrow(message)
  })
})

describe('replyFrom', () => {
  it('picks the rules of the payload format', () => {
    expect(text(replyFrom('2.0', { a: 1 }))).toBe('{"a":1}')
    expect(() => replyFrom('1.0', { a: 1 })).toThrow(MalformedResponseError)
  })
})
