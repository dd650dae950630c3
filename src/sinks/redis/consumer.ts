import { MatchfeedError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { validateMatchEvent } from '../../event/validate.js'
import {
  lazyConnection,
  type RedisConnection,
  type RedisConnectionOptions,
  RedisError,
  redisError,
  replyCode,
} from './client.js'

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

interface Entry {
  id: string
  fields: Record<string, string>
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
    throw new MatchfeedError('createRedisStreamConsumer: pass either `keys` or `pattern`', {
      code: 'invalid_option',
    })
  }
  if (!options.group || !options.consumer) {
    throw new MatchfeedError('createRedisStreamConsumer: `group` and `consumer` are required', {
      code: 'invalid_option',
    })
  }
  const connection = lazyConnection(options, 'createRedisStreamConsumer')
  const { group, consumer } = options
  const maxDeliveries = Math.max(1, options.maxDeliveries ?? 5)
  const claimIdleMs = Math.max(1, options.claimIdleMs ?? 30_000)
  const claimEveryMs = Math.max(50, Math.min(claimIdleMs / 2, 5_000))
  const blockMs = Math.max(1, options.blockMs ?? 2_000)
  const count = String(Math.max(1, options.batchSize ?? 100))
  const startId = options.startId ?? '0'
  const discoverEveryMs = options.discoverIntervalMs ?? 5_000
  const stats: RedisStreamConsumerStats = {
    delivered: 0,
    acknowledged: 0,
    deadLettered: 0,
    claimed: 0,
    handlerFailures: 0,
    trimmed: 0,
  }

  const streams = new Set<string>()
  const held = new Set<string>()
  let redis!: RedisConnection
  let blocking: RedisConnection | undefined
  let state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' = 'idle'
  let loop: Promise<void> | undefined
  let blockingId: Promise<unknown> | undefined
  let wake: (() => void) | undefined
  let lastClaim = 0
  let lastDiscover = 0

  const report = (error: unknown) => options.onError?.(error)
  const send = async (args: string[], what: string) => {
    try {
      return await redis.send(args)
    } catch (error) {
      throw redisError(what, error)
    }
  }

  async function createGroup(stream: string, makeStream: boolean): Promise<boolean> {
    try {
      await redis.send(['XGROUP', 'CREATE', stream, group, startId, ...(makeStream ? ['MKSTREAM'] : [])])
    } catch (error) {
      if (replyCode(error) === 'BUSYGROUP') return true
      // A stream found by SCAN and deleted since: nothing to read.
      if (!makeStream && replyCode(error) === 'ERR') return false
      throw redisError(`XGROUP CREATE ${stream}`, error)
    }
    return true
  }

  async function discover(): Promise<void> {
    lastDiscover = Date.now()
    if (options.keys) {
      const missing = options.keys.filter((k) => !streams.has(k))
      await Promise.all(missing.map((k) => createGroup(k, true)))
      for (const k of missing) streams.add(k)
      return
    }
    const found = new Set<string>()
    let cursor = '0'
    do {
      const reply = (await send(
        ['SCAN', cursor, 'MATCH', options.pattern!, 'COUNT', '1000', 'TYPE', 'stream'],
        'SCAN',
      )) as [unknown, unknown[]]
      cursor = String(reply[0])
      for (const k of reply[1]) found.add(String(k))
    } while (cursor !== '0')
    const fresh = [...found].filter((k) => !streams.has(k))
    const created = await Promise.all(fresh.map((k) => createGroup(k, false)))
    fresh.forEach((k, i) => {
      if (created[i]) streams.add(k)
    })
    for (const k of streams) {
      if (!found.has(k)) {
        streams.delete(k)
        held.delete(k)
      }
    }
  }

  /** A missing group (the stream was deleted, or the group destroyed): set things up again. */
  async function recover(error: unknown): Promise<void> {
    if ((error instanceof RedisError ? error.reply : replyCode(error)) !== 'NOGROUP') throw error
    if (options.pattern) streams.clear()
    else for (const k of options.keys ?? []) await createGroup(k, true)
    await discover()
  }

  async function ack(stream: string, ids: string[]): Promise<void> {
    await send(['XACK', stream, group, ...ids], 'XACK')
    stats.acknowledged += ids.length
  }

  function parse(entry: Entry): MatchEvent {
    const json = entry.fields.event
    if (json === undefined)
      throw new MatchfeedError('the entry has no "event" field', { code: 'invalid_entry' })
    let value: unknown
    try {
      value = JSON.parse(json)
    } catch (error) {
      throw new MatchfeedError(`the "event" field is not JSON: ${(error as Error).message}`, {
        code: 'invalid_entry',
        cause: error,
      })
    }
    return validateMatchEvent(value)
  }

  async function giveUp(
    stream: string,
    entry: Entry,
    event: MatchEvent | undefined,
    deliveries: number,
    error: unknown,
  ) {
    if (!options.deadLetter) {
      held.add(stream)
      report(
        new MatchfeedError(
          `redis consumer: entry ${entry.id} of ${stream} left pending (no deadLetter hook): ${String(error)}`,
          { code: 'dead_letter_unhandled', cause: error },
        ),
      )
      return
    }
    try {
      await options.deadLetter({ stream, id: entry.id, fields: entry.fields, event, deliveries, error })
    } catch (hookError) {
      held.add(stream)
      report(hookError)
      return
    }
    await ack(stream, [entry.id])
    stats.deadLettered++
  }

  /** Hands entries to the handler; acknowledges them after it resolved. */
  async function handle(stream: string, entries: { entry: Entry; event: MatchEvent }[], deliveries: number) {
    const ids = entries.map((e) => e.entry.id)
    stats.delivered += entries.length
    try {
      await options.handler(
        entries.map((e) => e.event),
        { stream, ids, deliveries },
      )
    } catch (error) {
      stats.handlerFailures++
      report(error)
      if (deliveries >= maxDeliveries) {
        for (const { entry, event } of entries) await giveUp(stream, entry, event, deliveries, error)
      } else {
        held.add(stream) // retried after claimIdleMs, through XAUTOCLAIM; nothing newer meanwhile
      }
      return
    }
    try {
      await ack(stream, ids)
    } catch (error) {
      held.add(stream) // handled, not acknowledged: they come back after claimIdleMs, before anything newer
      throw error
    }
  }

  /**
   * First deliveries go to the handler together; redeliveries one at a time, so a poison entry in a batch
   * reaches `deadLetter` alone. `deliveries` is known for claimed entries only (read from XPENDING).
   */
  async function process(stream: string, entries: Entry[], deliveries?: Map<string, number>) {
    const good: { entry: Entry; event: MatchEvent }[] = []
    for (const entry of entries) {
      const times = deliveries ? deliveries.get(entry.id) : 1
      if (times === undefined) continue // acknowledged or taken by another consumer since
      let event: MatchEvent
      try {
        event = parse(entry)
      } catch (error) {
        await giveUp(stream, entry, undefined, times, error) // never valid: no point retrying it
        continue
      }
      if (times > maxDeliveries) {
        // Delivered that often without an acknowledgement: a consumer died on it each time.
        const error = new MatchfeedError(`delivered ${times} times without being acknowledged`, {
          code: 'max_deliveries',
        })
        await giveUp(stream, entry, event, times, error)
      } else if (deliveries) {
        await handle(stream, [{ entry, event }], times)
      } else {
        good.push({ entry, event })
      }
    }
    if (good.length > 0) await handle(stream, good, 1)
  }

  const autoclaim = (stream: string, cursor: string) =>
    send(
      ['XAUTOCLAIM', stream, group, consumer, String(claimIdleMs), cursor, 'COUNT', count],
      'XAUTOCLAIM',
    ) as Promise<[unknown, unknown, unknown[] | undefined]>

  /** Takes over the stream's entries idle for claimIdleMs (from any consumer, this one included). */
  async function claim(stream: string, first: [unknown, unknown, unknown[] | undefined]): Promise<void> {
    let reply = first
    for (let page = 0; state === 'running'; page++) {
      const entries = toEntries(reply[1])
      const trimmed = reply[2]?.length ?? 0
      if (trimmed > 0) {
        stats.trimmed += trimmed
        report(
          new MatchfeedError(
            `${trimmed} pending entries of ${stream} were trimmed before anyone acknowledged them`,
            { code: 'entries_trimmed' },
          ),
        )
      }
      if (entries.length > 0) {
        stats.claimed += entries.length
        // The delivery count of each claimed entry (XAUTOCLAIM has just raised it), one exact query each.
        const pending = (await Promise.all(
          entries.map((e) => send(['XPENDING', stream, group, e.id, e.id, '1', consumer], 'XPENDING')),
        )) as unknown[][][]
        const deliveries = new Map<string, number>()
        for (const rows of pending) for (const row of rows) deliveries.set(String(row[0]), Number(row[3]))
        await process(stream, entries, deliveries)
      }
      const cursor = String(reply[0])
      if (cursor === '0-0' || page >= 9) return // the rest on the next pass
      reply = await autoclaim(stream, cursor)
    }
  }

  async function claimAll(): Promise<void> {
    lastClaim = Date.now()
    const list = [...streams]
    const firsts = await Promise.all(list.map((s) => autoclaim(s, '0-0'))) // one round trip for all streams
    for (let i = 0; i < list.length && state === 'running'; i++) await claim(list[i]!, firsts[i]!)
  }

  /** A held stream is read again once this consumer has nothing pending on it. */
  async function release(): Promise<void> {
    const list = [...held]
    const replies = await Promise.all(
      list.map(
        (s) => send(['XPENDING', s, group, '-', '+', '1', consumer], 'XPENDING') as Promise<unknown[]>,
      ),
    )
    list.forEach((s, i) => {
      if (replies[i]!.length === 0) held.delete(s)
    })
  }

  async function readNew(): Promise<void> {
    const readable = [...streams].filter((s) => !held.has(s))
    if (readable.length === 0 || !blocking) {
      await pause(Math.min(blockMs, 200))
      return
    }
    // CLIENT ID first, on the same connection: stop() unblocks the read with it.
    blockingId = blocking.send(['CLIENT', 'ID'])
    blockingId.catch(() => {})
    const args = ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'BLOCK', String(blockMs), 'STREAMS']
    let reply: unknown
    try {
      reply = await blocking.send([...args, ...readable, ...readable.map(() => '>')])
    } catch (error) {
      throw redisError('XREADGROUP', error)
    } finally {
      blockingId = undefined
    }
    // Entries delivered to this consumer are handled even when stop() came meanwhile: else they would wait
    // for a claim.
    for (const [stream, entries] of toPairs(reply)) await process(String(stream), toEntries(entries))
  }

  async function pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    wake = undefined
  }

  async function run(): Promise<void> {
    let failures = 0
    while (state === 'running') {
      try {
        const now = Date.now()
        if (options.pattern && now - lastDiscover >= discoverEveryMs) await discover()
        if (now - lastClaim >= claimEveryMs) await claimAll()
        if (held.size > 0) await release()
        if (state === 'running') await readNew()
        failures = 0
      } catch (error) {
        report(error)
        try {
          await recover(error)
        } catch {
          failures++
          if (state === 'running') await pause(Math.min(50 * 2 ** failures, 2_000))
        }
      }
    }
  }

  return {
    async start() {
      if (state !== 'idle') {
        throw new MatchfeedError(`the consumer is ${state}`, { code: 'invalid_state' })
      }
      state = 'starting'
      try {
        try {
          redis = await connection.get()
        } catch (error) {
          throw error instanceof MatchfeedError ? error : redisError('connect', error)
        }
        await discover()
        try {
          blocking = await redis.duplicate() // XREADGROUP BLOCK would hold up every other command
        } catch (error) {
          throw redisError('connect', error)
        }
      } catch (error) {
        state = 'idle'
        await connection.close()
        throw error
      }
      state = 'running'
      loop = run()
    },
    async stop() {
      if (state !== 'running') return
      state = 'stopping'
      wake?.()
      const id = blockingId
      if (id) {
        const clientId = await id.catch(() => undefined)
        if (clientId !== undefined) await redis.send(['CLIENT', 'UNBLOCK', String(clientId)]).catch(() => {})
      }
      await loop
      await blocking?.close()
      await connection.close()
      state = 'stopped'
    },
    get running() {
      return state === 'running'
    },
    streams: () => [...streams],
    stats: () => ({ ...stats }),
  }
}

