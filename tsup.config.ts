import { defineConfig } from 'tsup'
import { entries } from './scripts/entries.mjs'

// One entry per public subpath (package.json's exports, read by scripts/entries.mjs); the CLI is its own
// ESM-only entry with a shebang.
export default defineConfig([
  {
    entry: Object.fromEntries(entries.map((e) => [e.entry, e.source])),
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node22',
    splitting: true,
    treeshake: true,
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node22',
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
  },
])
