import { expect } from '@playwright/test'
import { labTest } from './fixtures'
import { openView, shoot } from './support/ui'

const test = labTest('http-api-jwt.yaml')

test('a route tried from the API panel answers, a protected one says 401, and the Traffic view says why', async ({ page, lab }) => {
  await page.goto(lab.url)
  await page.getByTestId('topology-node-api').click()
  const apis = page.getByTestId('gateway-api-pets')
  await expect(apis).toContainText('HTTP API')
  await expect(apis).toContainText('GET /pets: 2 rps, burst 5')

  await page.getByTestId('try-pets-GET /pets').click()
  await expect(page.getByTestId('probe-path')).toHaveValue('/pets')
  await page.getByTestId('probe-send').click()
  await expect(page.getByTestId('probe-status')).toContainText('200')

  await page.getByTestId('try-pets-GET /pets/{id}').click()
  await expect(page.getByTestId('probe-path')).toHaveValue('/pets/1')
  await page.getByTestId('probe-send').click()
  await expect(page.getByTestId('probe-status')).toContainText('401')
  // Throttled: the route allows a burst of 5, then 2 per second; 20 requests at once overflow it.
  const endpoint = await page.getByTestId('service-detail').locator('.endpoints a').first().textContent()
  const statuses = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(`${endpoint!}pets`)).status))
  expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(10)
  await expect(page.getByTestId('gateway-charts-pets')).toBeVisible()
  await page.waitForTimeout(2500)
  await shoot(page, 'gateway-detail')

  await openView(page, 'Traffic')
  await expect(page.getByTestId('traffic-row').filter({ hasText: '401' }).first()).toContainText('JWT authorizer lab-issuer')
  await expect(page.getByTestId('traffic-row').filter({ hasText: '200' }).first()).toContainText('route GET /pets')
  await expect(page.getByTestId('traffic-row').filter({ hasText: '429' }).first()).toContainText('throttled by the route bucket (2 rps, burst 5)')
  await shoot(page, 'gateway-traffic')

  await openView(page, 'Metrics')
  await expect(page.getByText('lab_gateway_latency_seconds').first()).toBeVisible()
  await shoot(page, 'gateway-metrics')
})
