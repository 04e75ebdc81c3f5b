/**
 * bench/edge: wrk against cache hits on Netloom's edge and on nginx with proxy_cache, for the same
 * object from the same origin, one after the other in one run. Prints requests/s, p50 and p99 for both
 * and the ratio.
 *
 *   apt-get install wrk nginx && npm run build && npx tsx bench/edge/run.ts [--seconds 10] [--runs 3]
 *
 * nginx runs one worker process and Netloom one event loop; where `taskset` exists both are pinned to
 * CPU 1, and wrk and the origin to CPU 0. The object (2 KB of JSON, max-age=3600) is fetched once
 * before the runs, so that every measured request is a hit.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'
import { freePort, median, need, pinned, stop } from '../support'
import { waitForHttp, wrk, type WrkResult } from '../wrk'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' }, connections: { type: 'string', default: '50' } } })
const seconds = Number(values.seconds)
const runs = Number(values.runs)
const connections = Number(values.connections)

const originSource = `
const http = require('node:http')
const body = JSON.stringify({ items: Array.from({ length: 40 }, (_, i) => ({ id: i, name: 'item ' + i })) })
http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600', 'content-length': Buffer.byteLength(body) }); res.end(body) })
  .listen(Number(process.argv[1]), '127.0.0.1')
`

async function main(): Promise<void> {
  const nginx = need('nginx')
  need('wrk')
  const dir = await mkdtemp(join(tmpdir(), 'netloom-bench-edge-'))
  const children: ChildProcess[] = []
  try {
    const originPort = await freePort()
    const [originCommand, originArgs] = pinned(0, process.execPath, ['-e', originSource, String(originPort)])
    children.push(spawn(originCommand, originArgs, { stdio: 'ignore' }))

    const netloomPort = await freePort()
    const lab = {
      apiVersion: 'netloom/v1',
      kind: 'Lab',
      metadata: { name: 'bench' },
      services: [{ id: 'cdn', kind: 'edge', listen: { host: '127.0.0.1', port: netloomPort }, config: { origins: [{ id: 'app', url: `http://127.0.0.1:${originPort}` }], defaultBehavior: { origin: 'app', cachePolicy: 'CachingOptimized', compress: false } } }]
    }
    await writeFile(join(dir, 'lab.yaml'), stringify(lab))
    const nginxPort = await freePort()
    await writeFile(
      join(dir, 'nginx.conf'),
      `daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/nginx-error.log warn;\nevents { worker_connections 1024; }\nhttp {\n  access_log off;\n  client_body_temp_path ${dir};\n  proxy_temp_path ${dir};\n  fastcgi_temp_path ${dir};\n  uwsgi_temp_path ${dir};\n  scgi_temp_path ${dir};\n  proxy_cache_path ${dir}/cache keys_zone=edge:10m;\n  server {\n    listen 127.0.0.1:${nginxPort};\n    location / { proxy_cache edge; proxy_pass http://127.0.0.1:${originPort}; add_header X-Cache $upstream_cache_status; }\n  }\n}\n`
    )
    const [nginxCommand, nginxArgs] = pinned(1, nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir])
    children.push(spawn(nginxCommand, nginxArgs, { stdio: 'ignore' }))
    const [nodeCommand, nodeArgs] = pinned(1, process.execPath, [join(repoRoot, 'bin/netloom.mjs'), 'up', join(dir, 'lab.yaml'), '--quiet'])
    children.push(spawn(nodeCommand, nodeArgs, { stdio: 'ignore' }))

    const nginxUrl = `http://127.0.0.1:${nginxPort}/items`
    const netloomUrl = `http://127.0.0.1:${netloomPort}/items`
    // The first request fills each cache; every measured one is a hit.
    await waitForHttp(nginxUrl, {}, 'nginx')
    await waitForHttp(netloomUrl, {}, 'Netloom')
    const hit = async (url: string, header: string) => (await fetch(url)).headers.get(header)
    console.log(`warm: nginx X-Cache ${await hit(nginxUrl, 'x-cache')}, Netloom ${await hit(netloomUrl, 'x-cache')}`)

    const results: Record<'nginx' | 'netloom', WrkResult[]> = { nginx: [], netloom: [] }
    for (let run = 1; run <= runs; run++) {
      results.nginx.push(wrk(nginxUrl, {}, { seconds, connections }))
      results.netloom.push(wrk(netloomUrl, {}, { seconds, connections }))
      console.log(`run ${run}: nginx ${results.nginx.at(-1)!.rps.toFixed(0)} req/s, Netloom ${results.netloom.at(-1)!.rps.toFixed(0)} req/s`)
    }
    const row = (name: string, rs: WrkResult[]) =>
      `${name.padEnd(8)} ${median(rs.map((r) => r.rps)).toFixed(0).padStart(8)} req/s   p50 ${median(rs.map((r) => r.p50Ms)).toFixed(2).padStart(6)} ms   p99 ${median(rs.map((r) => r.p99Ms)).toFixed(2).padStart(6)} ms   ${rs.reduce((s, r) => s + r.errors, 0)} errors`
    console.log(`\n${seconds} s × ${runs} runs each, wrk 1 thread, ${connections} connections, cache hits of a 2 KB object (medians)`)
    console.log(row('nginx', results.nginx))
    console.log(row('Netloom', results.netloom))
    console.log(`ratio Netloom/nginx: ${(median(results.netloom.map((r) => r.rps)) / median(results.nginx.map((r) => r.rps))).toFixed(2)} (target ≥ 0.80)`)
  } finally {
    await Promise.all(children.map(stop))
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
