import { eventJson } from '../../event/json.js'
import type { MatchEvent } from '../../event/schema.js'
import { validateMatchEvents } from '../../event/validate.js'
import type { Sink } from '../../pipeline/contracts.js'
import {
  lazyConnection,
  luaScript,
  type RedisConnection,
  type RedisConnectionOptions,
  runScript,
  trackedWrites,
} from './client.js'

export interface RedisStreamsSinkOptions extends RedisConnectionOptions {
  /** The stream of a match. Default `${prefix}events:${matchId}`. */
  key?: (matchId: string) => string
  /** Prefix of the default key. Default `matchfeed:`. */
  prefix?: string
  /**
   * Approximate cap per stream (`XADD MAXLEN ~`): Redis trims whole nodes, so a stream may hold a little
   * more. Default 100,000 (a match has a few thousand events); 0 or Infinity: never trim.
   */
  maxLen?: number
  /**
   * How long the per-stream record of appended (id, version) pairs lives after the last append. A replay
   * older than this is appended again. Default 7 days; 0: forever.
   */
  seenTtlSeconds?: number
  /** A write that has no reply after this long fails (retryable; the append is idempotent). Default 10 s. */
  timeoutMs?: number
  /** Default `redis-streams`. */
  name?: string
}

export interface RedisStreamsSink extends Sink {
  /** The stream key of a match. */
  key(matchId: string): string
  /** The hash of (id → highest appended version) kept beside a stream for the dedupe. */
  seenKey(streamKey: string): string
  /** Entries appended / events skipped as already stored at that version or higher, by this sink. */
  readonly appended: number
  readonly skipped: number
  /** Waits for the writes in flight; closes the client only when the sink created it (`url`). */
  close(): Promise<void>
}

/**
 * Field layout of every stream entry (docs/sinks/redis.md): flat fields to filter on without parsing, then
 * the whole event as JSON. Consumers read `event`; the flat fields are strings, as everything in Redis.
 */
export const STREAM_FIELDS = ['id', 'version', 'seq', 'type', 'deleted', 'event'] as const

/**
 * Appends the events of one stream, skipping every (id, version) already appended at that version or a
 * higher one — atomically, so a retried write, a replay, or two writers racing never duplicate an entry.
 * Redis 7 has no idempotent XADD (IDMP arrived in 8.6), hence the script.
 *   KEYS[1] stream, KEYS[2] seen hash (id → highest appended version)
 *   ARGV[1] MAXLEN ~ threshold (0: no trimming), ARGV[2] seen-hash TTL in seconds (0: none)
 *   ARGV[3…] six per event: id, version, seq, type, deleted, event JSON
 * Returns how many entries it appended.
 */
export const APPEND_SCRIPT = `local stream, seen = KEYS[1], KEYS[2]
local maxlen, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local appended = 0
for i = 3, #ARGV, 6 do
  local id, version = ARGV[i], ARGV[i + 1]
  local current = redis.call('HGET', seen, id)
  if not current or tonumber(version) > tonumber(current) then
    if maxlen > 0 then
      redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'id', id, 'version', version,
        'seq', ARGV[i + 2], 'type', ARGV[i + 3], 'deleted', ARGV[i + 4], 'event', ARGV[i + 5])
    else
      redis.call('XADD', stream, '*', 'id', id, 'version', version,
        'seq', ARGV[i + 2], 'type', ARGV[i + 3], 'deleted', ARGV[i + 4], 'event', ARGV[i + 5])
    end
    redis.call('HSET', seen, id, version)
    appended = appended + 1
  end
end
if appended > 0 and ttl > 0 then redis.call('EXPIRE', seen, ttl) end
return appended
`
const APPEND = luaScript(APPEND_SCRIPT)

/**
 * Redis Streams, one stream per match: each `write` is one pipelined round trip (one script call per match
 * in the batch), resolved once Redis replied. Idempotent on (id, version) like every sink, append-only:
 * a higher version is a new entry, a lower or equal one is skipped. Durable as far as the server's
 * persistence goes (`appendonly yes` with `appendfsync always` survives a crash; `everysec` may lose the
 * last second).
 */
export function redisStreamsSink(options: RedisStreamsSinkOptions): RedisStreamsSink {
  const connection = lazyConnection(options, 'redisStreamsSink')
  const prefix = options.prefix ?? 'matchfeed:'
  const key = options.key ?? ((matchId: string) => `${prefix}events:${matchId}`)
  const maxLen = options.maxLen ?? 100_000
  const maxLenArg = Number.isFinite(maxLen) && maxLen > 0 ? String(Math.floor(maxLen)) : '0'
  const ttlArg = String(Math.max(0, Math.floor(options.seenTtlSeconds ?? 7 * 24 * 3600)))
  const timeoutMs = options.timeoutMs ?? 10_000
  const sinkName = options.name ?? 'redis-streams'
  const writes = trackedWrites(sinkName, timeoutMs)
  let appended = 0
  let skipped = 0

  const seenKey = (streamKey: string) => `${streamKey}:seen`

  async function appendTo(redis: RedisConnection, streamKey: string, events: MatchEvent[]): Promise<void> {
    const args: string[] = [maxLenArg, ttlArg]
    for (const e of events) {
      args.push(e.id, String(e.version), String(e.seq), e.type, e.deleted ? 'true' : 'false', eventJson(e))
    }
    const reply = await runScript(redis, APPEND, [streamKey, seenKey(streamKey)], args)
    const count = Number(reply)
    appended += count
    skipped += events.length - count
  }

  async function append(events: MatchEvent[]): Promise<void> {
    const redis = await connection.get()
    const byStream = new Map<string, MatchEvent[]>()
    for (const event of events) {
      const streamKey = key(event.matchId)
      const group = byStream.get(streamKey)
      if (group) group.push(event)
      else byStream.set(streamKey, [event])
    }
    // Every call is sent before any reply is awaited: one round trip for the batch.
    const calls = [...byStream].map(([streamKey, group]) => appendTo(redis, streamKey, group))
    for (const call of calls) call.catch(() => {}) // when one fails, the others settle on their own
    await Promise.all(calls)
  }

  return {
    name: sinkName,
    key,
    seenKey,
    async write(batch) {
      const events = validateMatchEvents(batch) // free for a batch already validated
      if (events.length === 0) return
      await writes.run('append to stream', () => append(events))
    },
    async close() {
      await writes.drain()
      await connection.close()
    },
    get appended() {
      return appended
    },
    get skipped() {
      return skipped
    },
  }
}
