import { describe, expect, it } from 'vitest'
import { defaultLab, startPlan } from './start-plan.mjs'

describe('npm start', () => {
  it('opens the desktop app when the Electron binary is there', () => {
    expect(startPlan({ electron: '/x/electron', args: [], nodePath: 'node' })).toEqual({ mode: 'desktop', command: '/x/electron', args: ['.'] })
  })

  it('falls back to web mode with the example lab, and says why', () => {
    const plan = startPlan({ electron: undefined, args: [], nodePath: 'node' })
    expect(plan).toMatchObject({ mode: 'web', command: 'node', args: ['bin/netloom.mjs', 'up', defaultLab, '--ui'] })
    expect(plan.note).toMatch(/no Electron binary/)
  })

  it('uses a lab given on the command line and passes options through', () => {
    const plan = startPlan({ electron: '/x/electron', args: ['--web', 'my.yaml', '--port', '8000'], nodePath: 'node' })
    expect(plan.args).toEqual(['bin/netloom.mjs', 'up', 'my.yaml', '--ui', '--port', '8000'])
  })
})
