import type { IncomingHttpHeaders } from 'node:http'
import type { ViewerRequest, ViewerResponse } from './edge-http'
import type { TLSSocket } from 'node:tls'
import type { Disposable } from '../../../common/base/disposable'
import { LogFile } from '../../logs/log-file'
import { accessLogHeader, formatAccessLogLine } from './access-log-line'
import type { Result, SentHead } from './edge-viewer'

/** What the log needs from the viewer's request as it arrived, before functions rewrite it. */
export interface ViewerArrival {
  /** The request target as sent, path and query still encoded. */
  rawUrl: string
  headers: IncomingHttpHeaders
  /** The connection's bytes written before this response (HTTP/1.1; -1 on HTTP/2, whose connection is shared). */
  bytesWrittenBefore: number
}

/** How the request ended, from the service. */
export interface ViewerOutcome {
  status: number
  result: Result
  /** For errors, the kind CloudFront names in x-edge-detailed-result-type. */
  detail?: string
  bodyBytes: number
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value)
const contentRange = /^bytes (\d+)-(\d+)\//

/**
 * The distribution's standard access log: one CloudFront-format line per viewer request
 * (access-log-line.ts) appended to the configured file. Only built when the log is on; handle()
 * asks nothing of it otherwise.
 */
export class EdgeAccessLog implements Disposable {
  private readonly file: LogFile

  constructor(
    path: string,
    private readonly options: { includeCookies: boolean; distributionHost: string; edgeLocation: string },
    onError: (error: Error) => void
  ) {
    this.file = new LogFile(path, { header: accessLogHeader, onError })
  }

  /** Takes what the line needs from the request before the edge changes it. */
  arrival(request: ViewerRequest): ViewerArrival {
    return { rawUrl: request.url ?? '/', headers: request.headers, bytesWrittenBefore: request.httpVersionMajor === 1 ? request.socket.bytesWritten : -1 }
  }

  /** Writes the line for a finished request. `at` is epoch ms; `seconds` the time it took. */
  write(arrival: ViewerArrival, request: ViewerRequest, response: ViewerResponse, outcome: ViewerOutcome, head: SentHead | undefined, requestId: string, at: number, seconds: number): void {
    const socket = request.socket as TLSSocket
    const encrypted = socket.encrypted === true
    const query = arrival.rawUrl.indexOf('?')
    const headers = arrival.headers
    // A response that was never ended: the viewer went away first (AWS: 000 if nothing was sent).
    const gone = !response.writableEnded
    const range = head?.contentRange === undefined ? null : contentRange.exec(head.contentRange)
    const written = arrival.bytesWrittenBefore >= 0 ? socket.bytesWritten - arrival.bytesWrittenBefore : 0
    this.file.write(
      formatAccessLogLine({
        at,
        edgeLocation: this.options.edgeLocation,
        // HTTP/1.1: what the connection wrote for this response, headers included; HTTP/2 shares
        // its connection between streams, so only the body is known.
        scBytes: written > 0 ? written : outcome.bodyBytes,
        clientIp: (socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
        method: request.method ?? 'GET',
        distributionHost: this.options.distributionHost,
        uriStem: query < 0 ? arrival.rawUrl : arrival.rawUrl.slice(0, query),
        uriQuery: query < 0 ? '' : arrival.rawUrl.slice(query + 1),
        status: gone && !response.headersSent ? 0 : outcome.status,
        referer: single(headers.referer),
        userAgent: single(headers['user-agent']),
        cookie: this.options.includeCookies ? single(headers.cookie) : undefined,
        resultType: gone ? 'Error' : outcome.result,
        requestId: head?.requestId ?? requestId,
        hostHeader: single(headers.host),
        protocol: encrypted ? 'https' : 'http',
        csBytes: requestBytes(request, arrival),
        timeTaken: seconds,
        forwardedFor: single(headers['x-forwarded-for']),
        sslProtocol: encrypted ? (socket.getProtocol() ?? undefined) : undefined,
        sslCipher: encrypted ? socket.getCipher()?.name : undefined,
        responseResultType: outcome.result,
        protocolVersion: `HTTP/${request.httpVersion}`,
        clientPort: socket.remotePort ?? 0,
        // The edge sends head and body in one write: the first byte leaves with the last.
        timeToFirstByte: seconds,
        detailedResultType: gone ? 'ClientCommError' : outcome.result === 'Error' ? (outcome.detail ?? 'Error') : outcome.result,
        contentType: head?.contentType,
        contentLength: head?.contentLength,
        rangeStart: range ? Number(range[1]) : undefined,
        rangeEnd: range ? Number(range[2]) : undefined
      })
    )
  }

  /** Resolves when every line so far is in the file. */
  close(): Promise<void> {
    return this.file.close()
  }

  dispose(): void {
    this.file.dispose()
  }
}

/**
 * Bytes of the viewer's request: request line, headers as received and the body's declared length.
 * Node does not count a request's bytes; on HTTP/2 this is the uncompressed size, not HPACK's.
 */
function requestBytes(request: ViewerRequest, arrival: ViewerArrival): number {
  let bytes = (request.method ?? 'GET').length + arrival.rawUrl.length + 12
  const raw = request.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) bytes += raw[i]!.length + raw[i + 1]!.length + 4
  const length = Number(arrival.headers['content-length'])
  return bytes + 2 + (Number.isFinite(length) ? length : 0)
}
