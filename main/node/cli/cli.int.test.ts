import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectWebBridge } from '../bridge/web-bridge'
import { runCli } from './cli'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
/** By absolute URL: the child runs in a temp folder, where `--import tsx` would not resolve. */
const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href

function captureIo(cwd: string, signal?: AbortSignal) {
  const out = { stdout: '', stderr: '' }
  return {
    out,
    io: {
      stdout: (t: string) => void (out.stdout += t),
      stderr: (t: string) => void (out.stderr += t),
      cwd,
      ...(signal ? { signal } : {})
    }
  }
}

function lab(port: number | string, extra = ''): string {
  return `apiVersion: netloom/v1
kind: Lab
metadata: { name: cli test }
services:
  - id: origin-web
    kind: origin
    listen: { port: ${port} }
${extra}`
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netloom-cli-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('netloom validate', () => {
  it('exits 0 for a valid lab and prints nothing', async () => {
    await writeFile(join(dir, 'ok.yaml'), lab(0))
    const { io, out } = captureIo(dir)
    expect(await runCli(['validate', 'ok.yaml'], io)).toBe(0)
    expect(out).toEqual({ stdout: '', stderr: '' })
  })

  it('exits 1 and prints FILE:LINE:COL: message per problem', async () => {
    await writeFile(join(dir, 'bad.yaml'), lab('"x"', '  - id: origin-web\n    kind: nope\n    listen: { port: 1 }\n'))
    const { io, out } = captureIo(dir)
    expect(await runCli(['validate', 'bad.yaml'], io)).toBe(1)
    expect(out.stderr.trim().split('\n')).toEqual([
      'bad.yaml:7:21: services[0].listen.port: expected number, got string "x"',
      'bad.yaml:8:9: services[1].id: duplicate service id "origin-web" (already used by services[0])',
      'bad.yaml:9:11: services[1].kind: unknown service kind "nope" (known kinds: origin, dns, edge, gateway)'
    ])
  })

  it('reports YAML syntax errors with their position', async () => {
    await writeFile(join(dir, 'broken.yaml'), 'apiVersion: netloom/v1\nkind: Lab\nservices: [\n')
    const { io, out } = captureIo(dir)
    expect(await runCli(['validate', 'broken.yaml'], io)).toBe(1)
    expect(out.stderr).toMatch(/^broken\.yaml:\d+:\d+: .+\n$/)
  })

  it('reports references to missing services and port clashes inside the file', async () => {
    const extra = '  - id: origin-two\n    kind: origin\n    listen: { port: 18500 }\n    dependsOn: [orign-web]\n' +
      '  - id: origin-three\n    kind: origin\n    listen: { port: 18500 }\n'
    await writeFile(join(dir, 'refs.yaml'), lab(0, extra))
    const { io, out } = captureIo(dir)
    expect(await runCli(['validate', 'refs.yaml'], io)).toBe(1)
    const lines = out.stderr.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^refs\.yaml:\d+:\d+: services\[1\]\.dependsOn\[0\]: .*"orign-web".*origin-web/)
    expect(lines[1]).toMatch(/^refs\.yaml:\d+:\d+: services\[2\]\.listen\.port: .*18500.*origin-two/)
  })

  it('says when a file cannot be read', async () => {
    const { io, out } = captureIo(dir)
    expect(await runCli(['validate', 'missing.yaml'], io)).toBe(1)
    expect(out.stderr).toBe('missing.yaml: cannot read: no such file\n')
  })

  it('validates every example lab', async () => {
    const { io, out } = captureIo(repoRoot)
    const examples = ['resources/examples/hello-origin.yaml', 'resources/examples/flaky-backends.yaml']
    expect(await runCli(['validate', ...examples], io)).toBe(0)
    expect(out.stderr).toBe('')
  })
})

describe('netloom usage errors', () => {
  it.each([
    [[], 0],
    [['help'], 0],
    [['frobnicate'], 2],
    [['validate'], 2],
    [['up'], 2],
    [['up', 'a.yaml', '--port', 'abc'], 2],
    [['up', 'a.yaml', '--bogus'], 2]
  ])('netloom %j exits %i', async (argv, code) => {
    const { io, out } = captureIo(dir)
    expect(await runCli(argv, io)).toBe(code)
    if (code === 2) expect(out.stderr).toMatch(/^netloom: .+\n\nUsage: netloom/)
    else expect(out.stdout).toMatch(/^Usage: netloom/)
  })
})

