import { describe, expect, it } from 'vitest'
import { dataDir } from './data-dir'

describe('dataDir', () => {
  const home = '/home/ada'
  it('prefers NETLOOM_DATA_DIR on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const)
      expect(dataDir({ env: { NETLOOM_DATA_DIR: '/tmp/x', XDG_DATA_HOME: '/xdg' }, platform, home })).toBe('/tmp/x')
  })

  it('follows XDG on Linux, ignoring a relative XDG_DATA_HOME', () => {
    expect(dataDir({ env: { XDG_DATA_HOME: '/data' }, platform: 'linux', home })).toBe('/data/netloom')
    expect(dataDir({ env: {}, platform: 'linux', home })).toBe('/home/ada/.local/share/netloom')
    expect(dataDir({ env: { XDG_DATA_HOME: 'rel' }, platform: 'freebsd', home })).toBe('/home/ada/.local/share/netloom')
  })

  it('uses Application Support on macOS and APPDATA on Windows', () => {
    expect(dataDir({ env: {}, platform: 'darwin', home })).toBe('/home/ada/Library/Application Support/Netloom')
    expect(dataDir({ env: { APPDATA: '/appdata' }, platform: 'win32', home })).toMatch(/^[/\\]appdata[/\\]Netloom$/)
  })
})
