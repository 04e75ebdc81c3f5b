import { describe, expect, it } from 'vitest'
import { MalformedResponseError, replyFromV1, replyFromV2 } from './proxy-response'

const text = (reply: { body: Buffer }) => reply.body.toString()

describe('Lambda proxy responses', () => {
  it('1.0 merges headers with multiValueHeaders (the multi value wins) and decodes base64 bodies', () => {
    const reply = replyFromV1({ statusCode: 201, headers: { a: '1', b: '2' }, multiValueHeaders: { b: ['3', '4'] }, body: Buffer.from('hi').toString('base64'), isBase64Encoded: true })
    expect(reply).toMatchObject({ status: 201, headers: [['a', '1'], ['b', '3'], ['b', '4']] })
    expect(text(reply)).toBe('hi')
  })

  it.each([
    [null, /returned null/],
    ['text', /returned string/],
    [{ body: 'x' }, /no statusCode/],
    [{ statusCode: 99 }, /not an HTTP status/],
    [{ statusCode: 200, body: 5 }, /body must be a string/],
    [{ statusCode: 200, headers: 'x' }, /headers must be an object/]
  ])('1.0 refuses %j', (result, message) => {
    expect(() => replyFromV1(result)).toThrow(MalformedResponseError)
    expect(() => replyFromV1(result)).toThrow(message)
  })

  it('2.0 infers a 200 JSON answer from any value without statusCode, and a string is the body', () => {
    expect(text(replyFromV2({ a: 1 }))).toBe('{"a":1}')
    expect(text(replyFromV2([1, 2]))).toBe('[1,2]')
    expect(text(replyFromV2(null))).toBe('null')
    expect(replyFromV2('Hello')).toMatchObject({ status: 200, headers: [['content-type', 'application/json']] })
    expect(text(replyFromV2('Hello'))).toBe('Hello')
  })

  it('2.0 turns cookies into Set-Cookie headers', () => {
    expect(replyFromV2({ statusCode: 302, headers: { location: '/x' }, cookies: ['s=1'] }).headers).toEqual([['location', '/x'], ['set-cookie', 's=1']])
  })
})
