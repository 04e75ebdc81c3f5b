import { promisify } from 'node:util'
import { brotliCompress, gzip } from 'node:zlib'

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

/** The content types CloudFront compresses (its documented list). */
const compressible = new Set(
  'application/dash+xml application/eot application/font application/font-sfnt application/javascript application/json application/opentype application/otf application/pkcs7-mime application/protobuf application/rss+xml application/truetype application/ttf application/vnd.apple.mpegurl application/vnd.mapbox-vector-tile application/vnd.ms-fontobject application/xhtml+xml application/xml application/x-font-opentype application/x-font-truetype application/x-font-ttf application/x-httpd-cgi application/x-javascript application/x-mpegurl application/x-opentype application/x-otf application/x-perl application/x-ttf font/eot font/opentype font/otf font/ttf image/svg+xml text/css text/csv text/html text/javascript text/js text/plain text/richtext text/tab-separated-values text/xml text/x-component text/x-java-source text/x-script vnd.apple.mpegurl'.split(' ')
)

export type Encoding = 'br' | 'gzip'

/**
 * Whether and how CloudFront would compress this response, given the normalised Accept-Encoding
 * of the cache key (cache/cache-key.ts) (its "Serving compressed files" rules), with
 * the reason when it does not: status 200/403/404, 1,000–10,000,000 bytes by Content-Length, a listed
 * content type, not already encoded; Brotli preferred.
 */
export function compressionFor(
  normalised: string | undefined,
  response: { status: number; headers: Record<string, string | string[]>; body: Buffer }
): { encoding: Encoding } | { skip: string } {
  if (!normalised) return { skip: 'the viewer accepts no enabled encoding' }
  if (![200, 403, 404].includes(response.status)) return { skip: `status ${response.status} is not compressed` }
  if (response.headers['content-encoding']) return { skip: `the origin already sent Content-Encoding ${String(response.headers['content-encoding'])}` }
  const length = Number(response.headers['content-length'] ?? response.body.length)
  if (!(length >= 1000 && length <= 10_000_000)) return { skip: `${length} bytes is outside 1,000–10,000,000` }
  const type = String(response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (!compressible.has(type)) return { skip: `${type || 'no content type'} is not on CloudFront's list` }
  return { encoding: normalised.startsWith('br') ? 'br' : 'gzip' }
}

export async function compress(body: Buffer, encoding: Encoding): Promise<Buffer> {
  return encoding === 'br' ? brotli(body) : gzipAsync(body)
}

/** A strong ETag becomes weak when the body is compressed; an invalid one is dropped (CloudFront). */
export function weakenEtag(etag: string | string[] | undefined): string | undefined {
  const value = Array.isArray(etag) ? etag[0] : etag
  if (!value) return undefined
  if (value.startsWith('W/')) return value
  return value.startsWith('"') ? `W/${value}` : undefined
}
