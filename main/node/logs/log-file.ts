import { createWriteStream, statSync, type WriteStream } from 'node:fs'
import type { Disposable } from '../../common/base/disposable'

export interface LogFileOptions {
  /** Lines that open a new (or empty) file, e.g. W3C `#Version` and `#Fields` directives. */
  header?: readonly string[]
  /** Called for a write error (a missing folder, a full disk); the service keeps running. */
  onError: (error: Error) => void
}

/**
 * An append-only log file, one line per `write`. Writes are buffered by the stream, so a request path
 * only pays for building its line. Shared by the DNS query log and the edge's access log.
 */
export class LogFile implements Disposable {
  private readonly stream: WriteStream

  constructor(path: string, options: LogFileOptions) {
    // The header goes only at the start of a file: appending to yesterday's log keeps one header.
    const fresh = sizeOf(path) === 0
    this.stream = createWriteStream(path, { flags: 'a' })
    this.stream.on('error', options.onError)
    if (fresh && options.header?.length) this.stream.write(`${options.header.join('\n')}\n`)
  }

  write(line: string): void {
    this.stream.write(`${line}\n`)
  }

  /** Ends the stream; resolves when what was written is on disk (tests read the file after this). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.closed || this.stream.destroyed) return resolve()
      this.stream.end(() => resolve())
    })
  }

  dispose(): void {
    void this.close()
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path, { throwIfNoEntry: false })?.size ?? 0
  } catch {
    // Not a readable path: the stream reports the error when it opens.
    return 0
  }
}
