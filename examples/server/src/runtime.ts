// Storage, pipeline and fan-out, wired as the configuration says; started and stopped as one.

import type { FastifyBaseLogger as Logger } from 'fastify'
import {
  createPipeline,
  type Pipeline,
  type PipelineMetrics,
  type SinkOptions,
  type StopReport,
} from 'matchfeed'
import { createOutboxRelay, type OutboxRelay, postgresSink } from 'matchfeed/sinks/postgres'
import { redisPubSubSink, redisStreamsSink } from 'matchfeed/sinks/redis'
import { createMemorySeenIdStore, type SeenIdStore } from 'matchfeed/webhooks'
import type { Config } from './config.js'
import { withDeadline } from './deadline.js'
import { providerSources } from './provider-sources.js'
import { connectRedis, type RedisClient, redisSeenIdStore } from './redis.js'
import { openStorage, type Storage } from './storage.js'

export interface Runtime {
  readonly storage: Storage
  readonly pipeline: Pipeline
  readonly seenIds: SeenIdStore
  readonly relay: OutboxRelay | undefined
  readonly redis: RedisClient | undefined
  /** Migrations run (retried in the background until the database answers), then the sources started. */
  readonly ready: Promise<void>
  /** The provider sources have been started (after the migrations). */
  readonly sourcesStarted: boolean
  /** Drains the pipeline within the deadline, stops the relay, closes every connection. */
  stop(deadlineMs: number): Promise<StopReport>
}

export async function createRuntime(config: Config, log: Logger): Promise<Runtime> {
  const storage = openStorage(config)
  const abort = new AbortController()
  const migrated = storage.migrate(abort.signal, (error) =>
    log.warn({ err: error }, 'database not reachable yet, migrations retried'),
  )

  const redis = config.REDIS_URL
    ? await connectRedis(config.REDIS_URL, (error) => log.warn({ err: error }, 'redis'))
    : undefined
  // With Redis, Postgres is the only sink the sender waits for: the outbox, written in the same statement,
  // carries every stored version on to Redis (never save-then-publish, which loses events in a crash).
  const store = postgresSink({ client: storage.client, outbox: redis !== undefined })
  const sinks: SinkOptions[] = [{ sink: store, policy: 'block' }]
  const pipeline = createPipeline({
    sources: providerSources(config),
    sinks,
    staleAfterMs: config.STALE_AFTER_MS,
  })

  const relay = redis
    ? createOutboxRelay({
        client: storage.client,
        sinks: [redisStreamsSink({ client: redis }), redisPubSubSink({ client: redis })],
        onError: (error) => log.warn({ err: error }, 'outbox relay round failed; retried'),
      })
    : undefined
  // The relay and the pollers start once there is somewhere to store what they find.
  let sourcesStarted = false
  const ready = migrated.then(async () => {
    relay?.start()
    await pipeline.start()
    sourcesStarted = true
  })
  ready.catch(() => {}) // rejects only when stopped before the database ever answered

  return {
    storage,
    pipeline,
    seenIds: redis ? redisSeenIdStore(redis) : createMemorySeenIdStore(),
    relay,
    redis,
    ready,
    get sourcesStarted() {
      return sourcesStarted
    },
    async stop(deadlineMs) {
      abort.abort()
      // pipeline.stop can overrun its deadline while a sink's write hangs (a database that stopped answering
      // keeps the statement in flight): past a grace period, what is still pending is reported as left.
      const before = pipeline.metrics()
      const report = await withDeadline(pipeline.stop({ deadlineMs }), deadlineMs + STOP_GRACE_MS, () =>
        leftSince(before, pipeline),
      )
      await withDeadline(relay?.stop() ?? Promise.resolve(), STOP_GRACE_MS, () => undefined)
      await redis?.close().catch(() => {})
      await withDeadline(
        storage.close().catch(() => {}),
        STOP_GRACE_MS,
        () => undefined,
      )
      return report
    },
  }
}

const STOP_GRACE_MS = 2000

/**
 * For a stop that overran its deadline: per sink, what is still pending plus what was given back to its
 * senders since the stop began (the pipeline counts those as rejected).
 */
function leftSince(before: PipelineMetrics, pipeline: Pipeline): StopReport {
  const undrained: Record<string, number> = {}
  for (const [name, m] of Object.entries(pipeline.metrics().sinks)) {
    const left = m.pending + m.rejected - (before.sinks[name]?.rejected ?? 0)
    if (left > 0) undrained[name] = left
  }
  return { undrained, sourceErrors: {} }
}
