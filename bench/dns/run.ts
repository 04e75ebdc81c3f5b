/**
 * bench/dns: dnsperf against Netloom's dns service and against NSD serving the same zone, one after
 * the other, with the same query mix (75 % names that exist — CNAME chains, wildcards, MX, TXT, NODATA,
 * a referral — and 25 % random NXDOMAIN). Prints queries/s and latency for both and the ratio.
 *
 *   apt-get install nsd dnsperf && npm run build && npx tsx bench/dns/run.ts [--seconds 10] [--runs 3]
 *
 * Both servers run one worker; where `taskset` exists, each server is pinned to CPU 1 and dnsperf to
 * CPU 0, as in the reference measurements. NSD's response rate limiting is off (it would drop the load).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'
import { exportZoneFile } from '../../main/common/services/dns/zone-file'
import { freePort, median, need, pinned, stop } from '../support'
import { benchZone, queryMix } from './bench-zone'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' } } })
const seconds = Number(values.seconds)
const runs = Number(values.runs)

async function waitForDns(port: number, label: string, probeFile: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const probe = spawnSync('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', probeFile, '-n', '1', '-t', '1'], { encoding: 'utf8' })
    if (/Queries completed:\s+1 /.test(probe.stdout)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${label} did not answer on port ${port}`)
}

interface Result {
  qps: number
  latencyMs: number
  lost: number
}

function dnsperf(port: number, queries: string): Result {
  const [command, args] = pinned(0, 'dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', queries, '-l', String(seconds), '-T', '1', '-c', '1', '-q', '100'])
  const out = spawnSync(command, args, { encoding: 'utf8' }).stdout
  const number = (pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? NaN)
  return { qps: number(/Queries per second:\s+([\d.]+)/), latencyMs: number(/Average Latency \(s\):\s+([\d.]+)/) * 1000, lost: number(/Queries lost:\s+(\d+)/) }
}

async function main(): Promise<void> {
  const nsd = need('nsd')
  need('dnsperf')
  const dir = await mkdtemp(join(tmpdir(), 'netloom-bench-dns-'))
  const children: ChildProcess[] = []
  try {
    const zone = benchZone()
    await writeFile(join(dir, 'example.test.zone'), exportZoneFile(zone))
    await writeFile(join(dir, 'queries.txt'), queryMix())
    await writeFile(join(dir, 'probe.txt'), 'example.test SOA\n')
    const nsdPort = await freePort()
    await writeFile(
      join(dir, 'nsd.conf'),
      `server:\n  ip-address: 127.0.0.1@${nsdPort}\n  server-count: 1\n  zonesdir: "${dir}"\n  database: ""\n  pidfile: "${dir}/nsd.pid"\n  xfrdfile: "${dir}/xfrd.state"\n  zonelistfile: "${dir}/zone.list"\n  username: ""\n  chroot: ""\n  rrl-ratelimit: 0\n  verbosity: 0\nremote-control:\n  control-enable: no\nzone:\n  name: example.test\n  zonefile: example.test.zone\n`
    )
    const netloomPort = await freePort()
    const lab = { apiVersion: 'netloom/v1', kind: 'Lab', metadata: { name: 'bench' }, services: [{ id: 'dns', kind: 'dns', listen: { host: '127.0.0.1', port: netloomPort }, config: { zones: [zone] } }] }
    await writeFile(join(dir, 'lab.yaml'), stringify(lab))

    const [nsdCommand, nsdArgs] = pinned(1, nsd, ['-d', '-c', join(dir, 'nsd.conf')])
    const nsdProcess = spawn(nsdCommand, nsdArgs, { stdio: ['ignore', 'ignore', 'pipe'] })
    let nsdLog = ''
    nsdProcess.stderr!.on('data', (chunk) => (nsdLog += chunk))
    children.push(nsdProcess)
    const [nodeCommand, nodeArgs] = pinned(1, process.execPath, [join(repoRoot, 'bin/netloom.mjs'), 'up', join(dir, 'lab.yaml'), '--quiet'])
    children.push(spawn(nodeCommand, nodeArgs, { stdio: 'ignore' }))
    await waitForDns(nsdPort, 'NSD', join(dir, 'probe.txt')).catch((error: Error) => {
      throw new Error(`${error.message}\n${nsdLog}`)
    })
    await waitForDns(netloomPort, 'Netloom', join(dir, 'probe.txt'))

    const results: Record<'nsd' | 'netloom', Result[]> = { nsd: [], netloom: [] }
    for (let run = 1; run <= runs; run++) {
      // Interleaved, so that a noisy moment on a shared machine hits both.
      results.nsd.push(dnsperf(nsdPort, join(dir, 'queries.txt')))
      results.netloom.push(dnsperf(netloomPort, join(dir, 'queries.txt')))
      console.log(`run ${run}: NSD ${results.nsd.at(-1)!.qps.toFixed(0)} q/s, Netloom ${results.netloom.at(-1)!.qps.toFixed(0)} q/s`)
    }
    const nsdQps = median(results.nsd.map((r) => r.qps))
    const ourQps = median(results.netloom.map((r) => r.qps))
    const row = (name: string, rs: Result[]) =>
      `${name.padEnd(8)} ${median(rs.map((r) => r.qps)).toFixed(0).padStart(8)} q/s   ${median(rs.map((r) => r.latencyMs)).toFixed(2).padStart(6)} ms avg   ${rs.reduce((s, r) => s + r.lost, 0)} lost`
    console.log(`\n${seconds} s × ${runs} runs each, UDP, 100 outstanding queries, 25 % NXDOMAIN (medians)`)
    console.log(row('NSD', results.nsd))
    console.log(row('Netloom', results.netloom))
    console.log(`ratio Netloom/NSD: ${(ourQps / nsdQps).toFixed(2)} (target ≥ 0.80)`)
  } finally {
    await Promise.all(children.map(stop))
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
