/** Running wrk and reading its report, for the HTTP benchmarks. */
import { spawnSync } from 'node:child_process'
import { pinned } from './support'

export interface WrkResult {
  rps: number
  p50Ms: number
  p99Ms: number
  /** Non-2xx/3xx answers plus socket errors. */
  errors: number
}

function toMs(text: string | undefined): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text ?? '')
  if (!match) return NaN
  const value = Number(match[1])
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value
}

/** One wrk run (1 thread, pinned to CPU 0) with `--latency`. */
export function wrk(url: string, headers: Record<string, string>, options: { seconds: number; connections: number }): WrkResult {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
  const [command, args] = pinned(0, 'wrk', ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', ...headerArgs, url])
  const out = spawnSync(command, args, { encoding: 'utf8' }).stdout
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0)
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50Ms: toMs(/\s50%\s+(\S+)/.exec(out)?.[1]),
    p99Ms: toMs(/\s99%\s+(\S+)/.exec(out)?.[1]),
    errors: non2xx + (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0)
  }
}

/** Waits until `url` answers 200 (a server starting up). */
export async function waitForHttp(url: string, headers: Record<string, string>, label: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(url, { headers })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${label} did not answer 200 at ${url}`)
}
