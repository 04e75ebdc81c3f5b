import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DELTA_SECONDS_MAX, parseCacheControl } from './cache-control'

describe('parseCacheControl', () => {
  it('reads every directive of RFC 9111 §5.2', () => {
    const cc = parseCacheControl(
      'max-age=60, s-maxage=120, no-store, public, must-revalidate, proxy-revalidate, ' +
        'no-transform, immutable, stale-while-revalidate=30, stale-if-error=600, only-if-cached, ' +
        'min-fresh=5, max-stale=9'
    )
    expect(cc).toMatchObject({
      maxAge: 60,
      sMaxAge: 120,
      noStore: true,
      public: true,
      mustRevalidate: true,
      proxyRevalidate: true,
      noTransform: true,
      immutable: true,
      staleWhileRevalidate: 30,
      staleIfError: 600,
      onlyIfCached: true,
      minFresh: 5,
      maxStale: 9,
      noCache: false,
      private: false
    })
  })

  it('returns all-false for an absent header', () => {
    expect(parseCacheControl(undefined)).toMatchObject({
      noCache: false,
      noStore: false,
      invalid: []
    })
    expect(parseCacheControl(undefined).maxAge).toBeUndefined()
  })

  it('§5.2: directive names are case-insensitive', () => {
    expect(parseCacheControl('Max-Age=5, NO-STORE')).toMatchObject({ maxAge: 5, noStore: true })
  })

  it('§5.2: accepts the quoted-string form of a delta-seconds argument', () => {
    expect(parseCacheControl('max-age="60"').maxAge).toBe(60)
  })

  it('§4.2.1: the first of duplicate max-age values is used', () => {
    expect(parseCacheControl('max-age=10, max-age=99').maxAge).toBe(10)
    expect(parseCacheControl(['max-age=10', 'max-age=99']).maxAge).toBe(10)
  })

  it('combines several field lines', () => {
    expect(parseCacheControl(['public', 's-maxage=3'])).toMatchObject({ public: true, sMaxAge: 3 })
  })

  it('§1.2.2: ignores invalid delta-seconds but records them as invalid', () => {
    const cc = parseCacheControl('max-age=abc, s-maxage=-1, min-fresh=1.5')
    expect(cc.maxAge).toBeUndefined()
    expect(cc.sMaxAge).toBeUndefined()
    expect(cc.minFresh).toBeUndefined()
    expect(cc.invalid).toEqual(['max-age', 's-maxage', 'min-fresh'])
  })

  it('§1.2.2: values beyond 2^31 become 2147483648', () => {
    expect(parseCacheControl('max-age=99999999999999').maxAge).toBe(DELTA_SECONDS_MAX)
  })

  it('§5.2.1.2: max-stale without a value accepts any staleness', () => {
    expect(parseCacheControl('max-stale').maxStale).toBe(Infinity)
  })

  it('§5.2.2.4: no-cache with a field list keeps the fields (lower-cased, merged)', () => {
    const cc = parseCacheControl('no-cache="Set-Cookie, X-A", no-cache="x-b"')
    expect(cc.noCache).toBe(false)
    expect(cc.noCacheFields).toEqual(['set-cookie', 'x-a', 'x-b'])
  })

  it('§4.2.1: the stricter reading wins — unqualified no-cache/private beat field lists', () => {
    const cc = parseCacheControl('no-cache="set-cookie", no-cache, private="x", private')
    expect(cc.noCache).toBe(true)
    expect(cc.noCacheFields).toBeUndefined()
    expect(cc.private).toBe(true)
    expect(cc.privateFields).toBeUndefined()
  })

  it('keeps commas inside quoted strings and unescapes quoted-pairs', () => {
    const cc = parseCacheControl('private="a,b", ext="x\\"y,z", max-age=4')
    expect(cc.privateFields).toEqual(['a', 'b'])
    expect(cc.maxAge).toBe(4)
  })

  it('skips unknown extensions and empty members', () => {
    expect(parseCacheControl(',, community="UCI" ,max-age=7,').maxAge).toBe(7)
  })

  it('property: never throws and never yields negative numbers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.string())), (header) => {
        const cc = parseCacheControl(header)
        for (const v of [cc.maxAge, cc.sMaxAge, cc.minFresh, cc.maxStale, cc.staleIfError]) {
          if (v !== undefined) expect(v).toBeGreaterThanOrEqual(0)
        }
      })
    )
  })
})
