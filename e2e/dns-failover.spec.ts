import { expect } from '@playwright/test'
import { labTest } from './fixtures'
import { shoot } from './support/ui'

const test = labTest('dns-failover.yaml')

test('stopping the primary turns its health check red and moves the answers to the standby', async ({ page, lab }) => {
  await page.goto(lab.url)
  await page.getByTestId('topology-node-dns').click()
  const checks = page.getByTestId('dns-health-check')
  await expect(checks).toHaveCount(2)
  await expect(checks.filter({ hasText: 'primary-up' })).toHaveAttribute('data-healthy', 'true')
  await page.getByTestId('topology-node-primary').click()
  await page.getByTestId('service-stop').click()
  await expect(page.getByTestId('topology-node-primary')).toHaveAttribute('data-state', 'stopped')
  await page.getByTestId('topology-node-dns').click()
  await expect(checks.filter({ hasText: 'primary-up' })).toHaveAttribute('data-healthy', 'false', { timeout: 20_000 })
  await page.getByTestId('dig-name').fill('app.shop.test')
  await page.getByTestId('dig-send').click()
  await expect(page.getByTestId('dig-answer')).toContainText('127.0.0.2')
  await shoot(page, 'dns-failover')
})
