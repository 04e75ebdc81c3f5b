import { describe, expect, it } from 'vitest'
import { InvalidationHistory } from './invalidation-history'

describe('InvalidationHistory', () => {
  it('lists invalidations newest first, with CloudFront-style ids, times, status and what they removed', () => {
    const history = new InvalidationHistory()
    const first = history.record(['/a'], 1, Date.UTC(2026, 0, 1))
    history.record(['/b/*', '/c'], 3, Date.UTC(2026, 0, 2))
    expect(first.id).toMatch(/^I[A-Z0-9]{13}$/)
    expect(history.list().map((entry) => [entry.paths, entry.removed, entry.status, entry.createTime])).toEqual([
      [['/b/*', '/c'], 3, 'Completed', '2026-01-02T00:00:00.000Z'],
      [['/a'], 1, 'Completed', '2026-01-01T00:00:00.000Z']
    ])
  })

  it('keeps the last hundred', () => {
    const history = new InvalidationHistory()
    for (let i = 0; i < 120; i++) history.record([`/${i}`], 0, 0)
    expect(history.list()).toHaveLength(100)
    expect(history.list()[0]!.paths).toEqual(['/119'])
  })
})
