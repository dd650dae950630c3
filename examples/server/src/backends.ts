// What both modes open first (storage, its migrations, Redis) and the outbox relay that carries stored events
// on to Redis: shared by the receivers' runtime and the workers', which import nothing of each other.
import type { FastifyBaseLogger as Logger } from 'fastify'
import { createOutboxRelay, type OutboxRelay } from 'matchfeed/sinks/postgres'
import { redisPubSubSink, redisStreamsSink } from 'matchfeed/sinks/redis'
import type { Config } from './config.js'
import { withDeadline } from './deadline.js'
import { connectRedis, type RedisClient } from './redis.js'
import { openStorage, type Storage } from './storage.js'

/** How long each backend gets to close at shutdown, past the pipeline's or the consumer's deadline. */
export const STOP_GRACE_MS = 2000

/**
 * Storage, its migrations retried in the background until the database answers (stopped by `abort`), and Redis
 * when configured. `close` stops the relay and closes them, each within a grace period (a database that
 * stopped answering does not hold the shutdown).
 */
export async function openBackends(config: Config, log: Logger) {
  const storage = openStorage(config)
  const abort = new AbortController()
  const migrated = storage.migrate(abort.signal, (error) =>
    log.warn({ err: error }, 'database not reachable yet, migrations retried'),
  )
  const redis = config.REDIS_URL
    ? await connectRedis(config.REDIS_URL, (error) => log.warn({ err: error }, 'redis'))
    : undefined
  return {
    storage,
    redis,
    abort,
    migrated,
    async close(relay: OutboxRelay | undefined, before: () => Promise<void> = async () => {}) {
      await withDeadline(relay?.stop() ?? Promise.resolve(), STOP_GRACE_MS, () => undefined)
      await before().catch(() => {})
      await redis?.close().catch(() => {})
      await withDeadline(
        storage.close().catch(() => {}),
        STOP_GRACE_MS,
        () => undefined,
      )
    },
  }
}

/** Carries the outbox's rows on to Redis Streams and Pub/Sub, marking each done once Redis took it. */
export function outboxRelay(storage: Storage, redis: RedisClient, log: Logger): OutboxRelay {
  return createOutboxRelay({
    client: storage.client,
    sinks: [redisStreamsSink({ client: redis }), redisPubSubSink({ client: redis })],
    onError: (error) => log.warn({ err: error }, 'outbox relay round failed; retried'),
  })
}
