import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis'
import type { MatchEvent } from '../../src/event/schema.js'
import { decodeRecord } from '../../src/sinks/kinesis/index.js'

/** Every record of every shard, decoded, each shard read from its start to its present end. */
export async function readStream(
  client: KinesisClient,
  streamName: string,
): Promise<Map<string, MatchEvent[]>> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }))
  const byShard = new Map<string, MatchEvent[]>()
  for (const shard of Shards) {
    const events: MatchEvent[] = []
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.ShardId!,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
    while (iterator) {
      const reply = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }))
      for (const record of reply.Records ?? []) events.push(...decodeRecord(record.Data!))
      if ((reply.Records ?? []).length === 0) break
      iterator = reply.NextShardIterator
    }
    byShard.set(shard.ShardId!, events)
  }
  return byShard
}

/**
 * What a deduplicating reader of a stream sees of each match: the (id, version) pairs in stream order, each
 * kept the first time and only when higher than the id's highest version seen so far — what the consumer's
 * sinks store, being idempotent on (id, version).
 */
export function dedupedByMatch(byShard: Map<string, MatchEvent[]>): Map<string, MatchEvent[]> {
  const byMatch = new Map<string, MatchEvent[]>()
  const highest = new Map<string, number>()
  for (const events of byShard.values()) {
    for (const event of events) {
      const seen = highest.get(event.id)
      if (seen !== undefined && event.version <= seen) continue
      highest.set(event.id, event.version)
      const list = byMatch.get(event.matchId) ?? []
      list.push(event)
      byMatch.set(event.matchId, list)
    }
  }
  return byMatch
}
