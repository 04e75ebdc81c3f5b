#!/usr/bin/env node
// The `netloom` command. The CLI is built with the rest of the app (`npm run build`, run by `npm install`).
import { existsSync } from 'node:fs'

const entry = new URL('../out/cli/netloom.mjs', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('netloom: not built yet: run `npm run build` in the Netloom folder, then try again\n')
  process.exit(1)
}
await import(entry.href)
