import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, watch } from 'vue'

export type ThemeChoice = 'light' | 'dark' | 'system'
const themeKey = 'netloom.theme'

function storedTheme(): ThemeChoice {
  const value = localStorage.getItem(themeKey)
  return value === 'light' || value === 'dark' ? value : 'system'
}

function prefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
}

/** User preferences kept in this browser profile. */
export const useSettingsStore = defineStore('settings', () => {
  const theme = ref<ThemeChoice>(storedTheme())

  /** Sets `data-theme` on <html> to the theme in effect; the CSS variables follow it. */
  function applyTheme(): void {
    const resolved = theme.value === 'system' ? (prefersDark() ? 'dark' : 'light') : theme.value
    document.documentElement.dataset['theme'] = resolved
  }

  function setTheme(next: ThemeChoice): void {
    theme.value = next
  }

  watch(
    theme,
    (value) => {
      localStorage.setItem(themeKey, value)
      applyTheme()
    },
    { flush: 'sync' }
  )
  if (typeof matchMedia === 'function')
    matchMedia('(prefers-color-scheme: dark)').addEventListener?.('change', () => {
      if (theme.value === 'system') applyTheme()
    })
  applyTheme()

  return { theme, setTheme, applyTheme }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSettingsStore, import.meta.hot))
