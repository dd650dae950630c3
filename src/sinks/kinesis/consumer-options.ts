import { invalidOption } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import type { Sink } from '../../pipeline/contracts.js'
import type { KinesisConnectionOptions } from './client.js'
import type { LeaseStore } from './lease-store.js'

/** Where a shard without a checkpoint starts. Child shards (after a reshard) always start at their beginning. */
export type KinesisStartAt =
  | 'trim_horizon'
  | 'latest'
  | Date
  /** A sequence number per shard id (read AFTER it); shards not named start at the trim horizon. */
  | { sequenceNumbers: Record<string, string> }

export interface KinesisBatchContext {
  shardId: string
  /** The sequence numbers of the records the events came from. */
  sequenceNumbers: string[]
  /** 1 on a first delivery; more when the batch (then one record at a time) is delivered again. */
  deliveries: number
  /** Aborted when this worker lost the shard's lease: its writes may then land after another worker's. */
  signal: AbortSignal
}

/** A record the consumer gives up on: handed to `deadLetter`; the checkpoint moves past it once the hook resolved. */
export interface KinesisDeadLetter {
  stream: string
  shardId: string
  /** The record's sequence number. */
  id: string
  partitionKey: string
  /** The record's bytes as stored. */
  data: Uint8Array
  /** The events, when the record held valid ones. */
  events: MatchEvent[] | undefined
  deliveries: number
  error: unknown
}

export interface KinesisConsumerOptions extends KinesisConnectionOptions {
  leaseStore: LeaseStore
  /** This worker's name among the group's: stable across its restarts, unique among live workers. Default host:pid:random. */
  workerId?: string
  /** Gets one shard's events in order; the checkpoint moves only after it resolved. Give `handler` or `sinks`. */
  handler?: (events: MatchEvent[], context: KinesisBatchContext) => unknown
  /** Or sinks, written through a pipeline (its dedupe, per-match order and retries); give `handler` or `sinks`. */
  sinks?: Sink[]
  /** Gets a record that failed `maxDeliveries` times or holds no valid event. Without it such a shard waits, retrying. */
  deadLetter?: (letter: KinesisDeadLetter) => unknown
  /** Deliveries of a record before it goes to `deadLetter`. Default 5. */
  maxDeliveries?: number
  startAt?: KinesisStartAt
  /** A lease not renewed for this long can be taken by another worker. Default 10 s; renewed every third of it. */
  leaseDurationMs?: number
  /** Records per GetRecords. Default 1,000 (Kinesis allows 10,000). */
  batchSize?: number
  /** Wait after an empty GetRecords (5 reads/s per shard is Kinesis' limit). Default 1 s. */
  idleMs?: number
  /** How often to look for new shards with ListShards (also done at every shard end). Default 60 s. */
  shardSyncIntervalMs?: number
  /** Backoff after a failed batch or call: doubling from this, up to `maxBackoffMs`. Default 200 ms, 5 s. */
  backoffMs?: number
  maxBackoffMs?: number
  /** Failures the consumer recovers from by itself: to log. */
  onError?: (error: unknown) => void
}

export interface ConsumerSettings {
  readonly options: KinesisConsumerOptions
  readonly workerId: string
  readonly leaseDurationMs: number
  readonly renewEveryMs: number
  readonly maxDeliveries: number
  readonly batchSize: number
  readonly idleMs: number
  readonly shardSyncEveryMs: number
  readonly backoffMs: number
  readonly maxBackoffMs: number
}

const positive = (owner: string, name: string, value: number | undefined, fallback: number, min = 1) => {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value < min)
    throw invalidOption(owner, name, `must be a number of at least ${min}`)
  return value
}

export function consumerSettings(options: KinesisConsumerOptions, defaultWorkerId: string): ConsumerSettings {
  const owner = 'createKinesisConsumer'
  if ((options.handler === undefined) === (options.sinks === undefined)) {
    throw invalidOption(owner, 'handler', 'pass either `handler` or `sinks`')
  }
  if (options.sinks !== undefined && options.sinks.length === 0) {
    throw invalidOption(owner, 'sinks', 'must name at least one sink')
  }
  const store = options.leaseStore as Partial<LeaseStore> | undefined
  if (!store || typeof store.acquire !== 'function' || typeof store.renew !== 'function') {
    throw invalidOption(
      owner,
      'leaseStore',
      'must be a LeaseStore (postgresLeaseStore, redisLeaseStore, memoryLeaseStore)',
    )
  }
  const startAt = options.startAt
  if (
    startAt !== undefined &&
    startAt !== 'trim_horizon' &&
    startAt !== 'latest' &&
    !(startAt instanceof Date && !Number.isNaN(startAt.getTime())) &&
    !(typeof startAt === 'object' && startAt !== null && 'sequenceNumbers' in startAt)
  ) {
    throw invalidOption(
      owner,
      'startAt',
      'must be "trim_horizon", "latest", a valid Date or { sequenceNumbers }',
    )
  }
  const leaseDurationMs = positive(owner, 'leaseDurationMs', options.leaseDurationMs, 10_000, 100)
  const backoffMs = positive(owner, 'backoffMs', options.backoffMs, 200)
  return {
    options,
    workerId: options.workerId ?? defaultWorkerId,
    leaseDurationMs,
    renewEveryMs: leaseDurationMs / 3,
    maxDeliveries: Math.floor(positive(owner, 'maxDeliveries', options.maxDeliveries, 5)),
    batchSize: Math.min(10_000, Math.floor(positive(owner, 'batchSize', options.batchSize, 1_000))),
    idleMs: positive(owner, 'idleMs', options.idleMs, 1_000, 0),
    shardSyncEveryMs: positive(owner, 'shardSyncIntervalMs', options.shardSyncIntervalMs, 60_000, 10),
    backoffMs,
    maxBackoffMs: Math.max(backoffMs, positive(owner, 'maxBackoffMs', options.maxBackoffMs, 5_000)),
  }
}
