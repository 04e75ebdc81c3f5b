import type { Page } from '@playwright/test'

/** Screenshots of every screen the specs touch, for people to look at (not compared). */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png` })
}

interface ClipboardHolder {
  navigator: { clipboard: { writeText(text: string): Promise<void> } }
}

/**
 * Replaces the Monaco editor's whole text the way a user pasting a file would. (Typing it would let
 * Monaco auto-indent every new line, which a paste does not.)
 */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  // Runs in the page, where `navigator` exists; this file is typed for Node.
  await page.evaluate((value) => (globalThis as unknown as ClipboardHolder).navigator.clipboard.writeText(value), text)
  await page.getByTestId('editor').locator('.monaco-editor').first().click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.press('ControlOrMeta+V')
}

export async function openView(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click()
}
