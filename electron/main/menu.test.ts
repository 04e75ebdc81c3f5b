import { describe, expect, it, vi } from 'vitest'
import { menuTemplate } from './menu'

describe('menu', () => {
  it('has the usual shortcuts and sends file actions to the window', () => {
    const send = vi.fn()
    const template = menuTemplate({ isMac: false, isDev: false, appName: 'Netloom', send, about: vi.fn() })
    expect(template.map((item) => item.label)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help'])
    const file = template[0]!.submenu as { label?: string; accelerator?: string; click?: () => void }[]
    expect(file.map((item) => item.accelerator).filter(Boolean)).toEqual(['CmdOrCtrl+O', 'CmdOrCtrl+S', 'CmdOrCtrl+Shift+S'])
    file[0]!.click!()
    expect(send).toHaveBeenCalledWith('open')
  })

  it('offers reload and devtools only in development', () => {
    const roles = (isDev: boolean) =>
      (menuTemplate({ isMac: true, isDev, appName: 'Netloom', send: vi.fn(), about: vi.fn() })
        .find((item) => item.label === '&View')!.submenu as { role?: string }[]).map((item) => item.role)
    expect(roles(true)).toContain('toggleDevTools')
    expect(roles(false)).not.toContain('toggleDevTools')
    expect(roles(false)).not.toContain('reload')
  })
})
