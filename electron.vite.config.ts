import vue from '@vitejs/plugin-vue'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'

/**
 * electron-vite's "customizing" layout: electron/main and electron/preload, the renderer in renderer/.
 * Only `dependencies` are externalized for main/preload; the renderer bundles everything it imports.
 */
export default defineConfig({
  main: {
    // The engine runs in a utilityProcess from out/main/engine.js (see electron/main/engine-host.ts).
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          engine: resolve(__dirname, 'main/node/bin/engine-process.ts')
        }
      }
    }
  },
  // Sandboxed preloads must be CommonJS (Electron loads ESM preloads only without the sandbox).
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    base: './',
    plugins: [vue()],
    resolve: {
      // monaco-yaml's worker imports `monaco-editor/esm/vs/…`, which monaco-editor ≥0.55's `exports` map
      // no longer allows (it maps `./*` to `./esm/vs/*`): point such imports at the exported path.
      alias: [{ find: /^monaco-editor\/esm\/vs\//, replacement: 'monaco-editor/' }]
    },
    build: { rollupOptions: { input: resolve(__dirname, 'renderer/index.html') } }
  }
})
