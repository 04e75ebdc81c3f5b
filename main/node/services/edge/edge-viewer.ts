import { randomBytes } from 'node:crypto'
import { get as httpGet } from 'node:http'
import type { EdgeConfig } from '../../../common/services/edge/edge-config'
import type { ResponseHeadersPolicy } from '../../../common/services/edge/response-headers-policy'
import type { ListenAddress } from '../../net/listen'
import { FastResponse, headerBlock, type HeaderBlock } from '../../net/http1/fast-response'
import { forwardable, type ViewerResponse } from './edge-http'
import type { ResponseStep } from './edge-functions'
import { applyResponseHeadersPolicy } from './response-headers'

/** Headers the edge sets itself on every answer: never taken from a stored response. */
const edgeOwnHeaders: ReadonlySet<string> = new Set(['content-length', 'age', 'x-cache', 'via', 'x-amz-cf-pop', 'x-amz-cf-id'])

export type Result = 'Hit' | 'RefreshHit' | 'Miss' | 'Error' | 'FunctionGeneratedResponse' | 'Redirect'

/** What a response said about itself, for the access log (headers written with writeHead cannot be read back). */
export interface SentHead {
  requestId?: string
  contentType?: string
  contentLength?: number
  contentRange?: string
}

/** A response on its way to a viewer. `age` (seconds) is set when it comes from the cache unvalidated. */
export interface Delivery {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
  age?: number
}

/** A viewer-response function, bound to its request: given the response, what goes to the viewer. */
export type ViewerResponseHook = (status: number, headers: Record<string, string | string[]>) => Promise<ResponseStep>

/** The lab's one edge location, in `x-amz-cf-pop` and the access log. */
export const edgeLocation = 'LAB1-P1'

/** Marks the distribution's requests for its own custom error pages. */
export const errorPageHeader = 'x-netloom-error-page'

/** The behavior's response headers policy and what the viewer sent that it needs, per response. */
interface ViewerHeaders {
  policy: ResponseHeadersPolicy
  method: string
  origin: string | undefined
  preflightMethod: string | undefined
}

/**
 * What a viewer gets: CloudFront's response headers (`x-cache`, `via`, `x-amz-cf-id`, `age`), the
 * behavior's response headers policy, and custom error pages in place of errors. Keeps, per
 * response, what it did, for the request log.
 */
export class ViewerResponses {
  private readonly policies = new WeakMap<ViewerResponse, ViewerHeaders>()
  /** Responses to this distribution's own error page requests: never replaced by another error page. */
  private readonly errorPageRequests = new WeakSet<ViewerResponse>()
  private readonly applied = new WeakMap<ViewerResponse, string[]>()
  private readonly responseHooks = new WeakMap<ViewerResponse, ViewerResponseHook>()
  /** Kept only while the access log is on, so that requests pay nothing for it otherwise. */
  private readonly heads = new WeakMap<ViewerResponse, SentHead>()
  recordHeads = false

  constructor(
    distributionId: string,
    private readonly config: () => EdgeConfig,
    private readonly address: () => ListenAddress | undefined
  ) {
    this.via = `1.1 ${distributionId}.cloudfront.net (CloudFront)`
  }

  useHeadersPolicy(response: ViewerResponse, viewer: ViewerHeaders): void {
    this.policies.set(response, viewer)
  }

  useViewerResponseFunction(response: ViewerResponse, hook: ViewerResponseHook): void {
    this.responseHooks.set(response, hook)
  }

  markErrorPageRequest(response: ViewerResponse): void {
    this.errorPageRequests.add(response)
  }

  /** What was done to this response, as one clause of the request log sentence. */
  notes(response: ViewerResponse): string {
    return (this.applied.get(response) ?? []).join('; ')
  }

  private readonly idPrefix = randomBytes(18).toString('base64url')
  private readonly via: string
  /** Formatted stored headers, by the stored headers object (stored responses are replaced, never changed). */
  private readonly storedBlocks = new WeakMap<object, HeaderBlock>()
  private idCounter = 0

  /** A unique `x-amz-cf-id` per response: a random prefix per distribution and a counter (no crypto per request). */
  nextRequestId(): string {
    this.idCounter = (this.idCounter + 1) % 2 ** 48
    return `${this.idPrefix}${this.idCounter.toString(36).padStart(10, '0')}`
  }

  /** What was sent, if recordHeads was on when it was. */
  sentHead(response: ViewerResponse): SentHead | undefined {
    return this.heads.get(response)
  }

  note(response: ViewerResponse, text: string): void {
    this.applied.set(response, [...(this.applied.get(response) ?? []), text])
  }

  /** The custom error response configured for a status, if any. */
  customError(status: number): EdgeConfig['customErrorResponses'][number] | undefined {
    return this.config().customErrorResponses.find((custom) => custom.errorCode === status)
  }

