import type { IncomingHttpHeaders } from 'node:http'
import type { CachePolicy, OriginRequestPolicy } from '../../../common/services/edge/edge-config'
import { hopByHopOf } from '../../net/http-headers'

type Rule = { behavior: string; names: string[] }

function keeps(rule: Rule, name: string, caseless: boolean): boolean {
  const listed = rule.names.some((n) => (caseless ? n.toLowerCase() === name.toLowerCase() : n === name))
  switch (rule.behavior) {
    case 'all':
    case 'allViewer':
    case 'allViewerAndWhitelistCloudFront':
      return true
    case 'whitelist':
      return listed
    case 'allExcept':
      return !listed
    default:
      return false
  }
}

function cookiePairs(header: string | undefined): [string, string][] {
  return (header ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=')
      return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]
    })
}

/** What the origin receives for a viewer request, and a sentence on what was left out. */
export interface OriginRequest {
  /** Path plus the query strings that are forwarded. */
  path: string
  headers: IncomingHttpHeaders
  note: string
}

/**
 * The origin request CloudFront builds (DG controlling-origin-requests): the values in the cache key,
 * plus what the origin request policy adds; nothing else of the viewer's request. The Host header is
 * the origin's unless forwarded, User-Agent is `Amazon CloudFront` unless forwarded, and
 * X-Forwarded-For, Via and X-Amz-Cf-Id are always added by the caller.
 */
export function originRequest(url: URL, viewer: IncomingHttpHeaders, cache: CachePolicy, policy: OriginRequestPolicy | undefined): OriginRequest {
  const query = [...url.searchParams].filter(([name]) => keeps(cache.queryStrings, name, false) || (policy !== undefined && keeps(policy.queryStrings, name, false)))
  const search = query.length ? `?${new URLSearchParams(query).toString()}` : ''
  const headers: IncomingHttpHeaders = {}
  const keyHeaders = new Set(cache.headers.map((h) => h.toLowerCase()))
  const hopByHop = hopByHopOf(viewer.connection)
  for (const [name, value] of Object.entries(viewer)) {
    if (value === undefined || hopByHop.has(name) || name === 'cookie' || name.startsWith('if-') || name === 'accept-encoding') continue
    if (keyHeaders.has(name) || (policy !== undefined && keeps(policy.headers, name, true))) headers[name] = value
  }
  const viewerCookies = cookiePairs(typeof viewer.cookie === 'string' ? viewer.cookie : undefined)
  const cookies = viewerCookies.filter(([name]) => keeps(cache.cookies, name, false) || (policy !== undefined && keeps(policy.cookies, name, false)))
  if (cookies.length) headers['cookie'] = cookies.map(([name, value]) => `${name}=${value}`).join('; ')
  headers['user-agent'] ??= 'Amazon CloudFront'
  const droppedQuery = [...url.searchParams].length - query.length
  // Headers are left out all the time (browsers send many); query strings and cookies are worth a word.
  const droppedCookies = viewerCookies.length - cookies.length
  const left = [droppedQuery ? `${droppedQuery} query string(s)` : '', droppedCookies ? `${droppedCookies} cookie(s)` : ''].filter(Boolean)
  const note = left.length ? `${left.join(' and ')} not in the cache key${policy ? ' or origin request policy' : ' (no origin request policy)'}: not sent to the origin` : ''
  return { path: `${url.pathname}${search}`, headers, note }
}
