import { invalidOption, MatchfeedError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { validateMatchEvents } from '../../event/validate.js'
import { InFlightList } from '../../in-flight-list.js'
import type { Sink } from '../../pipeline/contracts.js'
import { type KinesisConnectionOptions, lazyKinesis, sendCommand, streamTarget } from './client.js'
import { PutQueue, type PutQueueCounters } from './put-queue.js'
import { encodeRecords, type KinesisRecordFormat, MAX_RECORD_BYTES } from './record-format.js'

export interface KinesisSinkOptions extends KinesisConnectionOptions {
  /** The partition key of a match (≤ 256 characters). Default: the match id. */
  partitionKey?: (matchId: string) => string
  /** `match-batch` (default): one record per write of a match; `event`: one record per event. */
  format?: KinesisRecordFormat
  /** Largest record (data + partition key). Default 1 MiB; raise it with the stream's UpdateMaxRecordSize. */
  maxRecordBytes?: number
  /** Attempts per record (the SDK's own counted in) and the backoff between them. Default 5, 50 ms → 2 s. */
  retry?: { attempts?: number; minDelayMs?: number; maxDelayMs?: number }
  /** PutRecords calls in flight at once (each key has at most one record in flight). Default 4. */
  maxConcurrentCalls?: number
  /** Default `kinesis`. */
  name?: string
}

export interface KinesisSink extends Sink {
  /** PutRecords calls made, records stored, record attempts retried. */
  counters(): PutQueueCounters
  /** Waits for the writes in flight; destroys the client only when the sink created it (`clientOptions`). */
  close(): Promise<void>
}

/**
 * Kinesis Data Streams, partitioned by match. A write of one match becomes one record `{ v: 1, matchId,
 * events }` (chunks sent one after another when over the record size), and a match never has two records
 * in flight — so a retried entry cannot land behind a later one and per-match order holds. Writes of
 * different matches share PutRecords calls. Kinesis has no idempotent put: a retried write can store a
 * record twice, and consumers absorb it by (id, version) as every sink does.
 */
export function kinesisSink(options: KinesisSinkOptions): KinesisSink {
  const owner = 'kinesisSink'
  const target = streamTarget(options, owner)
  const format = options.format ?? 'match-batch'
  if (format !== 'match-batch' && format !== 'event') {
    throw invalidOption(owner, 'format', `must be "match-batch" or "event", not ${JSON.stringify(format)}`)
  }
  const maxBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES
  if (!Number.isInteger(maxBytes) || maxBytes < 1024 || maxBytes > 10 * MAX_RECORD_BYTES) {
    throw invalidOption(owner, 'maxRecordBytes', 'must be an integer from 1024 to 10 MiB (10485760)')
  }
  const attempts = options.retry?.attempts ?? 5
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw invalidOption(owner, 'retry.attempts', 'must be an integer of at least 1')
  }
  const maxCalls = options.maxConcurrentCalls ?? 4
  if (!Number.isInteger(maxCalls) || maxCalls < 1) {
    throw invalidOption(owner, 'maxConcurrentCalls', 'must be an integer of at least 1')
  }
  const partitionKey = options.partitionKey ?? ((matchId: string) => matchId)
  const name = options.name ?? 'kinesis'
  const kinesis = lazyKinesis(options, owner)
  const queue = new PutQueue(
    async (entries) => {
      const { sdk, client } = await kinesis.get()
      return sendCommand(client, sdk.PutRecordsCommand, { ...target, Records: entries })
    },
    {
      sink: name,
      maxCalls,
      retry: {
        attempts,
        minDelayMs: options.retry?.minDelayMs ?? 50,
        maxDelayMs: options.retry?.maxDelayMs ?? 2_000,
      },
    },
  )
  const inflight = new InFlightList<Promise<unknown>>()
  let closed = false

  async function put(events: MatchEvent[]): Promise<void> {
    const byMatch = new Map<string, MatchEvent[]>()
    for (const event of events) {
      const group = byMatch.get(event.matchId)
      if (group) group.push(event)
      else byMatch.set(event.matchId, [event])
    }
    // Encoded first: an event too large for a record fails the write before anything is sent.
    const writes = [...byMatch].map(([matchId, group]) => {
      const key = partitionKey(matchId)
      if (typeof key !== 'string' || key.length === 0 || key.length > 256) {
        throw invalidOption(owner, 'partitionKey', 'must return a string of 1 to 256 characters')
      }
      const records = encodeRecords(matchId, group, {
        format,
        maxBytes,
        partitionKeyBytes: Buffer.byteLength(key),
        sink: name,
      })
      return { key, records }
    })
    const sent = writes.map(({ key, records }) => queue.add(key, records))
    for (const s of sent) s.catch(() => {}) // when one fails, the others settle on their own
    await Promise.all(sent)
  }

  return {
    name,
    async write(batch) {
      if (closed) throw new MatchfeedError(`${name}: write after close()`, { code: 'sink_closed' })
      const events = validateMatchEvents(batch)
      if (events.length === 0) return
      const op = put(events)
      const done = inflight.add(op)
      try {
        await op
      } finally {
        done()
      }
    },
    counters: () => ({ ...queue.counters }),
    async close() {
      closed = true
      await Promise.allSettled([...inflight])
      queue.dispose()
      kinesis.close()
    },
  }
}