  /**
   * Sends an object, or, for an error with a custom error page, the page instead: fetched through this
   * distribution (its behavior, cache and origin), with the configured status.
   */
  async deliver(response: ViewerResponse, method: string, object: Delivery, result: Result): Promise<number> {
    let final = object
    const custom = this.customError(object.status)
    if (custom?.responsePagePath && !this.errorPageRequests.has(response)) {
      const page = await this.fetchErrorPage(custom.responsePagePath)
      if (page) {
        this.note(response, `custom error response: ${object.status} → ${custom.responsePagePath} (page ${page.status}) with status ${custom.responseCode ?? object.status}`)
        final = { ...object, status: custom.responseCode ?? object.status, headers: page.headers, body: page.body }
      } else this.note(response, `custom error page ${custom.responsePagePath} could not be fetched: the origin's error is served`)
    }
    // The viewer-response function sees the response as it would leave, and may change status, headers or body.
    const hook = this.responseHooks.get(response)
    if (hook) {
      const step = await hook(final.status, final.headers)
      this.note(response, step.note)
      if (step.kind === 'fail') return this.sendError(response, step.status, 'The CloudFront function associated with the CloudFront distribution could not run.')
      final = { ...final, status: step.status, headers: step.headers, body: step.body ?? final.body }
    }
    return this.sendCached(response, method, final, result)
  }

  /** Fetches an error page from this distribution itself, marked so that its own errors are not replaced again. */
  private fetchErrorPage(path: string): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer } | undefined> {
    const address = this.address()
    if (!address) return Promise.resolve(undefined)
    return new Promise((resolve) => {
      const req = httpGet({ host: address.host === '0.0.0.0' ? '127.0.0.1' : address.host, port: address.port, path, headers: { [errorPageHeader]: '1' }, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve(res.statusCode && res.statusCode < 400 ? { status: res.statusCode, headers: forwardable(res.headers as Record<string, string | string[]>), body: Buffer.concat(chunks) } : undefined))
        res.on('error', () => resolve(undefined))
      })
      req.on('timeout', () => req.destroy())
      req.on('error', () => resolve(undefined))
    })
  }

  private sendCached(response: ViewerResponse, method: string, object: Delivery, result: Result): number {
    const requestId = this.nextRequestId()
    // A 304 has no content; a HEAD gets the length of the GET it stands for (RFC 9110 §8.6).
    const originLength = method === 'HEAD' && object.body.length === 0 ? object.headers['content-length'] : undefined
    const length = object.status === 304 ? undefined : (originLength ?? String(object.body.length))
    // RFC 9111 §5.1: Age says the answer was not validated with the origin for this request.
    const age = object.age === undefined ? undefined : String(Math.floor(object.age))
    const viewer = this.policies.get(response)
    if (this.recordHeads) {
      const type = object.headers['content-type']
      const range = object.headers['content-range']
      this.heads.set(response, { requestId, contentType: type === undefined ? undefined : String(type), contentLength: length === undefined ? undefined : Number(length), contentRange: range === undefined ? undefined : String(range) })
    }
    if (viewer) {
      // A response headers policy edits the headers by name: the object form.
      const headers: Record<string, string | string[]> = { ...object.headers, 'x-cache': `${result} from cloudfront`, via: this.via, 'x-amz-cf-pop': edgeLocation, 'x-amz-cf-id': requestId }
      if (length !== undefined) headers['content-length'] = String(length)
      else delete headers['content-length']
      if (age !== undefined) headers['age'] = age
      const applied = applyResponseHeadersPolicy(viewer.policy, viewer, headers, { cacheResult: result, pop: edgeLocation, requestId })
      if (applied.length) this.note(response, `response headers policy: ${applied.join(', ')}`)
      response.writeHead(object.status, headers)
    } else if (age !== undefined && response instanceof FastResponse) {
      // A stored response's own headers are the same on every hit: formatted and checked once.
      let block = this.storedBlocks.get(object.headers)
      if (block === undefined) {
        const stored = headerBlock(object.headers, edgeOwnHeaders)
        // This distribution's own constant headers go into the block too.
        block = { text: `${stored.text}via: ${this.via}\r\nx-amz-cf-pop: ${edgeLocation}\r\n`, hasDate: stored.hasDate }
        this.storedBlocks.set(object.headers, block)
      }
      const list = ['x-cache', `${result} from cloudfront`, 'x-amz-cf-id', requestId, 'age', age]
      if (length !== undefined) list.push('content-length', String(length))
      response.writeHead(object.status, list, block)
    } else {
      // Otherwise node:http's flat list, which costs far less to build than a merged object on every hit.
      const list: string[] = []
      for (const name in object.headers) {
        if (name === 'content-length' || (name === 'age' && age !== undefined) || name === 'x-cache' || name === 'via' || name === 'x-amz-cf-pop' || name === 'x-amz-cf-id') continue
        const value = object.headers[name]!
        if (typeof value === 'string') list.push(name, value)
        else for (const item of value) list.push(name, item)
      }
      list.push('x-cache', `${result} from cloudfront`, 'via', this.via, 'x-amz-cf-pop', edgeLocation, 'x-amz-cf-id', requestId)
      if (length !== undefined) list.push('content-length', String(length))
      if (age !== undefined) list.push('age', age)
      response.writeHead(object.status, list)
    }
    const bodyless = method === 'HEAD' || object.status === 304
    response.end(bodyless ? undefined : object.body)
    return bodyless ? 0 : object.body.length
  }

  sendError(response: ViewerResponse, status: number, text: string): number {
    if (response.headersSent) {
      response.destroy()
      return 0
    }
    const body = Buffer.from(`${text}\n`)
    if (this.recordHeads) this.heads.set(response, { contentType: 'text/plain; charset=utf-8', contentLength: body.length })
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, 'x-cache': 'Error from cloudfront' })
    response.end(body)
    return body.length
  }
}
