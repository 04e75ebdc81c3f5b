import { defineConfig, type Project } from '@playwright/test'
import { findElectronBinary } from './scripts/start-plan.mjs'

/**
 * e2e runs the real app: each test starts `netloom up <lab> --ui` on a free port (e2e/fixtures.ts) and
 * drives Debian's Chromium (no browser download here). The `electron` project runs the same specs in the
 * desktop app's own specs (*.electron.ts) when an Electron binary is installed.
 */
const electronProject: Project[] = findElectronBinary()
  ? [{ name: 'electron', testMatch: /.*\.electron\.ts$/ }]
  : []

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: process.env['CI'] ? 1 : 0,
  workers: 1,
  reporter: process.env['CI'] ? [['list']] : [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure'
  },
  projects: [
    {
      name: 'web',
      testMatch: /.*\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env['NETLOOM_CHROMIUM'] ?? '/usr/bin/chromium',
          args: ['--disable-gpu', '--disable-quic', '--disable-sync', '--disable-background-networking']
        }
      }
    },
    ...electronProject
  ]
})
