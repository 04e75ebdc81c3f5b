import { describe, expect, it } from 'vitest'
import { multipartByteranges } from './multipart-byteranges'

const body = Buffer.from('abcdefghij')

describe('multipart/byteranges bodies (RFC 9110 §14.6)', () => {
  it.each([
    {
      name: 'two parts with the representation type',
      parts: [{ start: 0, end: 1 }, { start: 5, end: 9 }],
      type: 'text/plain',
      text: '\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\nab\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 5-9/10\r\n\r\nfghij\r\n--B--\r\n'
    },
    {
      name: 'no Content-Type in the parts when the object has none',
      parts: [{ start: 9, end: 9 }, { start: 0, end: 0 }],
      type: undefined,
      text: '\r\n--B\r\nContent-Range: bytes 9-9/10\r\n\r\nj\r\n--B\r\nContent-Range: bytes 0-0/10\r\n\r\na\r\n--B--\r\n'
    }
  ])('$name', ({ parts, type, text }) => {
    const answer = multipartByteranges(body, parts, type, 'B')
    expect(answer.contentType).toBe('multipart/byteranges; boundary=B')
    expect(answer.body.toString('latin1')).toBe(text)
  })

  it('reads parts from a view into a larger buffer, and picks a fresh boundary each time', () => {
    const backing = Buffer.from('xxxxabcdefghijxxxx')
    const view = backing.subarray(4, 14)
    const a = multipartByteranges(view, [{ start: 0, end: 1 }, { start: 8, end: 9 }], undefined)
    expect(a.body.toString()).toContain('\r\n\r\nab\r\n')
    expect(a.body.toString()).toContain('\r\n\r\nij\r\n')
    expect(a.contentType).not.toBe(multipartByteranges(view, [{ start: 0, end: 1 }, { start: 8, end: 9 }], undefined).contentType)
  })
})
