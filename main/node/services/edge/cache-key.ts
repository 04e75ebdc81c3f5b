import type { IncomingHttpHeaders } from 'node:http'
import type { CachePolicy } from '../../../common/services/edge/edge-config'

/**
 * The cache key of a request under a cache policy: host and path always; then the query strings,
 * headers and cookies the policy names (all others are ignored and not forwarded as part of the key).
 * Query strings and cookies are sorted so that their order does not split the cache.
 */
export function cacheKey(method: string, host: string, url: URL, headers: IncomingHttpHeaders, policy: CachePolicy): string {
  const parts = [method === 'OPTIONS' ? 'OPTIONS' : 'GET', host.toLowerCase(), url.pathname]
  const pick = (names: [string, string][], rule: CachePolicy['queryStrings']) => {
    if (rule.behavior === 'none') return []
    const listed = new Set(rule.names)
    return names
      .filter(([name]) => rule.behavior === 'all' || (rule.behavior === 'whitelist' ? listed.has(name) : !listed.has(name)))
      .sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)))
  }
  const query = pick([...url.searchParams], policy.queryStrings)
  if (query.length) parts.push(`?${query.map(([n, v]) => `${n}=${v}`).join('&')}`)
  for (const name of [...policy.headers].map((h) => h.toLowerCase()).sort()) {
    const value = headers[name]
    parts.push(`h:${name}=${Array.isArray(value) ? value.join(',') : (value ?? '')}`)
  }
  const cookies = (headers.cookie ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=')
      return (eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]) as [string, string]
    })
  const keptCookies = pick(cookies, policy.cookies)
  if (keptCookies.length) parts.push(`c:${keptCookies.map(([n, v]) => `${n}=${v}`).join(';')}`)
  return parts.join(' ')
}
