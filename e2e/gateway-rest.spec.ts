import { expect } from '@playwright/test'
import { labTest } from './fixtures'
import { openView, shoot } from './support/ui'

const test = labTest('rest-api-stages.yaml')

test('a REST API: a stage answers from its deployment, a method needs its API key, and the log says why', async ({ page, lab }) => {
  await page.goto(lab.url)
  await page.getByTestId('topology-node-api').click()
  const api = page.getByTestId('gateway-api-shop')
  await expect(api).toContainText('REST API')
  await expect(api).toContainText('canary 20 % → v2')

  await page.getByTestId('try-shop-GET /hello').click()
  await expect(page.getByTestId('probe-path')).toHaveValue('/prod/hello')
  await page.getByTestId('probe-send').click()
  await expect(page.getByTestId('probe-status')).toContainText('200')
  await expect(page.getByTestId('probe-result')).toContainText('"version": "v1"')

  await page.getByTestId('try-shop-POST /orders').click()
  await page.getByTestId('probe-send').click()
  await expect(page.getByTestId('probe-status')).toContainText('403')
  await page.getByTestId('probe-headers').fill('x-api-key: labkeylabkeylabkeylabkey\ncontent-type: application/json')
  await page.getByTestId('probe-body-input').fill('{"item":"book"}')
  await page.getByTestId('probe-send').click()
  await expect(page.getByTestId('probe-status')).toContainText('400')
  await shoot(page, 'gateway-rest-detail')

  await openView(page, 'Traffic')
  await expect(page.getByTestId('traffic-row').filter({ hasText: '403' }).first()).toContainText('API key required: no API key was sent')
  await expect(page.getByTestId('traffic-row').filter({ hasText: '400' }).first()).toContainText("must have required property 'quantity'")
})
