// Kinesis (the guide's Option B): the client both modes use, whether the stream answers, and the worker's
// runtime — the stream read with leases in Postgres, each batch stored in Postgres (the outbox carrying it on
// to Redis), checkpointed only once stored.
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { FastifyBaseLogger as Logger } from 'fastify'
import { createKinesisConsumer, type KinesisConsumer, postgresLeaseStore } from 'matchfeed/sinks/kinesis'
import { type OutboxRelay, postgresSink } from 'matchfeed/sinks/postgres'
import { openBackends, outboxRelay } from './backends.js'
import type { Config } from './config.js'
import { withDeadline } from './deadline.js'
import { sharedAnswer } from './shared-answer.js'
import type { Storage } from './storage.js'

/** The workers' consumer group: their leases and checkpoints in `matchfeed_kinesis_leases`. */
const LEASE_GROUP = 'matchfeed-server'

/** Stream states that take puts and reads (UPDATING: a reshard in progress). */
const USABLE = new Set(['ACTIVE', 'UPDATING'])
/** How long one DescribeStreamSummary may take, and how long its answer is reused. */
const PROBE_TIMEOUT_MS = 2000
const PROBE_REUSE_MS = 5000

export interface KinesisLink {
  readonly stream: string
  readonly client: KinesisClient
  /**
   * Whether the stream is described as usable: undefined, else the error's name or code (its message is
   * logged, never answered). One DescribeStreamSummary at a time, its answer reused for 5 s: AWS allows 20 a
   * second per account, and every viewer of the public match page polls the health route.
   */
  probe(): Promise<string | undefined>
  close(): void
}

export function openKinesis(config: Config, log: Logger): KinesisLink {
  const stream = config.KINESIS_STREAM!
  const client = new KinesisClient({
    region: config.KINESIS_REGION,
    ...(config.KINESIS_ENDPOINT && { endpoint: config.KINESIS_ENDPOINT }),
    // No credentials here: the SDK's default chain finds them (environment, shared files, SSO, the task's or
    // instance's role). HTTP/1.1: the SDK's default for Kinesis is HTTP/2, which only enhanced fan-out needs
    // and kinesalite does not speak.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 10_000 }),
    // The sink and the consumer count every attempt in budgets of their own.
    maxAttempts: 1,
  })
  const describe = async (): Promise<string | undefined> => {
    try {
      const { StreamDescriptionSummary: summary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: stream }),
        { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) },
      )
      const status = summary?.StreamStatus ?? 'unknown'
      if (USABLE.has(status)) return undefined
      log.warn({ stream, status }, 'kinesis stream not usable')
      return `stream ${status}`
    } catch (error) {
      log.warn({ err: error, stream }, 'kinesis stream not reachable')
      return errorName(error)
    }
  }
  return {
    stream,
    client,
    // Reused while in flight, and for PROBE_REUSE_MS once answered (`describe` answers failures too).
    probe: sharedAnswer(PROBE_REUSE_MS, describe),
    close: () => client.destroy(),
  }
}

/** An AWS exception's name, else a socket's code (`ECONNREFUSED`), else the class's name. */
function errorName(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown }
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code
  return typeof e?.name === 'string' ? e.name : 'Error'
}

export interface Worker {
  readonly storage: Storage
  readonly kinesis: KinesisLink
  readonly consumer: KinesisConsumer
  readonly relay: OutboxRelay | undefined
  /** Migrations run (retried until the database answers), then the relay and the consumer started. */
  readonly ready: Promise<void>
  readonly started: boolean
  /** Stops the consumer (last batches checkpointed, leases released) within the deadline; false if it overran. */
  stop(deadlineMs: number): Promise<boolean>
}

/**
 * MATCHFEED_MODE=worker: every shard of the stream, under leases in Postgres shared by every worker, into
 * Postgres.
 * The consumer checkpoints a batch only after the Postgres write (event rows and outbox rows, one statement)
 * committed, so a worker killed at any point leaves nothing stored-but-lost or checkpointed-but-unstored: the
 * next owner of the lease reads again from the checkpoint, and the upsert absorbs what was stored twice.
 */
export async function createWorker(config: Config, log: Logger): Promise<Worker> {
  // The same migrations as the server's, matchfeed_kinesis_leases among them.
  const backends = await openBackends(config, log)
  const { storage, redis, abort, migrated } = backends
  const relay = redis ? outboxRelay(storage, redis, log) : undefined
  const kinesis = openKinesis(config, log)
  const consumer = createKinesisConsumer({
    client: kinesis.client,
    streamName: kinesis.stream,
    leaseStore: postgresLeaseStore({ client: storage.client, group: LEASE_GROUP }),
    sinks: [postgresSink({ client: storage.client, outbox: redis !== undefined })],
    // No dead letter: a batch that cannot be stored holds its shard, retried, rather than being skipped.
    onError: (error) => log.warn({ err: error }, 'kinesis consumer: retrying'),
  })

  let started = false
  const ready = migrated.then(async () => {
    if (abort.signal.aborted) return
    relay?.start()
    await consumer.start()
    // A stop that came meanwhile stops the consumer once this start returned (even past its deadline).
    if (abort.signal.aborted) return
    started = true
  })
  ready.catch((error) => {
    if (!abort.signal.aborted) log.error({ err: error }, 'the consumer could not start')
  })

  return {
    storage,
    kinesis,
    consumer,
    relay,
    ready,
    get started() {
      return started
    },
    async stop(deadlineMs) {
      abort.abort()
      // A consumer still starting looks idle to its stop: it is stopped once its start returned.
      const clean = await withDeadline(
        ready
          .catch(() => {})
          .then(() => consumer.stop())
          .then(() => true),
        deadlineMs,
        () => false,
      )
      await backends.close(relay, async () => kinesis.close())
      return clean
    },
  }
}
