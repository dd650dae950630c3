import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { entries } from './scripts/entries.mjs'

export default defineConfig({
  resolve: {
    // Examples and recipes import the package by name; tests run them against the sources.
    alias: entries.map((e) => ({
      find: new RegExp(`^${e.specifier.replace(/[/.-]/g, '\\$&')}$`),
      replacement: fileURLToPath(new URL(`./${e.source}`, import.meta.url)),
    })),
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/server/test/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
