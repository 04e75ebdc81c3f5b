import { beforeAll, describe, expect, it } from 'vitest'
import { expectedRequiredFailures } from './cache-tests-expected'
import { conformanceProfiles, runConformance, type ConformanceProfile } from './cache-tests-run'
import { installSuite, suiteTests, type SuiteTest } from './cache-tests-suite'

/**
 * The edge against the HTTP caching test suite of cache-tests.fyi, installed from the npm registry on
 * first use. Without the registry the test is skipped, except in CI (NETLOOM_CI), where it fails.
 */
let pkg: string | undefined
let problem = ''
try {
  pkg = installSuite()
} catch (error) {
  if (process.env['NETLOOM_CI']) throw error
  problem = (error as Error).message
}

describe.skipIf(!pkg)(`edge against http-cache-tests ${problem ? `(skipped: ${problem})` : ''}`, () => {
  let tests: SuiteTest[] = []
  beforeAll(async () => {
    tests = await suiteTests(pkg!)
  })

  for (const profile of Object.keys(conformanceProfiles) as ConformanceProfile[]) {
    it(`${profile}: every required test passes but the listed ones, each for its stated reason`, async () => {
      const { results } = await runConformance(profile)
      const required = tests.filter((test) => test.kind === 'required')
      const failing = required.filter((test) => results[test.id] !== true).map((test) => test.id)
      const summary = (['required', 'optimal', 'check'] as const).map((kind) => {
        const of = tests.filter((test) => test.kind === kind)
        return `${kind} ${of.filter((test) => results[test.id] === true).length}/${of.length}`
      })
      console.log(`http-cache-tests, ${profile}: ${summary.join(', ')}`)
      const unexpected = failing.filter((id) => !(id in expectedRequiredFailures[profile])).map((id) => `${id}: ${JSON.stringify(results[id])}`)
      const nowPassing = Object.keys(expectedRequiredFailures[profile]).filter((id) => results[id] === true)
      expect(unexpected, 'required tests that fail without a stated reason').toEqual([])
      expect(nowPassing, 'listed as failing, but they pass: remove them from cache-tests-expected.ts').toEqual([])
    }, 120_000)
  }
})
