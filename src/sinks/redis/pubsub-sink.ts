import { eventJson } from '../../event/json.js'
import type { MatchEvent } from '../../event/schema.js'
import { validateMatchEvents } from '../../event/validate.js'
import type { Sink } from '../../pipeline/contracts.js'
import { RecentMap } from '../../recent-map.js'
import { lazyConnection, luaScript, type RedisConnectionOptions, runScript, trackedWrites } from './client.js'

/** PUBLISH for each (channel, message) pair of ARGV, in order; returns how many. */
const PUBLISH_EACH = luaScript(`for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
return #ARGV / 2`)

export interface RedisPubSubSinkOptions extends RedisConnectionOptions {
  /**
   * The channel of a match. Default `${prefix}events:${matchId}`: the same name as the match's stream
   * (channels and keys are separate namespaces), so a subscriber knows where to fill gaps from.
   */
  channel?: (matchId: string) => string
  /** Prefix of the default channel. Default `matchfeed:`. */
  prefix?: string
  /**
   * About this many event ids remembered (with the version published; between half and all of them), so a
   * retried write does not publish twice. Default 10,000.
   */
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
 * Redis Pub/Sub fan-out: one message per event (the event as JSON) on its match's channel, a whole write
 * published by one script call, for live clients. BEST EFFORT: Pub/Sub is at-most-once — a subscriber that is
 * disconnected, slow (output buffer limit) or not yet subscribed misses messages for good. Subscribers must
 * fill gaps from the stream by entry id (matchfeed/live does); run this sink with the pipeline's `drop-oldest`
 * policy so it never holds back the durable sinks.
 */
export function redisPubSubSink(options: RedisPubSubSinkOptions): RedisPubSubSink {
  const connection = lazyConnection(options, 'redisPubSubSink')
  const prefix = options.prefix ?? 'matchfeed:'
  const channel = options.channel ?? ((matchId: string) => `${prefix}events:${matchId}`)
  const remember = Math.max(0, options.rememberIds ?? 10_000)
  const timeoutMs = options.timeoutMs ?? 5_000
  // id → highest version published: bounded, in this process only.
  const published = new RecentMap<string, number>(remember)
  const sinkName = options.name ?? 'redis-pubsub'
  const writes = trackedWrites(sinkName, timeoutMs)
  let publishedCount = 0
  let skipped = 0

  function markPublished(event: MatchEvent): void {
    if (remember === 0) return
    const known = published.get(event.id)
    if (known === undefined || event.version > known) published.set(event.id, event.version)
  }

  async function publish(events: MatchEvent[]): Promise<void> {
    const redis = await connection.get()
    // Against what went out before (a retried write); within a write every version goes, in order.
    const fresh = events.filter((event) => {
      const seen = published.get(event.id)
      if (seen === undefined || event.version > seen) return true
      skipped++
      return false
    })
    if (fresh.length === 0) return
    // One script call publishes the whole write, each event its own message as before: one command instead of
    // one per event (node-redis's per-command cost led the profile of a 50-event delivery, bench/e2e). A
    // failed call publishes again on retry, as a lost reply always could: subscribers drop repeats by version.
    const args: string[] = []
    for (const event of fresh) args.push(channel(event.matchId), eventJson(event))
    await runScript(redis, PUBLISH_EACH, [], args)
    for (const event of fresh) markPublished(event)
    publishedCount += fresh.length
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
