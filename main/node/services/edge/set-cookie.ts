import type { ResolvedBehavior } from './behaviors'

type CookiePolicies = Pick<ResolvedBehavior, 'keyPolicy' | 'originRequestPolicy'>

/** Whether a behavior sends viewers' cookies to the origin: its cache policy or origin request policy names cookies. */
export function forwardsCookies(b: CookiePolicies): boolean {
  return b.keyPolicy.cookies.behavior !== 'none' || (b.originRequestPolicy?.cookies.behavior ?? 'none') !== 'none'
}

/**
 * CloudFront passes an origin's Set-Cookie on (to the viewer and into the cache) only when the
 * behavior forwards cookies (DG Cookies: "if you configure CloudFront not to forward cookies to your
 * origin, CloudFront removes the Set-Cookie header"). Returns the headers to use, and a note for the
 * request log when one was dropped.
 */
export function setCookieRule(headers: Record<string, string | string[]>, b: CookiePolicies): { headers: Record<string, string | string[]>; note: string } {
  if (headers['set-cookie'] === undefined || forwardsCookies(b)) return { headers, note: '' }
  const { 'set-cookie': dropped, ...rest } = headers
  const count = Array.isArray(dropped) ? dropped.length : 1
  return { headers: rest, note: `the origin's Set-Cookie (${count}) dropped: this behavior forwards no cookies` }
}
