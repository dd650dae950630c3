import { defineConfig } from 'tsup'

// One entry per public subpath; the CLI is its own ESM-only entry with a shebang.
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'webhooks/index': 'src/webhooks/index.ts',
      'providers/custom/index': 'src/providers/custom/index.ts',
      'providers/statsbomb/index': 'src/providers/statsbomb/index.ts',
      'providers/opta/index': 'src/providers/opta/index.ts',
      'providers/api-football/index': 'src/providers/api-football/index.ts',
      'providers/football-data/index': 'src/providers/football-data/index.ts',
      'testing/index': 'src/testing/index.ts',
      'providers/websocket/index': 'src/providers/websocket/index.ts',
      'sinks/postgres/index': 'src/sinks/postgres/index.ts',
      'sinks/redis/index': 'src/sinks/redis/index.ts',
    },
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
