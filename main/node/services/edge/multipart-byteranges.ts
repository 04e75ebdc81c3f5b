import { randomBytes } from 'node:crypto'
import type { ByteRange } from './cache/range'

/**
 * A multipart/byteranges body (RFC 9110 §14.6): each part with its own Content-Type (the
 * representation's) and Content-Range, separated by a boundary that cannot occur in the parts'
 * header lines; returns the body and the response's Content-Type naming the boundary.
 */
export function multipartByteranges(body: Uint8Array, parts: readonly ByteRange[], contentType: string | undefined, boundary: string = randomBytes(12).toString('hex')): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = []
  const size = body.byteLength
  for (const { start, end } of parts) {
    const type = contentType === undefined ? '' : `Content-Type: ${contentType}\r\n`
    // §14.6 / RFC 2046 §5.1.1: every boundary delimiter starts on a new line (CRLF before it).
    chunks.push(Buffer.from(`\r\n--${boundary}\r\n${type}Content-Range: bytes ${start}-${end}/${size}\r\n\r\n`, 'latin1'))
    chunks.push(Buffer.from(body.buffer, body.byteOffset + start, end - start + 1))
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'))
  return { body: Buffer.concat(chunks), contentType: `multipart/byteranges; boundary=${boundary}` }
}
