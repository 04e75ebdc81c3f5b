import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * The HTTP caching test suite of cache-tests.fyi (Mark Nottingham's, npm `http-cache-tests`): an
 * outside judge of the edge's RFC 9111 behaviour. It is installed once into the user's cache folder
 * (not into the project: it depends on npm 6, whose `npm` binary must never shadow the project's), its
 * origin server runs as a child process, and its command-line client asks a cache in front of that
 * origin, as the suite's README describes for reverse proxies and CDNs.
 */
export const suiteVersion = '0.4.5'

/** Where the suite is installed: `NETLOOM_CACHE_DIR`, else `~/.cache/netloom`. */
export function suiteDir(): string {
  const base = process.env['NETLOOM_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'netloom')
  return join(base, `http-cache-tests-${suiteVersion}`)
}

/** The suite's package folder, installing it from the npm registry the first time. Throws with npm's words when that fails. */
export function installSuite(): string {
  const dir = suiteDir()
  const pkg = join(dir, 'node_modules', 'http-cache-tests')
  if (existsSync(join(pkg, 'cli.mjs')) && existsSync(join(dir, 'node_modules', 'node-fetch'))) return pkg
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { 'http-cache-tests': suiteVersion } }, null, 2))
  const npm = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev', '--loglevel=error'], { cwd: dir, encoding: 'utf8', timeout: 300_000 })
  if (npm.status !== 0 || !existsSync(join(pkg, 'cli.mjs'))) {
    throw new Error(`could not install http-cache-tests@${suiteVersion} into ${dir}: ${(npm.stderr || npm.error?.message || '').trim().slice(-600)}`)
  }
  return pkg
}

/** The suite's origin server on a port; resolves when it listens. */
export async function startSuiteOrigin(pkg: string, port: number): Promise<ChildProcess> {
  const env = { ...process.env, npm_config_port: String(port), npm_config_protocol: 'http', npm_config_pidfile: join(tmpdir(), `http-cache-tests-${process.pid}-${port}.pid`) }
  const child = spawn(process.execPath, [join(pkg, 'server', 'server.mjs')], { cwd: pkg, env, stdio: ['ignore', 'pipe', 'pipe'] })
  await new Promise<void>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`the suite's origin did not start on port ${port}: ${output}`)), 15_000)
    const seen = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Listening on')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout.on('data', seen)
    child.stderr.on('data', seen)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the suite's origin exited (${code}): ${output}`))
    })
  })
  return child
}

/** One test's outcome: `true`, or the suite's [kind of failure, message]. */
export type SuiteResult = true | [string, string]

/** Runs every test through the cache at `base` (e.g. `http://127.0.0.1:8080`) and returns the results by test id. */
export function runSuite(pkg: string, base: string): Promise<Record<string, SuiteResult>> {
  return new Promise((resolve, reject) => {
    // The client reads its settings as npm passes them; an empty id means every test.
    const env = { ...process.env, npm_config_base: base, npm_config_id: '', npm_package_config_id: '' }
    const child = spawn(process.execPath, ['--no-warnings', join(pkg, 'cli.mjs')], { cwd: pkg, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out) as Record<string, SuiteResult>)
      } catch {
        reject(new Error(`the suite's client exited (${code}) without results: ${err.slice(-600) || out.slice(-600)}`))
      }
    })
  })
}

/** What the suite says of each test: its kind (`required`, `optimal`, `check`) and name. */
export interface SuiteTest {
  id: string
  suite: string
  kind: 'required' | 'optimal' | 'check'
  name: string
}

export async function suiteTests(pkg: string): Promise<SuiteTest[]> {
  type Raw = { id: string; tests: { id: string; kind?: SuiteTest['kind']; name: string; browser_only?: boolean }[] }
  const index = (await import(pathToFileURL(join(pkg, 'tests', 'index.mjs')).href)) as { default: Raw[] }
  const surrogate = (await import(pathToFileURL(join(pkg, 'tests', 'surrogate-control.mjs')).href)) as { default: Raw }
  return [...index.default, surrogate.default].flatMap((suite) =>
    suite.tests.filter((test) => !test.browser_only).map((test) => ({ id: test.id, suite: suite.id, kind: test.kind ?? 'required', name: test.name }))
  )
}

/** The published results of other caches that ship with the suite (nginx, Varnish, Squid, ...), by name. */
export function peerResults(pkg: string): Record<string, Record<string, SuiteResult>> {
  const names = ['nginx', 'varnish', 'squid', 'trafficserver', 'apache', 'fastly']
  return Object.fromEntries(names.filter((name) => existsSync(join(pkg, 'results', `${name}.json`))).map((name) => [name, JSON.parse(readFileSync(join(pkg, 'results', `${name}.json`), 'utf8')) as Record<string, SuiteResult>]))
}
