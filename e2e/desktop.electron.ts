import { _electron as electron, expect, test } from '@playwright/test'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/**
 * The desktop app itself: runs only in the `electron` project, which playwright.config.ts adds when an
 * Electron binary is installed (never on our CI machines, which cannot download it).
 */
test('the desktop app opens, connects to its engine, and offers the welcome panel', async () => {
  const app = await electron.launch({ args: [repoRoot], cwd: repoRoot })
  try {
    const window = await app.firstWindow()
    await expect(window.getByTestId('connection-state')).toContainText(/connected/i)
    await expect(window.getByTestId('welcome')).toBeVisible()
    // The preload exposes a pipe and dialogs, nothing from Node.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
    await window.screenshot({ path: 'test-results/screenshots/desktop-welcome.png' })
  } finally {
    await app.close()
  }
})
