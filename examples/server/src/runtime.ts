// Storage, pipeline and fan-out, wired as the configuration says; started and stopped as one.

import type { FastifyBaseLogger as Logger } from 'fastify'
import {
  createPipeline,
  type Pipeline,
  type PipelineMetrics,
  type SinkOptions,
  type StopReport,
} from 'matchfeed'
import { type IdMapping, idMapping, postgresIdMapStore } from 'matchfeed/id-mapping'
import type { LiveStore } from 'matchfeed/live'
import { kinesisSink } from 'matchfeed/sinks/kinesis'
import { type OutboxRelay, postgresSink } from 'matchfeed/sinks/postgres'
import { createMemorySeenIdStore, type SeenIdStore } from 'matchfeed/webhooks'
import { openBackends, outboxRelay, STOP_GRACE_MS } from './backends.js'
import type { Config } from './config.js'
import { withDeadline } from './deadline.js'
import type { KinesisLink } from './kinesis.js'
import { liveStore } from './live.js'
import { providerSources } from './provider-sources.js'
import { type RedisClient, redisSeenIdStore } from './redis.js'
import type { Storage } from './storage.js'

export interface Runtime {
  readonly storage: Storage
  readonly pipeline: Pipeline
  readonly seenIds: SeenIdStore
  readonly relay: OutboxRelay | undefined
  readonly redis: RedisClient | undefined
  /** With KINESIS_STREAM: the stream the receivers put to (the pipeline's stored sink). */
  readonly kinesis: KinesisLink | undefined
  /** What the live hub reads: the relay's Redis Streams, or (without Redis) a memory store the pipeline feeds. */
  readonly liveStore: LiveStore
  /** Unless ID_MAP=false: provider ids mapped to yours before validation (the table `migrate` creates). */
  readonly idMap: IdMapping | undefined
  /** Migrations run (retried in the background until the database answers), then the sources started. */
  readonly ready: Promise<void>
  /** The provider sources have been started (after the migrations). */
  readonly sourcesStarted: boolean
  /** Drains the pipeline within the deadline, stops the relay, closes every connection. */
  stop(deadlineMs: number): Promise<StopReport>
}

export async function createRuntime(config: Config, log: Logger): Promise<Runtime> {
  const backends = await openBackends(config, log)
  const { storage, redis, abort, migrated } = backends
  // The AWS SDK is loaded only when the stream is configured.
  const kinesis = config.KINESIS_STREAM ? (await import('./kinesis.js')).openKinesis(config, log) : undefined
  // With Redis, Postgres is the only sink the sender waits for: the outbox, written in the same statement,
  // carries every stored version on to Redis (never save-then-publish, which loses events in a crash).
  // With Kinesis the stream takes Postgres's place: a sender is answered once Kinesis took the put, and the
  // workers (MATCHFEED_MODE=worker) store it and carry it on.
  const store = kinesis
    ? kinesisSink({ client: kinesis.client, streamName: kinesis.stream })
    : postgresSink({ client: storage.client, outbox: redis !== undefined })
  const sinks: SinkOptions[] = [{ sink: store, policy: 'block' }]
  const live = liveStore(storage, redis)
  if (live.sink) sinks.push({ sink: live.sink, policy: 'block' }) // in-process fan-out: an append in memory
  // Mapped where events come in, so that the stored sink (Postgres or Kinesis) already keys on your match id.
  const idMap =
    config.ID_MAP === false ? undefined : idMapping({ store: postgresIdMapStore({ client: storage.client }) })
  const pipeline = createPipeline({
    sources: providerSources(config),
    sinks,
    transforms: idMap ? [idMap] : [],
    staleAfterMs: config.STALE_AFTER_MS,
  })

  // The outbox is written where events are stored: by the workers when the receivers put to Kinesis.
  const relay = redis && !kinesis ? outboxRelay(storage, redis, log) : undefined
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
    kinesis,
    liveStore: live.store,
    idMap,
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
      await backends.close(relay, async () => {
        await live.store.close?.()
        kinesis?.close()
      })
      return report
    },
  }
}

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
