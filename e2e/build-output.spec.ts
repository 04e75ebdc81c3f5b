import { test, expect } from '@playwright/test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const out = fileURLToPath(new URL('../out/', import.meta.url))

/**
 * The desktop app cannot be launched here (no Electron binary), so at least check that the built main
 * process points at files the build produced: a renamed preload would otherwise only show on a desktop.
 */
test('the desktop build refers only to files it produced', () => {
  const main = readFileSync(join(out, 'main/index.js'), 'utf8')
  const referenced = [...main.matchAll(/join\(__dirname, "([^"]+)"\)/g)].map((match) => match[1]!)
  expect(referenced).toEqual(expect.arrayContaining(['../preload/index.cjs', 'engine.js', '../renderer/index.html']))
  for (const path of referenced) expect(existsSync(join(out, 'main', path)), path).toBe(true)
  // Sandboxed preloads must be CommonJS.
  expect(readFileSync(join(out, 'preload/index.cjs'), 'utf8')).toMatch(/require\("electron"\)/)
})
