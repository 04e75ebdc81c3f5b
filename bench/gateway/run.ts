/**
 * bench/gateway: wrk through a Netloom HTTP API (JWT authorizer, route throttling set high, CORS on) and
 * through nginx as a reverse proxy, both in front of the same small Node upstream, one after the other
 * in one run. Prints requests/s, p50 and p99 for both and the ratios.
 *
 *   apt-get install wrk nginx && npm run build && npx tsx bench/gateway/run.ts [--seconds 10] [--runs 3]
 *
 * nginx runs one worker process and Netloom one event loop; where `taskset` exists both are pinned to
 * CPU 1, and wrk and the upstream to CPU 0. Both proxies keep connections to the upstream alive.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { stringify } from 'yaml'
import { freePort, median, need, pinned, stop } from '../support'
import { waitForHttp, wrk, type WrkResult } from '../wrk'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' }, connections: { type: 'string', default: '50' } } })
const seconds = Number(values.seconds)
const runs = Number(values.runs)
const connections = Number(values.connections)

/** The upstream both proxies call: a fixed small JSON answer, with keep-alive. */
const upstreamSource = `
const http = require('node:http')
const body = JSON.stringify({ id: 7, name: 'Rex', kind: 'dog' })
http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body) })
  .listen(Number(process.argv[1]), '127.0.0.1')
`

async function main(): Promise<void> {
  const nginx = need('nginx')
  need('wrk')
  const dir = await mkdtemp(join(tmpdir(), 'netloom-bench-gateway-'))
  const children: ChildProcess[] = []
  try {
    const upstreamPort = await freePort()
    const [upCommand, upArgs] = pinned(0, process.execPath, ['-e', upstreamSource, String(upstreamPort)])
    children.push(spawn(upCommand, upArgs, { stdio: 'ignore' }))

    // A JWT issuer of our own: the gateway checks a real RS256 signature on every request.
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
    await writeFile(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' }] }))
    const token = await new SignJWT({ scope: 'pets:read' }).setProtectedHeader({ alg: 'RS256', kid: 'bench' }).setIssuer('https://issuer.bench').setAudience('bench').setIssuedAt().setExpirationTime('2h').sign(privateKey)

    const netloomPort = await freePort()
    const lab = {
      apiVersion: 'netloom/v1',
      kind: 'Lab',
      metadata: { name: 'bench' },
      services: [
        {
          id: 'api',
          kind: 'gateway',
          listen: { host: '127.0.0.1', port: netloomPort },
          config: {
            account: { rate: 1_000_000, burst: 1_000_000 },
            apis: [
              {
                id: 'pets',
                type: 'http',
                integrations: [{ id: 'upstream', type: 'http', url: `http://127.0.0.1:${upstreamPort}` }],
                authorizers: [{ id: 'jwt', type: 'jwt', issuer: 'https://issuer.bench', audiences: ['bench'], jwks: { file: 'jwks.json' } }],
                routes: [{ key: 'GET /pets/{id}', integration: 'upstream', authorizer: 'jwt', scopes: ['pets:read'] }],
                stages: [{ name: '$default', throttle: { rate: 1_000_000, burst: 1_000_000 } }],
                cors: { allowOrigins: ['http://app.bench'], allowMethods: ['GET'], allowHeaders: ['authorization'] }
              }
            ]
          }
        }
      ]
    }
    await writeFile(join(dir, 'lab.yaml'), stringify(lab))
    const nginxPort = await freePort()
    await writeFile(
      join(dir, 'nginx.conf'),
      `daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/nginx-error.log warn;\nevents { worker_connections 1024; }\nhttp {\n  access_log off;\n  client_body_temp_path ${dir};\n  proxy_temp_path ${dir};\n  fastcgi_temp_path ${dir};\n  uwsgi_temp_path ${dir};\n  scgi_temp_path ${dir};\n  upstream backend { server 127.0.0.1:${upstreamPort}; keepalive 64; }\n  server {\n    listen 127.0.0.1:${nginxPort};\n    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }\n  }\n}\n`
    )
    const [nginxCommand, nginxArgs] = pinned(1, nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir])
    children.push(spawn(nginxCommand, nginxArgs, { stdio: 'ignore' }))
    const [nodeCommand, nodeArgs] = pinned(1, process.execPath, [join(repoRoot, 'bin/netloom.mjs'), 'up', join(dir, 'lab.yaml'), '--quiet'])
    children.push(spawn(nodeCommand, nodeArgs, { stdio: 'ignore' }))

    const headers = { authorization: `Bearer ${token}`, origin: 'http://app.bench' }
    const nginxUrl = `http://127.0.0.1:${nginxPort}/pets/7`
    const netloomUrl = `http://127.0.0.1:${netloomPort}/pets/7`
    await waitForHttp(nginxUrl, headers, 'nginx')
    await waitForHttp(netloomUrl, headers, 'Netloom')

    const results: Record<'nginx' | 'netloom', WrkResult[]> = { nginx: [], netloom: [] }
    for (let run = 1; run <= runs; run++) {
      // Interleaved, so that a noisy moment on a shared machine hits both.
      results.nginx.push(wrk(nginxUrl, headers, { seconds, connections }))
      results.netloom.push(wrk(netloomUrl, headers, { seconds, connections }))
      console.log(`run ${run}: nginx ${results.nginx.at(-1)!.rps.toFixed(0)} req/s, Netloom ${results.netloom.at(-1)!.rps.toFixed(0)} req/s`)
    }
    const row = (name: string, rs: WrkResult[]) =>
      `${name.padEnd(8)} ${median(rs.map((r) => r.rps)).toFixed(0).padStart(8)} req/s   p50 ${median(rs.map((r) => r.p50Ms)).toFixed(2).padStart(6)} ms   p99 ${median(rs.map((r) => r.p99Ms)).toFixed(2).padStart(6)} ms   ${rs.reduce((s, r) => s + r.errors, 0)} errors`
    console.log(`\n${seconds} s × ${runs} runs each, wrk 1 thread, ${connections} connections, GET with a JWT and an Origin (medians)`)
    console.log(row('nginx', results.nginx))
    console.log(row('Netloom', results.netloom))
    const rpsRatio = median(results.netloom.map((r) => r.rps)) / median(results.nginx.map((r) => r.rps))
    const p99Ratio = median(results.netloom.map((r) => r.p99Ms)) / median(results.nginx.map((r) => r.p99Ms))
    console.log(`ratio Netloom/nginx: req/s ${rpsRatio.toFixed(2)} (target ≥ 0.80), p99 ${p99Ratio.toFixed(2)}× (target ≤ 1.25)`)
  } finally {
    await Promise.all(children.map(stop))
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
