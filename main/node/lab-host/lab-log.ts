import type { Disposable } from '../../common/base/disposable'
import type { LogEntry } from '../../common/contract/lab-types'
import { Batcher } from './batcher'
import { createLogger, type Logger } from './logger'
import { RingBuffer } from './ring-buffer'

/** The lab's log: keeps the last lines for `logs.recent` and pushes new ones in batches. */
export class LabLog implements Disposable {
  private seq = 0
  private readonly recentEntries = new RingBuffer<LogEntry>(5000)
  private readonly batcher: Batcher<LogEntry>
  readonly logger: Logger

  constructor(
    publish: (entries: LogEntry[]) => void,
    /** Also hand each line to this sink, e.g. the CLI's stderr. */
    private readonly mirror?: (entry: LogEntry) => void,
    now: () => number = Date.now
  ) {
    this.batcher = new Batcher(publish)
    this.logger = createLogger(
      'lab',
      (line) => {
        const entry: LogEntry = { seq: ++this.seq, ...line }
        this.recentEntries.push(entry)
        this.batcher.add(entry)
        this.mirror?.(entry)
      },
      now
    )
  }

  recent(limit: number): LogEntry[] {
    return this.recentEntries.toArray(limit)
  }

  dispose(): void {
    this.batcher.dispose()
  }
}
