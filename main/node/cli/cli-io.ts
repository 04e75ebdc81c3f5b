/** Where the CLI writes, so commands run the same in a terminal and in tests. */
export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  /** Resolves paths given on the command line. */
  cwd: string
  /** Aborted on SIGINT/SIGTERM (or by a test) to make `up` shut down. */
  signal?: AbortSignal
}

export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const
