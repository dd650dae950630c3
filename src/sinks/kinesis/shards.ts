import type { KinesisClientLike, KinesisModule, StreamTarget } from './client.js'
import { sendCommand } from './client.js'
import { kinesisError } from './kinesis-error.js'
import { type Lease, SHARD_END } from './lease-store.js'

export interface ShardInfo {
  shardId: string
  /** The shards it came from: one after a split, two after a merge, none for an original shard. */
  parents: string[]
}

interface ListShardsOutput {
  Shards?: { ShardId?: string; ParentShardId?: string; AdjacentParentShardId?: string }[]
  NextToken?: string
}

/**
 * Every shard of the stream, open and closed, with its parents — through ListShards, page by page (GetRecords'
 * `ChildShards` is not relied on: kinesalite never returns it).
 */
export async function listShards(
  client: KinesisClientLike,
  sdk: KinesisModule,
  target: StreamTarget,
  sink: string,
): Promise<ShardInfo[]> {
  const shards: ShardInfo[] = []
  let next: string | undefined
  do {
    let page: ListShardsOutput
    try {
      page = await sendCommand<ListShardsOutput>(
        client,
        sdk.ListShardsCommand,
        next ? { NextToken: next } : target,
      )
    } catch (error) {
      throw kinesisError('ListShards', error, sink)
    }
    for (const s of page.Shards ?? []) {
      if (!s.ShardId) continue
      shards.push({
        shardId: s.ShardId,
        parents: [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => Boolean(p)),
      })
    }
    next = page.NextToken
  } while (next)
  return shards
}

/**
 * The shards a worker may read now: not finished, and every parent still listed finished (`SHARD_END`
 * checkpointed) — so a match's records in a parent are all handled before any in its children. A parent
 * no longer listed was trimmed away with its records.
 */
export function readableShards(
  shards: readonly ShardInfo[],
  leaseOf: (shardId: string) => Lease | undefined,
): ShardInfo[] {
  const listed = new Set(shards.map((s) => s.shardId))
  return shards.filter((shard) => {
    if (leaseOf(shard.shardId)?.checkpoint === SHARD_END) return false
    return shard.parents.every((p) => !listed.has(p) || leaseOf(p)?.checkpoint === SHARD_END)
  })
}
