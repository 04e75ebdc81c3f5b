import { resolve } from 'node:path'
import { defineConfig } from 'vite'

/**
 * The `netloom` CLI (and the engine it runs) as one ESM file for plain Node 20, in out/cli/.
 * Dependencies stay external (they are in `dependencies`), Node built-ins too.
 */
export default defineConfig({
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'out/cli',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: { netloom: resolve(__dirname, 'main/node/bin/netloom.ts') },
      output: { format: 'es', entryFileNames: '[name].mjs' }
    }
  }
})
