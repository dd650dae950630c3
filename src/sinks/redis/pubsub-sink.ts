import { eventJson } from '../../event/json.js'
import type { MatchEvent } from '../../event/schema.js'
import { validateMatchEvents } from '../../event/validate.js'
import type { Sink } from '../../pipeline/contracts.js'
import { lazyConnection, type RedisConnectionOptions, trackedWrites } from './client.js'

export interface RedisPubSubSinkOptions extends RedisConnectionOptions {
  /**
   * The channel of a match. Default `${prefix}events:${matchId}`: the same name as the match's stream
   * (channels and keys are separate namespaces), so a subscriber knows where to fill gaps from.
   */
  channel?: (matchId: string) => string
  /** Prefix of the default channel. Default `matchfeed:`. */
  prefix?: string
  /** Event ids remembered (with the version published) so a retried write does not publish twice. Default 10,000. */
  rememberIds?: number
  /** A write that has no reply after this long fails (retryable). Default 5 s. */
  timeoutMs?: number
  /** Default `redis-pubsub`. */
  name?: string
}

export interface RedisPubSubSink extends Sink {
  /** The channel of a match. */
  channel(matchId: string): string
  /** Messages published / events skipped as already published at that version or higher, by this sink. */
  readonly published: number
  readonly skipped: number
  /** Waits for the writes in flight; closes the client only when the sink created it (`url`). */
  close(): Promise<void>
}

/**
 * Redis Pub/Sub fan-out: one PUBLISH per event (the event as JSON) on its match's channel, pipelined, for
 * live clients. BEST EFFORT: Pub/Sub is at-most-once — a subscriber that is disconnected, slow (output
 * buffer limit) or not yet subscribed misses messages for good. Subscribers must fill gaps from the stream
 * (or Postgres) by `seq`; run this sink with the pipeline's `drop-oldest` policy so it never holds back the
 * durable sinks.
 */
export function redisPubSubSink(options: RedisPubSubSinkOptions): RedisPubSubSink {
  const connection = lazyConnection(options, 'redisPubSubSink')
  const prefix = options.prefix ?? 'matchfeed:'
  const channel = options.channel ?? ((matchId: string) => `${prefix}events:${matchId}`)
  const remember = Math.max(0, options.rememberIds ?? 10_000)
  const timeoutMs = options.timeoutMs ?? 5_000
  // id → highest version published, least recently published first: bounded, in this process only.
  const published = new Map<string, number>()
  const sinkName = options.name ?? 'redis-pubsub'
  const writes = trackedWrites(sinkName, timeoutMs)
  let publishedCount = 0
  let skipped = 0

  function markPublished(event: MatchEvent): void {
    published.delete(event.id)
    published.set(event.id, event.version)
    if (published.size > remember) published.delete(published.keys().next().value as string)
  }

  async function publish(events: MatchEvent[]): Promise<void> {
    const redis = await connection.get()
    const fresh: MatchEvent[] = []
    const pendingVersion = new Map<string, number>()
    for (const event of events) {
      const seen = pendingVersion.get(event.id) ?? published.get(event.id)
      if (seen !== undefined && event.version <= seen) {
        skipped++
        continue
      }
      pendingVersion.set(event.id, event.version)
      fresh.push(event)
    }
    // All sent before any reply is awaited: one round trip. Each event is remembered once Redis took it,
    // so a retry after a partial failure republishes only the rest.
    const calls = fresh.map((event) =>
      redis.send(['PUBLISH', channel(event.matchId), eventJson(event)], 'bounded').then(() => {
        markPublished(event)
        publishedCount++
      }),
    )
    for (const call of calls) call.catch(() => {}) // when one fails, the others settle on their own
    await Promise.all(calls)
  }

  return {
    name: sinkName,
    channel,
    async write(batch) {
      const events = validateMatchEvents(batch)
      if (events.length === 0) return
      await writes.run('publish', () => publish(events))
    },
    async close() {
      await writes.drain()
      await connection.close()
    },
    get published() {
      return publishedCount
    },
    get skipped() {
      return skipped
    },
  }
}
