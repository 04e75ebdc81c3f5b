import { readFile } from 'node:fs/promises'
import { expect, test } from './fixtures'
import { openView, replaceEditorText, shoot } from './support/ui'

test('loads the lab and shows the origin running', async ({ page, lab }) => {
  await page.goto(lab.url)
  const node = page.getByTestId('topology-node-origin-web')
  await expect(node).toHaveAttribute('data-state', 'running')
  await expect(page.getByText('Hello origin').first()).toBeVisible()
  // The token moved out of the address bar once the app connected.
  expect(page.url()).not.toContain('token=')
  await shoot(page, 'topology')
})

test('the origin answers a request sent from the detail panel', async ({ page, lab }) => {
  await page.goto(lab.url)
  await page.getByTestId('topology-node-origin-web').click()
  await page.getByTestId('probe-path').fill('/hello')
  await page.getByTestId('probe-send').click()
  await expect(page.getByTestId('probe-status')).toContainText('200')
  await expect(page.getByTestId('probe-body')).toContainText('Hello from Netloom')
  await shoot(page, 'detail-probe')

  // The request shows up, explained, in the Traffic view.
  await openView(page, 'Traffic')
  await expect(page.getByText('/hello').first()).toBeVisible()
  await shoot(page, 'traffic')
  await openView(page, 'Metrics')
  await shoot(page, 'metrics')
})

test('an invalid edit is marked and not applied; a valid edit is applied', async ({ page, lab }) => {
  await page.goto(lab.url)
  await expect(page.getByTestId('topology-node-origin-web')).toHaveAttribute('data-state', 'running')
  await openView(page, 'Editor')
  await expect(page.getByTestId('editor').locator('.monaco-editor')).toBeVisible()
  const original = await readFile(lab.file, 'utf8')

  // A schema error: the problem is listed with its line, the editor marks it, Apply is refused.
  await replaceEditorText(page, original.replace('kind: origin', 'kind: orign'))
  const problems = page.getByTestId('editor-problem')
  await expect(problems.first()).toContainText('services[0].kind')
  await expect(page.getByTestId('editor').locator('.squiggly-error').first()).toBeAttached()
  await expect(page.getByTestId('editor-apply')).toBeDisabled()
  await shoot(page, 'editor-error')

  // A valid edit that adds a second origin: applied, and the topology shows it running.
  const added = original.replace(
    /\nlayout:/,
    '\n  - id: origin-two\n    kind: origin\n    listen: { host: 127.0.0.1, port: 0 }\n    dependsOn: [origin-web]\nlayout:'
  )
  await replaceEditorText(page, added)
  await expect(problems).toHaveCount(0)
  await page.getByTestId('editor-apply').click()
  await openView(page, 'Topology')
  await expect(page.getByTestId('topology-node-origin-two')).toHaveAttribute('data-state', 'running')
  await expect(page.getByTestId('topology-node-origin-web')).toHaveAttribute('data-state', 'running')
  await shoot(page, 'topology-after-apply')
})

test('a connection without the token is refused with a clear message', async ({ page, lab }) => {
  const url = new URL(lab.url)
  url.search = ''
  await page.goto(url.toString())
  await expect(page.getByText(/token/i).first()).toBeVisible()
  await shoot(page, 'no-token')
})
