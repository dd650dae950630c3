import type { MatchEvent } from '../../event/schema.js'
import { type KinesisClientLike, type KinesisModule, lazyKinesis, type StreamTarget } from './client.js'
import type { ConsumerSettings, KinesisBatchContext } from './consumer-options.js'
import type { ShardInfo } from './shards.js'

/** A lease this worker holds, and the reader of its shard. */
export interface HeldShard {
  shardId: string
  key: string
  epoch: number
  /** Local time until which the lease is surely still ours: the last renewal's start + the lease duration. */
  validUntil: number
  /** Aborted when the lease is lost (taken, or not renewable in time): the reader stops at once, without checkpointing. */
  lost: AbortController
  /** Aborted for a graceful end (stop, hand-off, shard end): the reader stops after the batch in progress and its checkpoint. */
  finish: AbortController
  /** Who to hand the lease to once the reader stopped (balancing); undefined: release it. */
  handTo: string | undefined
  reader: Promise<void> | undefined
  lastCheckpointAt: number
  millisBehindLatest: number
}

export interface KinesisConsumerStats {
  recordsRead: number
  eventsRead: number
  /** Batches (or single records) handed to the handler that it rejected. */
  handlerFailures: number
  deadLettered: number
  checkpoints: number
  /** Leases taken that another worker held before (after its expiry, or forced after an unanswered hand-off request). */
  takeovers: number
  /** Leases lost: taken by another worker, or dropped because the store could not renew them in time. */
  leasesLost: number
  /** Leases handed to another worker on its request (balancing). */
  handedOff: number
  /** GetRecords answered ExpiredIteratorException: a new iterator was taken from the checkpoint. */
  expiredIterators: number
}

export type ConsumerPhase = 'idle' | 'running' | 'stopping' | 'stopped'

/** Everything a running consumer changes, in one place: the coordinator, the readers and the delivery use it. */
export class ConsumerState {
  readonly stats: KinesisConsumerStats = {
    recordsRead: 0,
    eventsRead: 0,
    handlerFailures: 0,
    deadLettered: 0,
    checkpoints: 0,
    takeovers: 0,
    leasesLost: 0,
    handedOff: 0,
    expiredIterators: 0,
  }
  readonly held = new Map<string, HeldShard>()
  /** Hand-off requests this worker made: lease key → (epoch seen, when). Forced after a lease duration. */
  readonly requested = new Map<string, { epoch: number; at: number }>()
  readonly kinesis: ReturnType<typeof lazyKinesis>
  phase: ConsumerPhase = 'idle'
  shards: ShardInfo[] = []
  lastShardSync = 0
  /** Set by start(). */
  sdk!: KinesisModule
  client!: KinesisClientLike
  handle!: (events: MatchEvent[], context: KinesisBatchContext) => Promise<unknown>
  /** The coordinator loop, awaited by stop(). */
  loop: Promise<void> | undefined
  wake: (() => void) | undefined

  constructor(
    readonly settings: ConsumerSettings,
    readonly target: StreamTarget,
    readonly streamLabel: string,
  ) {
    this.kinesis = lazyKinesis(settings.options, 'createKinesisConsumer')
  }

  get running(): boolean {
    return this.phase === 'running'
  }

  /** The lease key of a shard: the stream and the shard, so one group may read several streams. */
  key(shardId: string): string {
    return `${this.streamLabel}:${shardId}`
  }

  get prefix(): string {
    return `${this.streamLabel}:`
  }

  report(error: unknown): void {
    this.settings.options.onError?.(error)
  }

  backoff(failures: number): number {
    const { backoffMs, maxBackoffMs } = this.settings
    return Math.min(maxBackoffMs, backoffMs * 2 ** Math.max(0, failures - 1)) * (0.5 + Math.random() / 2)
  }
}
