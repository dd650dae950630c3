import { MatchfeedError } from '../../errors.js'
import { delay } from '../../time.js'
import { sendCommand } from './client.js'
import type { ConsumerState, HeldShard } from './consumer-state.js'
import { bounded } from './deadline.js'
import { awsErrorName, kinesisError } from './kinesis-error.js'
import { SHARD_END } from './lease-store.js'
import { deliverRecords, ensureHeld, type KinesisRecord } from './record-delivery.js'

interface GetRecordsOutput {
  Records?: KinesisRecord[]
  NextShardIterator?: string | null
  MillisBehindLatest?: number
}

/**
 * Reads one leased shard until the lease is lost or the shard let go: GetRecords, the handler, then the
 * checkpoint (conditional on the lease's owner and epoch). At the shard's end `SHARD_END` is checkpointed
 * and the shard let go, so its children can start. An expired iterator is renewed from the last checkpoint.
 */
export async function readShard(
  c: ConsumerState,
  shard: HeldShard,
  checkpoint: string | null,
): Promise<void> {
  const signal = AbortSignal.any([shard.lost.signal, shard.finish.signal])
  let position = checkpoint
  let iterator: string | undefined
  let failures = 0
  while (!signal.aborted) {
    let reply: GetRecordsOutput
    try {
      iterator ??= await shardIterator(c, shard, position, signal)
      reply = await sendCommand<GetRecordsOutput>(
        c.client,
        c.sdk.GetRecordsCommand,
        { ShardIterator: iterator, Limit: c.settings.batchSize },
        shard.lost.signal,
      )
    } catch (error) {
      if (signal.aborted) return
      if (awsErrorName(error) === 'ExpiredIteratorException') {
        c.stats.expiredIterators++
        iterator = undefined // a new one, from the checkpoint
        continue
      }
      c.report(kinesisError(iterator ? 'GetRecords' : 'GetShardIterator', error))
      await delay(c.backoff(++failures), signal).catch(() => {})
      continue
    }
    failures = 0
    const records = reply.Records ?? []
    shard.millisBehindLatest = reply.MillisBehindLatest ?? 0
    if (records.length > 0) {
      c.stats.recordsRead += records.length
      try {
        await deliverRecords(c, shard, records)
      } catch (error) {
        if (signal.aborted) return // lost, or let go mid-retry: not checkpointed, redelivered to the next owner
        throw error
      }
      position = records[records.length - 1]!.SequenceNumber ?? position
      await saveCheckpoint(c, shard, position!)
    }
    if (!reply.NextShardIterator) {
      // Closed by a reshard and read to its end: children may start once every parent says so.
      await saveCheckpoint(c, shard, SHARD_END)
      c.lastShardSync = 0
      shard.finish.abort(new MatchfeedError(`${shard.shardId} read to its end`, { code: 'shard_end' }))
      c.wake?.()
      return
    }
    iterator = reply.NextShardIterator
    if (records.length === 0) await delay(c.settings.idleMs, signal).catch(() => {})
  }
}

/** Writes a checkpoint as (owner, epoch); a refusal means the lease was taken: the shard is dropped at once. */
async function saveCheckpoint(c: ConsumerState, shard: HeldShard, value: string): Promise<void> {
  ensureHeld(shard)
  let saved: boolean
  try {
    const { leaseStore } = c.settings.options
    const write = leaseStore.checkpoint(shard.key, c.settings.workerId, shard.epoch, value)
    saved = await bounded(write, Math.max(1, shard.validUntil - Date.now()), 'checkpoint')
  } catch (error) {
    // Not saved: the next batch's checkpoint covers it; the coordinator drops the lease if the store stays away.
    c.report(error)
    return
  }
  if (!saved) {
    shard.lost.abort(
      new MatchfeedError(`lease of ${shard.shardId} taken by another worker`, { code: 'lease_lost' }),
    )
    shard.lost.signal.throwIfAborted()
  }
  c.stats.checkpoints++
  shard.lastCheckpointAt = Date.now()
}

async function shardIterator(
  c: ConsumerState,
  shard: HeldShard,
  position: string | null,
  signal: AbortSignal,
): Promise<string> {
  const startAt = c.settings.options.startAt ?? 'trim_horizon'
  const isChild = c.shards
    .find((s) => s.shardId === shard.shardId)
    ?.parents.some((p) => c.shards.some((s) => s.shardId === p))
  let input: Record<string, unknown> = { ShardIteratorType: 'TRIM_HORIZON' }
  if (position) input = { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: position }
  else if (isChild) input = { ShardIteratorType: 'TRIM_HORIZON' }
  else if (startAt === 'latest') input = { ShardIteratorType: 'LATEST' }
  else if (startAt instanceof Date) input = { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: startAt }
  else if (typeof startAt === 'object') {
    const sequence = startAt.sequenceNumbers[shard.shardId]
    if (sequence) input = { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: sequence }
  }
  // kinesalite never answers AT_TIMESTAMP past its last record: a bounded wait, then a retry.
  const bounded = AbortSignal.any([
    signal,
    AbortSignal.timeout(Math.ceil(Math.max(1_000, c.settings.leaseDurationMs / 3))),
  ])
  const reply = await sendCommand<{ ShardIterator?: string }>(
    c.client,
    c.sdk.GetShardIteratorCommand,
    { ...c.target, ShardId: shard.shardId, ...input },
    bounded,
  )
  if (!reply.ShardIterator)
    throw new MatchfeedError(`no iterator for ${shard.shardId}`, { code: 'kinesis_error' })
  return reply.ShardIterator
}
