/**
 * bench/edge/conformance: the edge against the HTTP caching test suite of cache-tests.fyi, in both
 * profiles (cache-tests-run.ts), beside the results the suite publishes for other caches. Prints passes
 * per kind of test (required, optimal, check) and the required tests that fail, with the reason.
 *
 *   npx tsx bench/edge/conformance.ts
 */
import { expectedRequiredFailures } from '../../main/node/services/edge/conformance/cache-tests-expected'
import { conformanceProfiles, runConformance, type ConformanceProfile } from '../../main/node/services/edge/conformance/cache-tests-run'
import { installSuite, peerResults, suiteTests, type SuiteResult } from '../../main/node/services/edge/conformance/cache-tests-suite'

async function main(): Promise<void> {
  const pkg = installSuite()
  const tests = await suiteTests(pkg)
  const kinds = ['required', 'optimal', 'check'] as const
  const row = (name: string, results: Record<string, SuiteResult>) =>
    `${name.padEnd(27)}${kinds.map((kind) => {
      const of = tests.filter((test) => test.kind === kind)
      return `${String(of.filter((test) => results[test.id] === true).length).padStart(4)}/${of.length}`
    }).join('   ')}`
  const ours: Record<string, Record<string, SuiteResult>> = {}
  for (const profile of Object.keys(conformanceProfiles) as ConformanceProfile[]) ours[profile] = (await runConformance(profile)).results
  console.log(`\nhttp-cache-tests (cache-tests.fyi), passes by kind of test\n${''.padEnd(27)}required  optimal    check`)
  for (const [profile, results] of Object.entries(ours)) console.log(row(`Netloom (${profile})`, results))
  for (const [name, results] of Object.entries(peerResults(pkg))) console.log(row(`${name} (published)`, results))
  for (const [profile, results] of Object.entries(ours)) {
    const failing = tests.filter((test) => test.kind === 'required' && results[test.id] !== true)
    console.log(`\nrequired tests Netloom (${profile}) fails:`)
    for (const test of failing) console.log(`  ${test.id}: ${expectedRequiredFailures[profile as ConformanceProfile][test.id] ?? `UNEXPECTED ${JSON.stringify(results[test.id])}`}`)
  }
}

await main()
