import {
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis'
import { waitActive } from './kinesalite.js'

/** The open shards (no ending sequence number), sorted by their hash key range. */
export async function openShards(client: KinesisClient, streamName: string) {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }))
  return Shards.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber).sort((a, b) =>
    BigInt(a.HashKeyRange!.StartingHashKey!) < BigInt(b.HashKeyRange!.StartingHashKey!) ? -1 : 1,
  )
}

/** Splits an open shard at the middle of its hash key range, and waits for the stream to be ACTIVE. */
export async function splitShard(client: KinesisClient, streamName: string, index = 0): Promise<void> {
  const shard = (await openShards(client, streamName))[index]!
  const start = BigInt(shard.HashKeyRange!.StartingHashKey!)
  const end = BigInt(shard.HashKeyRange!.EndingHashKey!)
  await client.send(
    new SplitShardCommand({
      StreamName: streamName,
      ShardToSplit: shard.ShardId!,
      NewStartingHashKey: String((start + end) / 2n),
    }),
  )
  await waitActive(client, streamName)
}

/** Merges two adjacent open shards, and waits for the stream to be ACTIVE. */
export async function mergeShards(client: KinesisClient, streamName: string, index = 0): Promise<void> {
  const shards = await openShards(client, streamName)
  await client.send(
    new MergeShardsCommand({
      StreamName: streamName,
      ShardToMerge: shards[index]!.ShardId!,
      AdjacentShardToMerge: shards[index + 1]!.ShardId!,
    }),
  )
  await waitActive(client, streamName)
}
