import { expect } from '@playwright/test'
import { labTest } from './fixtures'
import { openView, shoot } from './support/ui'

const test = labTest('edge-cache.yaml')

test('the edge misses, then hits; an invalidation empties it; the Traffic view says why', async ({ page, lab }) => {
  await page.goto(lab.url)
  await page.getByTestId('topology-node-cdn').click()
  const send = async () => {
    await page.getByTestId('probe-path').fill('/static/app.js')
    await page.getByTestId('probe-send').click()
    await expect(page.getByTestId('probe-status')).toContainText('200')
  }
  await send()
  await page.getByTestId('probe-result').getByText(/Headers \(/).click()
  await expect(page.getByTestId('probe-result')).toContainText('Miss from cloudfront')
  await send()
  await expect(page.getByTestId('probe-result')).toContainText('Hit from cloudfront')
  // The cache browser shows the object, and evicting it makes the next request a miss.
  const entry = page.getByTestId('edge-cache-entry').filter({ hasText: '/static/app.js' })
  await expect(entry).toContainText('200')
  await entry.getByTestId('edge-cache-evict').click()
  await expect(entry).toHaveCount(0)
  await send()
  await expect(page.getByTestId('probe-result')).toContainText('Miss from cloudfront')
  await send()
  await page.getByTestId('edge-invalidate-paths').fill('/static/*')
  await page.getByTestId('edge-invalidate').click()
  await expect(page.getByTestId('edge-invalidate-result')).toHaveText(/^I[A-Z0-9]{13}: 1 cached object\(s\) removed\.$/)
  await expect(page.getByTestId('edge-invalidations')).toContainText('/static/*')
  await expect(page.getByTestId('edge-invalidations')).toContainText('Completed')
  await shoot(page, 'edge-detail')
  await openView(page, 'Traffic')
  await expect(page.getByTestId('traffic-row').filter({ hasText: 'Hit' }).first()).toContainText('behavior /static/* → origin app: Hit')
  await shoot(page, 'edge-traffic')
})
