import type { LogEntry } from '../../common/contract/lab-types'
import { LabError } from '../../common/errors/lab-error'
import { startWebBridge } from '../bridge/web-bridge'
import { createEngine } from '../engine/create-engine'
import { exitCodes, type CliIo } from './cli-io'
import { findRendererDir } from './renderer-dir'
import { checkLabFile } from './validate-command'

export interface UpOptions {
  ui: boolean
  host: string
  port: number
  quiet: boolean
}

/** Everything must be closed within this after SIGINT/SIGTERM; the bin entry exits regardless. */
export const shutdownDeadlineMs = 5000

/**
 * Validates and starts a lab, serves the bridge (and the web UI with --ui), prints exactly one
 * `NETLOOM READY <url>` line on stdout, and runs until `io.signal` aborts.
 */
export async function upCommand(file: string, options: UpOptions, io: CliIo): Promise<number> {
  const { path, source, result } = await checkLabFile(file, io)
  if (source === undefined || !result?.lab) return exitCodes.failed

  let staticDir: string | undefined
  if (options.ui) {
    staticDir = findRendererDir()
    if (!staticDir) {
      io.stderr('netloom: the web UI is not built yet: run `npm run build`, then try again\n')
      return exitCodes.failed
    }
  }

  const engine = createEngine({ mode: options.ui ? 'web' : 'cli', onLog: options.quiet ? undefined : printLog(io) })
  const report = await engine.host.apply(source, path)
  if (!report.ok) {
    const error = report.error
    const serviceId = String(error?.details?.['serviceId'] ?? '')
    const address = error?.details?.['address']
    io.stderr(`${[error?.code, serviceId, address].filter(Boolean).join(' ')}\n`)
    io.stderr(`netloom: ${serviceId ? `${serviceId}: ` : ''}${error?.message}; started services were stopped\n`)
    await engine.dispose()
    return exitCodes.failed
  }

  let bridge: Awaited<ReturnType<typeof startWebBridge>>
  try {
    bridge = await startWebBridge({
      host: options.host,
      port: options.port,
      staticDir,
      api: engine.api,
      events: engine.events,
      metricsText: () => engine.host.prometheusText()
    })
  } catch (error) {
    const failure = LabError.from(error)
    io.stderr(`${failure.code} bridge ${options.host}:${options.port}\nnetloom: ${failure.message}\n`)
    await engine.dispose()
    return exitCodes.failed
  }

  io.stdout(`NETLOOM READY ${options.ui ? bridge.uiUrl : bridge.wsUrl}\n`)
  await waitForAbort(io.signal)
  if (!options.quiet) io.stderr('netloom: stopping\n')
  await Promise.all([bridge.close(), engine.dispose()])
  return exitCodes.ok
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => {})
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}

function printLog(io: CliIo): (entry: LogEntry) => void {
  return (entry) => {
    if (entry.level === 'debug') return
    const time = new Date(entry.at).toISOString().slice(11, 19)
    const level = entry.level === 'info' ? '' : `${entry.level.toUpperCase()} `
    io.stderr(`${time} ${entry.source.padEnd(14)} ${level}${entry.message}${entry.code ? ` [${entry.code}]` : ''}\n`)
  }
}
