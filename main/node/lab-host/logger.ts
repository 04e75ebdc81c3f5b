import type { LogEntry, LogLevel } from '../../common/contract/lab-types'

export interface LogFields {
  /** A LAB_ERR_* code when the line reports a failure. */
  code?: string
  [key: string]: unknown
}

/** Structured logging for one source (`lab` or a service id). Lines go to the lab's log, not the console. */
export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  child(source: string): Logger
}

export type LogSink = (entry: Omit<LogEntry, 'seq'>) => void

export function createLogger(source: string, sink: LogSink, now: () => number = Date.now): Logger {
  const write =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      const { code, ...data } = fields ?? {}
      sink({
        at: now(),
        level,
        source,
        message,
        ...(typeof code === 'string' ? { code } : {}),
        ...(Object.keys(data).length > 0 ? { data } : {})
      })
    }
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (child) => createLogger(child, sink, now)
  }
}

/** A logger that drops everything (tests that do not look at logs). */
export const nullLogger: Logger = createLogger('null', () => {})
