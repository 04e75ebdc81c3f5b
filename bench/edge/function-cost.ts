/**
 * bench/edge/function-cost: the per-invocation cost of a small viewer-request CloudFront Function in
 * Netloom's sandbox (QuickJS in a worker thread), measured from the engine's side: FunctionSandbox.run()
 * with event serialization, the worker hop, QuickJS, and validation of the returned request.
 *
 *   npx tsx bench/edge/function-cost.ts [--runs 5000] [--warmup 500]
 *
 * Prints the median and p99 in µs, and the compute utilization the function reports.
 */
import { parseArgs } from 'node:util'
import { viewerRequestEvent } from '../../main/node/services/edge/functions/event'
import { FunctionSandbox } from '../../main/node/services/edge/functions/function-sandbox'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5000' }, warmup: { type: 'string', default: '500' } } })
const runs = Number(values.runs)
const warmup = Number(values.warmup)

// The reference's function (cloudfront.md §4.2): index rewrite, a header, ?lang → Accept-Language, block bots.
const code = `function handler(event) {
  var request = event.request
  var ua = request.headers['user-agent'] ? request.headers['user-agent'].value : ''
  if (/bot|crawler/i.test(ua)) return { statusCode: 403, statusDescription: 'Forbidden' }
  if (request.uri.endsWith('/')) request.uri += 'index.html'
  request.headers['x-lab'] = { value: 'netloom' }
  if (request.querystring.lang) request.headers['accept-language'] = { value: request.querystring.lang.value }
  return request
}`

const event = viewerRequestEvent(
  {
    method: 'GET',
    uri: '/docs/',
    querystring: 'lang=de&page=2',
    headers: { host: 'lab.example', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)', accept: 'text/html', 'accept-encoding': 'gzip, br', cookie: 'session=abc; theme=dark' },
    viewerIp: '203.0.113.7'
  },
  { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE', requestId: 'bench' }
)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function main(): Promise<void> {
  const sandbox = new FunctionSandbox()
  const input = { code, runtime: 'cloudfront-js-1.0' as const, eventType: 'viewer-request' as const, event }
  let utilization = 0
  for (let i = 0; i < warmup; i++) {
    const result = await sandbox.run(input)
    if (!result.ok) throw new Error(`${result.kind}: ${result.message}`)
    utilization = result.computeUtilization
  }
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint()
    await sandbox.run(input)
    samples.push(Number(process.hrtime.bigint() - started) / 1000)
  }
  await sandbox.dispose()
  samples.sort((a, b) => a - b)
  console.log(`CloudFront Function, viewer-request, ${runs} runs after ${warmup} warm-up (Node ${process.version})`)
  console.log(`median ${percentile(samples, 50).toFixed(1)} µs, p99 ${percentile(samples, 99).toFixed(1)} µs, compute utilization ${utilization}`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
