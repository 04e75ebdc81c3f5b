import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/** Unit tests never talk to a real Electron: an accidental import fails loudly (Freelens' stub idea). */
const electronStub = fileURLToPath(new URL('./test-support/electron-stub.ts', import.meta.url))

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: { electron: electronStub } },
        test: {
          name: 'main',
          environment: 'node',
          include: ['main/**/*.test.ts', 'electron/**/*.test.ts', 'scripts/**/*.test.ts'],
          typecheck: { enabled: true, include: ['main/**/*.type-test.ts'], tsconfig: './tsconfig.node.json' },
          testTimeout: 15_000
        }
      },
      {
        plugins: [vue()],
        resolve: { alias: { electron: electronStub } },
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['renderer/**/*.test.ts']
        }
      }
    ]
  }
})
