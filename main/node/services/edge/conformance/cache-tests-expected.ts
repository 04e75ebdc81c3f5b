import type { ConformanceProfile } from './cache-tests-run'

/**
 * The suite's required tests the edge fails on purpose, with the reason. The conformance test fails
 * when another required test fails, and when one of these starts passing (so the list stays true).
 */
const everywhere: Record<string, string> = {
  'stale-close-must-revalidate': "The suite's origin closes the connection and the test expects an answer from the origin; a cache that obeys the directive answers 502 itself, which the suite counts as served from cache. Every cache published with the suite fails these four.",
  'stale-close-proxy-revalidate': 'As stale-close-must-revalidate.',
  'stale-close-no-cache': 'As stale-close-must-revalidate.',
  'stale-close-s-maxage=2': 'As stale-close-must-revalidate.',
  'surrogate-max-age-0-expires': 'Surrogate-Control (W3C Edge Architecture) is not part of RFC 9111, and CloudFront ignores it.',
  'surrogate-max-age-long-cc-max-age': 'Surrogate-Control: as above.',
  'surrogate-no-store-cc-fresh': 'Surrogate-Control: as above.',
  'surrogate-fresh-cc-nostore': 'Surrogate-Control: as above.',
  'age-parse-prefix': 'The suite takes `Age: 0,7200` as 0 yet `Age: 0, 0` as unknown. RFC 9111 §5.1 allows one delta-seconds; Netloom treats every list as an unknown age (stale), the safe side, and passes the other eleven Age tests.',
  '304-etag-update-response-ETag': "A setup failure: the 304 carries a strong ETag that matches no stored response, and RFC 9111 §4.3.4 says such a 304 updates none, so the test's third request goes to the origin.",
  'invalidate-M-SEARCH': 'CloudFront accepts only GET, HEAD, OPTIONS, PUT, POST, PATCH and DELETE and answers other methods with its 403.',
  'invalidate-M-SEARCH-cl': 'As invalidate-M-SEARCH.'
}

export const expectedRequiredFailures: Record<ConformanceProfile, Record<string, string>> = {
  rfc9111: everywhere,
  cloudfront: {
    ...everywhere,
    'heuristic-502-not_cached': 'CloudFront keeps 5xx answers for its error caching minimum TTL (10 s by default); the rfc9111 profile sets it to 0.',
    'heuristic-503-not_cached': 'As heuristic-502-not_cached.',
    'heuristic-504-not_cached': 'As heuristic-502-not_cached.'
  }
}