describe('netloom schema', () => {
  it('prints the JSON Schema', async () => {
    const { io, out } = captureIo(dir)
    expect(await runCli(['schema'], io)).toBe(0)
    expect(JSON.parse(out.stdout).title).toBe('Netloom lab')
  })
})

describe('netloom up', () => {
  let blocker: Server | undefined
  afterEach(async () => {
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)))
    blocker = undefined
  })

  it('refuses an invalid lab before starting anything', async () => {
    await writeFile(join(dir, 'bad.yaml'), lab(-5))
    const { io, out } = captureIo(dir)
    expect(await runCli(['up', 'bad.yaml'], io)).toBe(1)
    expect(out.stdout).toBe('')
    expect(out.stderr).toContain('bad.yaml:7:21: services[0].listen.port: must be at least 0')
  })

  it('reports a port clash with the service id and address, and exits 1', async () => {
    blocker = createServer()
    const port = await new Promise<number>((resolve) =>
      blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port))
    )
    await writeFile(join(dir, 'clash.yaml'), lab(port))
    const { io, out } = captureIo(dir)
    expect(await runCli(['up', 'clash.yaml', '--quiet'], io)).toBe(1)
    expect(out.stdout).toBe('')
    expect(out.stderr.split('\n')[0]).toBe(`LAB_ERR_PORT_IN_USE origin-web 127.0.0.1:${port}`)
  })

  it('stops the services it already started when a later one fails', async () => {
    blocker = createServer()
    const port = await new Promise<number>((resolve) =>
      blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port))
    )
    // origin-first starts (dependency order), then origin-web hits the taken port.
    const first = '  - id: origin-first\n    kind: origin\n    listen: { port: 0 }\n'
    await writeFile(join(dir, 'partial.yaml'), lab(port, first).replace('listen: { port: ' + port + ' }', `listen: { port: ${port} }\n    dependsOn: [origin-first]`))
    const { io, out } = captureIo(dir)
    expect(await runCli(['up', 'partial.yaml'], io)).toBe(1)
    expect(out.stderr).toContain(`LAB_ERR_PORT_IN_USE origin-web 127.0.0.1:${port}`)
    expect(out.stderr).toMatch(/origin-first\s+listening on/)
    expect(out.stderr).toContain('started services were stopped')
  })

  it('prints one READY line with the bridge URL, serves the lab, and shuts down when aborted', async () => {
    await writeFile(join(dir, 'ok.yaml'), lab(0))
    const controller = new AbortController()
    const { io, out } = captureIo(dir, controller.signal)
    const running = runCli(['up', 'ok.yaml', '--quiet'], io)
    const url = await waitFor(() => /^NETLOOM READY (\S+)\n$/.exec(out.stdout)?.[1])
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/rpc\?token=[0-9a-f]{32}$/)
    const client = await connectWebBridge(url)
    const snapshot = await client.call('lab.get', {})
    expect(snapshot.services).toMatchObject([{ id: 'origin-web', state: 'running' }])
    const reply = await client.call('http.probe', { serviceId: 'origin-web', path: '/x?y=1' })
    expect(reply.status).toBe(200)
    expect(JSON.parse(new TextDecoder().decode(reply.body))).toMatchObject({ method: 'GET', path: '/x' })
    client.dispose()
    controller.abort()
    expect(await running).toBe(0)
  })
})

describe('the netloom process', () => {
  it('exits cleanly on SIGINT, well within the 5 s deadline', async () => {
    await writeFile(join(dir, 'ok.yaml'), lab(0))
    const child = spawn(process.execPath, ['--import', tsxLoader, join(repoRoot, 'main/node/bin/netloom.ts'), 'up', 'ok.yaml'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    await waitFor(() => stdout.startsWith('NETLOOM READY ') || undefined, 20_000)
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1)
  }, 30_000)
})

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
