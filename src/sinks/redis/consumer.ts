import { invalidOption } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import type { RedisConnectionOptions } from './client.js'
import { startConsumer, stopConsumer } from './consumer-lifecycle.js'
import { ConsumerState, consumerSettings } from './consumer-state.js'

export interface StreamBatchContext {
  stream: string
  /** The entry ids of `events`, in the same order. */
  ids: string[]
  /** 1 on a first delivery; more when the entries are redelivered (then they come one at a time). */
  deliveries: number
}

/** An entry the consumer gives up on: handed to `deadLetter`, and acknowledged once the hook resolved. */
export interface StreamDeadLetter {
  stream: string
  id: string
  /** The entry's fields as stored (docs/sinks/redis.md). */
  fields: Record<string, string>
  /** The event, when the entry held a valid one. */
  event: MatchEvent | undefined
  deliveries: number
  error: unknown
}

export interface RedisStreamConsumerOptions extends RedisConnectionOptions {
  /** The streams to read, created when missing. Give `keys` or `pattern`. */
  keys?: readonly string[]
  /** Or a SCAN pattern (`matchfeed:events:*`): streams matching it, looked for again every `discoverIntervalMs`. */
  pattern?: string
  group: string
  /** This consumer's name in the group: stable across restarts of the same worker, unique among workers. */
  consumer: string
  /** Gets the events of one stream, in stream order. Entries are acknowledged only after it resolved. */
  handler: (events: MatchEvent[], context: StreamBatchContext) => unknown
  /**
   * Gets an entry that failed `maxDeliveries` times, or that holds no valid event; the entry is acknowledged
   * once it resolved. Without it (or when it throws) such entries stay pending — nothing is dropped — and
   * their stream is held for this consumer.
   */
  deadLetter?: (letter: StreamDeadLetter) => unknown
  /** Deliveries of an entry before it goes to `deadLetter`. Default 5. */
  maxDeliveries?: number
  /**
   * An entry delivered this long ago and not acknowledged (its consumer died, or its handler failed) is
   * claimed with XAUTOCLAIM and delivered again. Default 30 s.
   */
  claimIdleMs?: number
  /** How long one XREADGROUP waits for new entries. Default 2 s. */
  blockMs?: number
  /** Entries per stream per read. Default 100. */
  batchSize?: number
  /** Where a new group starts: `0` (default) the whole stream, `$` only entries added from now on. */
  startId?: string
  /** With `pattern`: how often to look for new streams. Default 5 s. */
  discoverIntervalMs?: number
  /** Failures the consumer recovers from by itself (a dropped connection, a failed handler): to log. */
  onError?: (error: unknown) => void
}

export interface RedisStreamConsumerStats {
  /** Entries handed to the handler (redeliveries included). */
  delivered: number
  acknowledged: number
  deadLettered: number
  /** Entries taken over from an idle consumer (or from this one, after a failure) with XAUTOCLAIM. */
  claimed: number
  handlerFailures: number
  /** Pending entries that were trimmed from their stream before anyone acknowledged them: lost to MAXLEN. */
  trimmed: number
}

export interface RedisStreamConsumer {
  /** Creates the groups (XGROUP CREATE … MKSTREAM; an existing group is fine) and starts reading. */
  start(): Promise<void>
  /** Stops reading, waits for the handler in progress and its acknowledgement, closes what it opened. */
  stop(): Promise<void>
  readonly running: boolean
  /** The streams being read. */
  streams(): string[]
  stats(): RedisStreamConsumerStats
}

/**
 * A Redis Streams consumer group member: reads with XREADGROUP, acknowledges (XACK) only after the handler
 * resolved — at least once —, takes over entries left pending by a dead consumer (XAUTOCLAIM after
 * `claimIdleMs`), and hands an entry to `deadLetter` after `maxDeliveries` (the delivery count from
 * XPENDING). Within one consumer the events of a stream arrive in stream order: after a handler failure
 * the stream is held (no newer entries read) until its failed entries are acknowledged or taken over.
 */
export function createRedisStreamConsumer(options: RedisStreamConsumerOptions): RedisStreamConsumer {
  if ((options.keys === undefined) === (options.pattern === undefined)) {
    throw invalidOption('createRedisStreamConsumer', 'keys', 'pass either `keys` or `pattern`')
  }
  if (!options.group || !options.consumer) {
    throw invalidOption('createRedisStreamConsumer', options.group ? 'consumer' : 'group', 'required')
  }
  // The state lives in ConsumerState; consumer-lifecycle runs the loop over consumer-discovery (streams and
  // groups), consumer-claiming (XAUTOCLAIM, held streams) and consumer-delivery (handler, dead letters).
  const state = new ConsumerState(consumerSettings(options))
  return {
    start: () => startConsumer(state),
    stop: () => stopConsumer(state),
    get running() {
      return state.running
    },
    streams: () => [...state.streams],
    stats: () => ({ ...state.stats }),
  }
}
