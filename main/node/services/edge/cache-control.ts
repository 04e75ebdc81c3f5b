/** The response Cache-Control directives an edge cache acts on (RFC 9111 §5.2.2). */
export interface CacheControl {
  maxAge?: number
  sMaxAge?: number
  noCache: boolean
  noStore: boolean
  private: boolean
  mustRevalidate: boolean
  staleWhileRevalidate?: number
  staleIfError?: number
}

/**
 * Parses Cache-Control leniently, as caches must: names are case-insensitive, values may be quoted,
 * unknown directives are ignored, and a malformed number counts as absent. The first of a repeated
 * directive wins.
 */
export function parseCacheControl(header: string | string[] | undefined): CacheControl {
  const out: CacheControl = { noCache: false, noStore: false, private: false, mustRevalidate: false }
  const text = Array.isArray(header) ? header.join(',') : (header ?? '')
  const seen = new Set<string>()
  for (const part of text.split(',')) {
    const match = /^\s*([A-Za-z-]+)\s*(?:=\s*(?:"([^"]*)"|([^\s,]*)))?\s*$/.exec(part)
    if (!match) continue
    const name = match[1]!.toLowerCase()
    if (seen.has(name)) continue
    seen.add(name)
    const value = match[2] ?? match[3]
    const seconds = value !== undefined && /^\d+$/.test(value) ? Math.min(Number(value), 2 ** 31) : undefined
    switch (name) {
      case 'max-age':
        if (seconds !== undefined) out.maxAge = seconds
        break
      case 's-maxage':
        if (seconds !== undefined) out.sMaxAge = seconds
        break
      case 'no-cache':
        out.noCache = true
        break
      case 'no-store':
        out.noStore = true
        break
      case 'private':
        out.private = true
        break
      case 'must-revalidate':
      case 'proxy-revalidate':
        out.mustRevalidate = true
        break
      case 'stale-while-revalidate':
        if (seconds !== undefined) out.staleWhileRevalidate = seconds
        break
      case 'stale-if-error':
        if (seconds !== undefined) out.staleIfError = seconds
        break
    }
  }
  return out
}
