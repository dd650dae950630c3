// examples/server as deployed with Postgres and Redis (the outbox relay carries events on to Redis Streams and
// Pub/Sub, rate limits and replay protection shared through Redis), built by its own build(config), for
// bench/e2e.bench.ts: the same load as the library-only flow, through the reference deployment's routes.
import type { AddressInfo } from 'node:net'
import { build } from '../examples/server/src/app.js'
import { loadConfig } from '../examples/server/src/config.js'
import type { E2eSetup } from './e2e-server.js'
import { serveBench } from './e2e-usage.js'

const setup = JSON.parse(process.argv[2] ?? '{}') as E2eSetup
const app = await build(
  loadConfig({
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL: 'redis://127.0.0.1:6379',
    WEBHOOK_SECRET: setup.secret,
    // The limit stays on (its Redis round trip is part of the cost), set above what the bench sends.
    RATE_LIMIT_MAX: String(1e9),
    LOG_LEVEL: 'warn',
    SIMULATE: 'false',
  }),
)
await app.runtime.ready
await app.listen({ host: '127.0.0.1', port: 0 })
serveBench((app.server.address() as AddressInfo).port, () => app.close())
