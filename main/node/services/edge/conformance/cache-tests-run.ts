import { systemClock } from '../../../base/clock'
import { edgeForTest } from '../testing-edge'
import { freePort } from '../../../net/free-port'
import { installSuite, runSuite, startSuiteOrigin, type SuiteResult } from './cache-tests-suite'

/**
 * The two ways the suite is run against the edge. Both let every method and viewer header through (the
 * suite configures its origin with PUTs and checks what the origin received), and put query strings in
 * the key.
 * - `cloudfront`: CloudFront's own rules: the managed UseOriginCacheControlHeaders-QueryStrings cache
 *   policy (no lifetime from the origin means no caching), the AllViewer origin request policy, viewer
 *   Cache-Control ignored, errors cached for CloudFront's 10 s minimum.
 * - `rfc9111`: the same distribution with Netloom's two RFC switches on: heuristic freshness for
 *   responses with Last-Modified (§4.2.2, capped at a day) and viewer Cache-Control honoured (§5.2.1),
 *   and CloudFront's error caching minimum TTL set to 0 for 5xx (a CloudFront setting), so that server
 *   errors are kept only as long as the origin says.
 */
export const conformanceProfiles = {
  cloudfront: {
    defaultBehavior: { origin: 'suite', cachePolicy: 'UseOriginCacheControlHeaders-QueryStrings', originRequestPolicy: 'AllViewer', allowedMethods: 'ALL', compress: false }
  },
  rfc9111: {
    viewerCacheControl: 'honor',
    customErrorResponses: [500, 502, 503, 504].map((errorCode) => ({ errorCode, errorCachingMinTtl: 0 })),
    defaultBehavior: {
      origin: 'suite',
      cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 31536000, queryStrings: { behavior: 'all' }, cookies: { behavior: 'all' }, heuristicFreshness: 86400 },
      originRequestPolicy: 'AllViewer',
      allowedMethods: 'ALL',
      compress: false
    }
  }
} as const

export type ConformanceProfile = keyof typeof conformanceProfiles

/** Installs the suite if needed, runs its origin and an edge in front of it, and returns every test's result. */
export async function runConformance(profile: ConformanceProfile): Promise<{ results: Record<string, SuiteResult>; pkg: string }> {
  const pkg = installSuite()
  const originPort = await freePort()
  const origin = await startSuiteOrigin(pkg, originPort)
  const edge = edgeForTest({ origins: [{ id: 'suite', url: `http://127.0.0.1:${originPort}` }], ...conformanceProfiles[profile] }, { clock: systemClock })
  try {
    await edge.start()
    const { host, port } = edge.endpoints()[0]!
    return { results: await runSuite(pkg, `http://${host}:${port}`), pkg }
  } finally {
    await edge.stop()
    origin.kill('SIGTERM')
  }
}
