import { readFile } from 'node:fs/promises'
import { expect, type Page } from '@playwright/test'
import { labTest } from './fixtures'
import { openView, replaceEditorText, shoot } from './support/ui'

const test = labTest('dns-zones.yaml')

async function dig(page: Page, name: string, type: string, source = ''): Promise<void> {
  await page.getByTestId('dig-name').fill(name)
  await page.getByTestId('dig-type').selectOption(type)
  await page.getByTestId('dig-source').fill(source)
  await page.getByTestId('dig-send').click()
}

test('the dig form queries the lab name server, private zones included', async ({ page, lab }) => {
  await page.goto(lab.url)
  await page.getByTestId('topology-node-dns').click()
  await expect(page.getByTestId('dns-zones')).toContainText('internal.shop.test')
  await dig(page, 'www.shop.test', 'A')
  await expect(page.getByTestId('dig-rcode')).toHaveText('NOERROR')
  await expect(page.getByTestId('dig-answer')).toContainText('www.shop.test.\t300\tIN\tCNAME\tweb.shop.test.')
  await shoot(page, 'dns-dig')
  await dig(page, 'api.internal.shop.test', 'A', '127.0.0.2')
  await expect(page.getByTestId('dig-answer')).toContainText('10.0.1.15')
  await dig(page, 'api.internal.shop.test', 'A')
  await expect(page.getByTestId('dig-rcode')).toHaveText('NXDOMAIN')
  // Every query shows up in the Traffic view with its explanation.
  await openView(page, 'Traffic')
  await expect(page.getByTestId('traffic-row').first()).toContainText('NXDOMAIN')
  await shoot(page, 'dns-traffic')
})

test('a record added in the editor is served after Apply', async ({ page, lab }) => {
  await page.goto(lab.url)
  await expect(page.getByTestId('topology-node-dns')).toHaveAttribute('data-state', 'running')
  await openView(page, 'Editor')
  await expect(page.getByTestId('editor').locator('.monaco-editor')).toBeVisible()
  const source = await readFile(lab.file, 'utf8')
  const added = source.replace('            - { name: web, type: A, values: [127.0.0.1] }', '            - { name: web, type: A, values: [127.0.0.1] }\n            - { name: new, type: TXT, values: [\'"added in the app"\'] }')
  expect(added).not.toBe(source)
  await replaceEditorText(page, added)
  await expect(page.getByTestId('editor-problem')).toHaveCount(0)
  await page.getByTestId('editor-apply').click()
  await expect(page.getByTestId('editor-result')).toContainText('dns: reconfigured')
  await openView(page, 'Topology')
  await page.getByTestId('topology-node-dns').click()
  await dig(page, 'new.shop.test', 'TXT')
  await expect(page.getByTestId('dig-answer')).toContainText('"added in the app"')
})

test('a bad record value is reported at its line and not applied', async ({ page, lab }) => {
  await page.goto(lab.url)
  await openView(page, 'Editor')
  await expect(page.getByTestId('editor').locator('.monaco-editor')).toBeVisible()
  const source = await readFile(lab.file, 'utf8')
  await replaceEditorText(page, source.replace('values: ["10 mail"]', 'values: ["ten mail"]'))
  await expect(page.getByTestId('editor-problem').first()).toContainText('MX: preference must be an integer 0–65535, got "ten"')
  await expect(page.getByTestId('editor-apply')).toBeDisabled()
  await shoot(page, 'dns-editor-error')
})

test('a record added in the zone panel is applied, saved and answered', async ({ page, lab }) => {
  await page.goto(lab.url)
  await page.getByTestId('topology-node-dns').click()
  const zones = page.getByTestId('dns-zones')
  await zones.getByTestId('dns-record-add').first().click()
  await page.getByTestId('dns-new-name').fill('shop')
  await page.getByTestId('dns-new-type').selectOption('MX')
  await page.getByTestId('dns-new-values').fill('ten mail')
  await page.getByTestId('dns-new-save').click()
  await expect(page.getByTestId('dns-zones-message')).toContainText('preference must be an integer')
  await page.getByTestId('dns-new-type').selectOption('A')
  await page.getByTestId('dns-new-values').fill('127.0.0.77')
  await page.getByTestId('dns-new-save').click()
  await expect(page.getByTestId('dns-zones-message')).toContainText('Added shop A to shop.test, and saved to')
  expect(await readFile(lab.file, 'utf8')).toContain('- { name: shop, type: A, values: [ 127.0.0.77 ] }')
  await dig(page, 'shop.shop.test', 'A')
  await expect(page.getByTestId('dig-answer')).toContainText('127.0.0.77')
  await shoot(page, 'dns-add-record')
  // Edit it in place, then delete it.
  const row = page.getByTestId('dns-record').filter({ hasText: '127.0.0.77' })
  await row.getByTestId('dns-record-edit').click()
  await page.getByTestId('dns-new-values').fill('127.0.0.78')
  await page.getByTestId('dns-new-save').click()
  await expect(page.getByTestId('dns-zones-message')).toContainText('Changed shop A')
  await dig(page, 'shop.shop.test', 'A')
  await expect(page.getByTestId('dig-answer')).toContainText('127.0.0.78')
  page.once('dialog', (dialog) => void dialog.accept())
  await page.getByTestId('dns-record').filter({ hasText: '127.0.0.78' }).getByTestId('dns-record-delete').click()
  await expect(page.getByTestId('dns-zones-message')).toContainText('Deleted shop A')
  await dig(page, 'shop.shop.test', 'A')
  await expect(page.getByTestId('dig-rcode')).toHaveText('NXDOMAIN')
})
