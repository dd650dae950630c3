import { lazyConnection, type RedisConnection, redisError } from './client.js'
import type { RedisStreamConsumerOptions, RedisStreamConsumerStats } from './consumer.js'

/** The consumer's options with their defaults applied. */
export interface ConsumerSettings {
  readonly options: RedisStreamConsumerOptions
  readonly group: string
  readonly consumer: string
  readonly maxDeliveries: number
  readonly claimIdleMs: number
  /** How often to look for idle entries: often enough to claim them soon after `claimIdleMs`. */
  readonly claimEveryMs: number
  readonly blockMs: number
  /** Entries per stream per read or claim, as the commands take it. */
  readonly count: string
  readonly startId: string
  readonly discoverEveryMs: number
}

export function consumerSettings(options: RedisStreamConsumerOptions): ConsumerSettings {
  const claimIdleMs = Math.max(1, options.claimIdleMs ?? 30_000)
  return {
    options,
    group: options.group,
    consumer: options.consumer,
    maxDeliveries: Math.max(1, options.maxDeliveries ?? 5),
    claimIdleMs,
    claimEveryMs: Math.max(50, Math.min(claimIdleMs / 2, 5_000)),
    blockMs: Math.max(1, options.blockMs ?? 2_000),
    count: String(Math.max(1, options.batchSize ?? 100)),
    startId: options.startId ?? '0',
    discoverEveryMs: options.discoverIntervalMs ?? 5_000,
  }
}

export type ConsumerPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped'

/**
 * Everything a running consumer changes, in one place: the lifecycle, discovery, claiming and delivery
 * modules all read and write this object, and nothing else.
 */
export class ConsumerState {
  readonly stats: RedisStreamConsumerStats = {
    delivered: 0,
    acknowledged: 0,
    deadLettered: 0,
    claimed: 0,
    handlerFailures: 0,
    trimmed: 0,
  }
  /** The streams being read. */
  readonly streams = new Set<string>()
  /** Streams not read for now: this consumer has entries pending on them, and those come first. */
  readonly held = new Set<string>()
  readonly connection: ReturnType<typeof lazyConnection>
  phase: ConsumerPhase = 'idle'
  /** Set by start(), before anything sends. */
  redis!: RedisConnection
  /** A second connection for XREADGROUP BLOCK, which would hold up every other command. */
  blocking: RedisConnection | undefined
  /** The read loop, awaited by stop(). */
  loop: Promise<void> | undefined
  /** The blocking connection's CLIENT ID while a read may block: stop() unblocks the read with it. */
  blockingId: Promise<unknown> | undefined
  /** Ends the loop's current pause early (stop() calls it). */
  wake: (() => void) | undefined
  lastClaim = 0
  lastDiscover = 0

  constructor(readonly settings: ConsumerSettings) {
    this.connection = lazyConnection(settings.options, 'createRedisStreamConsumer')
  }

  get running(): boolean {
    return this.phase === 'running'
  }

  /** A failure the consumer recovers from by itself: to the `onError` hook. */
  report(error: unknown): void {
    this.settings.options.onError?.(error)
  }

  /** A command on the main connection; a failure becomes a RedisError naming `what`. */
  async send(args: string[], what: string): Promise<unknown> {
    try {
      return await this.redis.send(args)
    } catch (error) {
      throw redisError(what, error)
    }
  }
}
