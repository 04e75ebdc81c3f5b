/**
 * Where a JWT authorizer's keys come from: a JWKS file in the lab (re-read when it changes) or a URL
 * (fetched with AWS's limits from the reference §1.3: 1,500 ms timeout, ≤150,000 bytes).
 *
 * We fetch ourselves and hand the keys to jose's `createLocalJWKSet` instead of using
 * `createRemoteJWKSet`: jose has a timeout option but no size limit, and its cache ages by the wall
 * clock, where ours follows the injected one.
 */
import { stat, readFile } from 'node:fs/promises'
import type { JSONWebKeySet } from 'jose'
import { LabError } from '../../../../common/errors/lab-error'
import type { Clock } from '../../../base/clock'

/** AWS: "JWKS fetch timeout 1,500 ms". */
export const JWKS_FETCH_TIMEOUT_MS = 1_500
/** AWS: "JWKS response ≤150,000 bytes". */
export const JWKS_MAX_BYTES = 150_000

export type JwksLocation = { file: string } | { url: string }

export interface JwksSourceOptions {
  clock: Clock
  timeoutMs?: number
  maxBytes?: number
  /**
   * How long fetched keys are used before the URL is fetched again. AWS does not document its own
   * cache; 10 minutes is jose's default for the same purpose.
   */
  cacheTtlMs?: number
  /** After a fetch, an unknown `kid` triggers another fetch only once this has passed (jose: 30 s). */
  refetchCooldownMs?: number
  /** A JWKS file is checked for changes at most this often (default 1 s of the injected clock). */
  fileCheckIntervalMs?: number
  fetch?: typeof fetch
}

function describe(location: JwksLocation): string {
  return 'file' in location ? `JWKS file ${location.file}` : `JWKS URL ${location.url}`
}

/** Checks the JSON is a key set: `{ keys: [ {kty, …}, … ] }`. */
export function parseJwks(text: string, origin: string): JSONWebKeySet {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new LabError('LAB_ERR_CONFIG_INVALID', `${origin} is not JSON`, { cause: error })
  }
  const keys = (value as { keys?: unknown } | null)?.keys
  if (
    !Array.isArray(keys) ||
    !keys.every((k) => typeof k === 'object' && k !== null && typeof k.kty === 'string')
  ) {
    throw new LabError(
      'LAB_ERR_CONFIG_INVALID',
      `${origin} is not a JWKS (expected {"keys":[{"kty":…}]})`
    )
  }
  return value as JSONWebKeySet
}

function hasKid(jwks: JSONWebKeySet, kid: string | undefined): boolean {
  return kid === undefined || jwks.keys.some((key) => key.kid === kid)
}

export class JwksSource {
  private cached: JSONWebKeySet | undefined
  /** File: `mtimeMs:size` of the version cached. */
  private fileStamp: string | undefined
  private fileCheckedAt = -Infinity
  /** URL: clock time of the last successful fetch. */
  private fetchedAt = 0
  private pending: Promise<JSONWebKeySet> | undefined

  constructor(
    readonly location: JwksLocation,
    private readonly options: JwksSourceOptions
  ) {}

  /** Number of reads (file) or fetches (URL) done so far: lets tests and metrics see the cache work. */
  loads = 0

  /**
   * The key set, loaded or refreshed as needed. `kid` is the key the caller looks for: if the URL's
   * cached set lacks it, the set is fetched again (key rotation), at most once per cooldown.
   */
  async keySet(kid?: string): Promise<JSONWebKeySet> {
    if ('file' in this.location) return this.fromFile(this.location.file)
    return this.fromUrl(this.location.url, kid)
  }

  private async fromFile(file: string): Promise<JSONWebKeySet> {
    // A stat per request would cost more than the signature check: look at most once a second.
    const now = this.options.clock.now()
    if (this.cached && now - this.fileCheckedAt < (this.options.fileCheckIntervalMs ?? 1000)) return this.cached
    this.fileCheckedAt = now
    let stamp: string
    try {
      const info = await stat(file)
      stamp = `${info.mtimeMs}:${info.size}`
    } catch (error) {
      throw new LabError('LAB_ERR_FILE_IO', `Cannot read ${describe(this.location)}`, {
        cause: error
      })
    }
    if (this.cached && stamp === this.fileStamp) return this.cached
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      throw new LabError('LAB_ERR_FILE_IO', `Cannot read ${describe(this.location)}`, {
        cause: error
      })
    }
    this.loads++
    this.cached = parseJwks(text, describe(this.location))
    this.fileStamp = stamp
    return this.cached
  }

  private async fromUrl(url: string, kid: string | undefined): Promise<JSONWebKeySet> {
    const now = this.options.clock.now()
    const ttl = this.options.cacheTtlMs ?? 600_000
    const cooldown = this.options.refetchCooldownMs ?? 30_000
    if (this.cached) {
      const fresh = now - this.fetchedAt < ttl
      const rotationAllowed = now - this.fetchedAt >= cooldown
      if (fresh && (hasKid(this.cached, kid) || !rotationAllowed)) return this.cached
    }
    this.pending ??= this.fetchJwks(url).finally(() => {
      this.pending = undefined
    })
    return this.pending
  }

  private async fetchJwks(url: string): Promise<JSONWebKeySet> {
    const timeoutMs = this.options.timeoutMs ?? JWKS_FETCH_TIMEOUT_MS
    const maxBytes = this.options.maxBytes ?? JWKS_MAX_BYTES
    const doFetch = this.options.fetch ?? fetch
    const origin = describe(this.location)
    const abort = new AbortController()
    // A real timer: this bounds socket I/O, which the injected clock does not drive.
    const timer = setTimeout(() => abort.abort(), timeoutMs)
    try {
      const response = await doFetch(url, { signal: abort.signal, redirect: 'manual' })
      if (response.status !== 200) {
        throw new LabError('LAB_ERR_REQUEST_FAILED', `${origin} answered HTTP ${response.status}`)
      }
      const declared = Number(response.headers.get('content-length'))
      if (Number.isFinite(declared) && declared > maxBytes) {
        abort.abort()
        throw new LabError(
          'LAB_ERR_REQUEST_FAILED',
          `${origin} is ${declared} bytes, over the ${maxBytes}-byte limit`
        )
      }
      const text = await readLimited(response, maxBytes, () => abort.abort(), origin)
      const jwks = parseJwks(text, origin)
      this.loads++
      this.cached = jwks
      this.fetchedAt = this.options.clock.now()
      return jwks
    } catch (error) {
      if (abort.signal.aborted && !(error instanceof LabError)) {
        throw new LabError(
          'LAB_ERR_REQUEST_FAILED',
          `${origin} did not answer within ${timeoutMs} ms`,
          {
            cause: error
          }
        )
      }
      if (error instanceof LabError) throw error
      throw new LabError(
        'LAB_ERR_REQUEST_FAILED',
        `${origin} could not be fetched: ${(error as Error).message}`,
        {
          cause: error
        }
      )
    } finally {
      clearTimeout(timer)
    }
  }
}

/** Reads a body up to `maxBytes`, aborting the transfer as soon as it goes over. */
async function readLimited(
  response: Response,
  maxBytes: number,
  abort: () => void,
  origin: string
): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      abort()
      await reader.cancel().catch(() => undefined)
      throw new LabError('LAB_ERR_REQUEST_FAILED', `${origin} is over the ${maxBytes}-byte limit`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}
