import { MatchfeedError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { markValidated } from '../../event/validate.js'
import { delay } from '../../time.js'
import type { ConsumerState, HeldShard } from './consumer-state.js'
import { decodeRecord } from './record-format.js'

/** A record as GetRecords returns it. */
export interface KinesisRecord {
  SequenceNumber?: string
  PartitionKey?: string
  Data?: Uint8Array
}

interface Decoded {
  record: KinesisRecord
  events: MatchEvent[]
}

/**
 * Hands a shard's records to the handler, in order. First deliveries go together; after a failure the
 * records come again one at a time (so a poison record reaches `deadLetter` alone), with backoff, up to
 * `maxDeliveries`. A record that holds no valid event goes to `deadLetter` at once, in its place in the order.
 * Resolves when every record was handled or dead-lettered — the caller then checkpoints; rejects when the
 * lease was lost or the shard is being let go (nothing then is checkpointed).
 */
export async function deliverRecords(
  c: ConsumerState,
  shard: HeldShard,
  records: KinesisRecord[],
): Promise<void> {
  let run: Decoded[] = []
  for (const record of records) {
    let events: MatchEvent[]
    try {
      events = decodeRecord(record.Data ?? new Uint8Array())
    } catch (error) {
      await handleRun(c, shard, run)
      run = []
      await giveUp(c, shard, record, undefined, 1, error) // never valid: no point retrying it
      continue
    }
    c.stats.eventsRead += events.length
    run.push({ record, events })
  }
  await handleRun(c, shard, run)
}

async function handleRun(c: ConsumerState, shard: HeldShard, run: Decoded[]): Promise<void> {
  if (run.length === 0) return
  if ((await attempt(c, shard, run, 1)) === undefined) return
  for (const one of run) {
    for (let deliveries = 2; ; deliveries++) {
      await pause(c, shard, deliveries - 1)
      const failed = await attempt(c, shard, [one], deliveries)
      if (failed === undefined) break
      if (deliveries >= c.settings.maxDeliveries) {
        await giveUp(c, shard, one.record, one.events, deliveries, failed.error)
        break
      }
    }
  }
}

/**
 * One delivery: undefined when the handler resolved, its error otherwise. Throws when the lease is gone or no
 * longer surely ours.
 */
async function attempt(
  c: ConsumerState,
  shard: HeldShard,
  items: Decoded[],
  deliveries: number,
): Promise<{ error: unknown } | undefined> {
  ensureHeld(shard)
  if (deliveries > 1) ensureKept(shard)
  // Every record's events were validated when decoded: the pipeline (with `sinks`) need not do it again.
  const events = markValidated(items.flatMap((i) => i.events))
  if (events.length === 0) return undefined
  try {
    await c.handle(events, {
      shardId: shard.shardId,
      sequenceNumbers: items.map((i) => i.record.SequenceNumber ?? ''),
      deliveries,
      signal: shard.lost.signal,
    })
    return undefined
  } catch (error) {
    c.stats.handlerFailures++
    c.report(error)
    return { error }
  }
}

/** To `deadLetter`; without the hook, or while it fails, the shard waits here, retrying it. */
async function giveUp(
  c: ConsumerState,
  shard: HeldShard,
  record: KinesisRecord,
  events: MatchEvent[] | undefined,
  deliveries: number,
  error: unknown,
): Promise<void> {
  const { deadLetter } = c.settings.options
  for (let tries = 1; ; tries++) {
    ensureHeld(shard)
    if (tries > 1) ensureKept(shard)
    if (!deadLetter) {
      c.report(
        new MatchfeedError(
          `kinesis consumer: record ${record.SequenceNumber} of ${shard.shardId} holds its shard (no deadLetter hook): ${String(error)}`,
          { code: 'dead_letter_unhandled', cause: error },
        ),
      )
    } else {
      try {
        await deadLetter({
          stream: c.streamLabel,
          shardId: shard.shardId,
          id: record.SequenceNumber ?? '',
          partitionKey: record.PartitionKey ?? '',
          data: record.Data ?? new Uint8Array(),
          events,
          deliveries,
          error,
        })
        c.stats.deadLettered++
        return
      } catch (hookError) {
        c.report(hookError)
      }
    }
    await pause(c, shard, tries)
  }
}

/** Throws when the lease is lost, or was not renewed in time to be sure it is still ours (then it counts as lost). */
export function ensureHeld(shard: HeldShard): void {
  if (Date.now() > shard.validUntil && !shard.lost.signal.aborted) {
    shard.lost.abort(
      new MatchfeedError(`lease of ${shard.shardId} not renewed in time`, { code: 'lease_lost' }),
    )
  }
  shard.lost.signal.throwIfAborted()
}

/** Throws when the shard is being let go (stop, hand-off): retries are left to the next owner. */
function ensureKept(shard: HeldShard): void {
  if (shard.finish.signal.aborted) throw shard.finish.signal.reason
}

async function pause(c: ConsumerState, shard: HeldShard, failures: number): Promise<void> {
  await delay(c.backoff(failures), AbortSignal.any([shard.lost.signal, shard.finish.signal]))
}