/**
 * [key, value] pairs from whatever shape the client gives a map reply (XREADGROUP's streams): a RESP2 array
 * of pairs, a RESP3 map as a Map or an object (node-redis), or flattened as [k1, v1, k2, v2] (ioredis 6 over
 * RESP3, through `call`).
 */
function toPairs(reply: unknown): [unknown, unknown][] {
  if (reply === null || reply === undefined) return []
  if (Array.isArray(reply)) {
    if (reply.length === 0 || Array.isArray(reply[0])) {
      return reply.map((pair) => [(pair as unknown[])[0], (pair as unknown[])[1]])
    }
    const pairs: [unknown, unknown][] = []
    for (let i = 0; i + 1 < reply.length; i += 2) pairs.push([reply[i], reply[i + 1]])
    return pairs
  }
  if (reply instanceof Map) return [...reply.entries()]
  if (typeof reply === 'object') return Object.entries(reply)
  return []
}

/** Stream entries from `[[id, [field, value, …]], …]` (fields as a flat array, a Map or an object). */
function toEntries(reply: unknown): Entry[] {
  if (!Array.isArray(reply)) return []
  const entries: Entry[] = []
  for (const item of reply) {
    const [id, raw] = item as [unknown, unknown]
    const fields: Record<string, string> = {}
    if (Array.isArray(raw)) {
      for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = String(raw[i + 1])
    } else {
      for (const [k, v] of toPairs(raw)) fields[String(k)] = String(v)
    }
    entries.push({ id: String(id), fields })
  }
  return entries
}
