import { expect } from '@playwright/test'
import { labTest } from './fixtures'
import { openView, shoot } from './support/ui'

const test = labTest('edge-functions.yaml')

const edited = `function handler(event) {
  const response = event.response;
  response.headers['x-frame-options'] = { value: 'DENY' };
  response.headers['x-lab-e2e'] = { value: 'published' };
  console.log('stamped');
  return response;
}
`

test('a viewer-response function edited in Monaco, tested, published, then seen on a response and in Traffic', async ({ page, context, lab }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.goto(lab.url)
  await page.getByTestId('topology-node-cdn').click()
  await page.getByTestId('edge-function-harden').click()
  const editor = page.getByTestId('function-editor')
  await expect(editor).toContainText('x-frame-options')
  await editor.locator('.monaco-editor').first().click()
  // Pasted, as a user would bring code in: typing it key by key would meet Monaco's auto-closing brackets.
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(edited)})`)
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.press('ControlOrMeta+V')
  await expect(page.getByText('Development version (not published)')).toBeVisible()

  await page.getByTestId('edge-function-test').click()
  await expect(page.getByTestId('edge-function-result')).toContainText('x-lab-e2e')
  await expect(page.getByTestId('edge-function-result')).toContainText('stamped')
  await page.getByTestId('edge-function-diff').check()
  await shoot(page, 'edge-function-editor')

  await page.getByTestId('edge-function-publish').click()
  await expect(page.getByTestId('edge-function-message')).toContainText('Published harden')

  await page.getByTestId('probe-path').fill('/hello')
  await page.getByTestId('probe-send').click()
  await expect(page.getByTestId('probe-status')).toContainText('200')
  await page.getByTestId('probe-result').getByText(/Headers \(/).click()
  await expect(page.getByTestId('probe-result')).toContainText('published')

  await openView(page, 'Traffic')
  await expect(page.getByTestId('traffic-row').filter({ hasText: '/hello' }).first()).toContainText('viewer-response function harden ran')
})
