import { runCli } from '../cli/cli'
import { shutdownDeadlineMs } from '../cli/up-command'

const controller = new AbortController()
let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (stopping) process.exit(130) // a second Ctrl+C means now
    stopping = true
    controller.abort()
    // Whatever still holds the event loop after the deadline is not worth waiting for.
    setTimeout(() => process.exit(1), shutdownDeadlineMs).unref()
  })

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  signal: controller.signal
})
