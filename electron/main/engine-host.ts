import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron'

/** How long the engine gets to stop every lab service before it is killed. */
const shutdownDeadlineMs = 5000

/**
 * Runs the engine (main/node/bin/engine-process.ts, built to out/main/engine.js) in a utility process and
 * gives each window a direct MessagePort to it, so lab traffic never passes through this process.
 */
export class EngineHost {
  private child: UtilityProcess | undefined
  private ready: Promise<void> | undefined
  private stopping = false

  constructor(
    private readonly entry: string,
    private readonly onCrash: (code: number) => void
  ) {}

  start(): Promise<void> {
    if (this.ready) return this.ready
    const child = utilityProcess.fork(this.entry, [], { serviceName: 'Netloom engine', stdio: 'inherit' })
    this.child = child
    this.stopping = false
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: { type?: string }) => {
        if (message?.type !== 'netloom:ready') return
        child.off('message', onMessage)
        resolve()
      }
      child.on('message', onMessage)
      child.once('exit', (code) => {
        reject(new Error(`the engine exited with code ${code} before it was ready`))
        this.child = undefined
        this.ready = undefined
        if (!this.stopping) this.onCrash(code)
      })
    })
    return this.ready
  }

  /** A fresh channel per window load: one end to the engine, the other to the renderer. */
  async connect(contents: WebContents): Promise<void> {
    await this.start()
    const { port1, port2 } = new MessageChannelMain()
    this.child?.postMessage({ type: 'netloom:connect' }, [port1])
    contents.postMessage('netloom:port', null, [port2])
  }

  /** Asks the engine to stop its lab cleanly; kills it after the deadline. */
  async stop(): Promise<void> {
    const child = this.child
    if (!child) return
    this.stopping = true
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill()
        resolve()
      }, shutdownDeadlineMs)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      child.postMessage({ type: 'netloom:shutdown' })
    })
  }
}
