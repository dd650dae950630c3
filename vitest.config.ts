import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

export default defineConfig({
  resolve: {
    // Examples and recipes import the package by name; tests run them against the sources.
    alias: [
      { find: /^matchfeed\/webhooks$/, replacement: src('webhooks/index.ts') },
      { find: /^matchfeed\/custom$/, replacement: src('providers/custom/index.ts') },
      { find: /^matchfeed\/websocket$/, replacement: src('providers/websocket/index.ts') },
      { find: /^matchfeed\/api-football$/, replacement: src('providers/api-football/index.ts') },
      { find: /^matchfeed\/football-data$/, replacement: src('providers/football-data/index.ts') },
      { find: /^matchfeed\/testing$/, replacement: src('testing/index.ts') },
      { find: /^matchfeed$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
