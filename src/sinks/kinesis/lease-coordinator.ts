import { MatchfeedError } from '../../errors.js'
import { delay, ignoreAbort } from '../../time.js'
import type { ConsumerState, HeldShard } from './consumer-state.js'
import { bounded } from './deadline.js'
import type { Lease } from './lease-store.js'
import { readShard } from './shard-reader.js'
import { listShards, readableShards } from './shards.js'

/**
 * The worker's lease loop, every third of the lease duration: renew what it holds (and notice hand-off
 * requests), look for shards, take free or expired leases up to its fair share, and ask the busiest worker
 * for one when below it (forcing the take after a lease duration without an answer).
 */
export async function coordinate(c: ConsumerState): Promise<void> {
  while (c.running) {
    await renewAll(c)
    if (!c.running) break
    try {
      await bounded(takeLeases(c), c.settings.leaseDurationMs, 'take leases')
    } catch (error) {
      c.report(error)
    }
    await pause(c, c.settings.renewEveryMs)
  }
}

async function renewAll(c: ConsumerState): Promise<void> {
  const { leaseStore: store } = c.settings.options
  const { workerId, leaseDurationMs, renewEveryMs } = c.settings
  await Promise.all(
    [...c.held.values()].map(async (shard) => {
      if (shard.lost.signal.aborted) return
      const startedAt = Date.now()
      let lease: Lease | undefined
      try {
        lease = await bounded(
          store.renew(shard.key, workerId, shard.epoch, leaseDurationMs),
          renewEveryMs,
          'renew',
        )
      } catch (error) {
        c.report(error)
        // The store is away: stop before the lease could expire, while no other worker can have it yet.
        if (Date.now() + renewEveryMs >= shard.validUntil)
          lose(c, shard, 'the lease store did not answer in time')
        return
      }
      if (!lease) return lose(c, shard, 'taken by another worker')
      shard.validUntil = startedAt + leaseDurationMs
      if (lease.handoffTo && lease.handoffTo !== workerId && !shard.finish.signal.aborted) {
        shard.handTo = lease.handoffTo
        shard.finish.abort(
          new MatchfeedError(`${shard.shardId} handed to ${lease.handoffTo}`, { code: 'hand_off' }),
        )
      }
    }),
  )
}

function lose(c: ConsumerState, shard: HeldShard, why: string): void {
  if (shard.lost.signal.aborted) return
  c.stats.leasesLost++
  shard.lost.abort(new MatchfeedError(`lease of ${shard.shardId} lost: ${why}`, { code: 'lease_lost' }))
}

async function takeLeases(c: ConsumerState): Promise<void> {
  const { leaseStore: store } = c.settings.options
  const { workerId, leaseDurationMs, shardSyncEveryMs } = c.settings
  const now = Date.now()
  if (c.shards.length === 0 || now - c.lastShardSync >= shardSyncEveryMs) {
    c.shards = await listShards(c.client, c.sdk, c.target, 'kinesis')
    await store.create(c.shards.map((s) => c.key(s.shardId)))
    c.lastShardSync = now
  }
  const leases = new Map((await store.list(c.prefix)).map((l) => [l.key, l]))
  const leaseOf = (shardId: string) => leases.get(c.key(shardId))
  const readable = readableShards(c.shards, leaseOf)
    .map((s) => leaseOf(s.shardId))
    .filter((l): l is Lease => l !== undefined)

  // Fair share: the readable leases over the live workers (those holding one, and this one).
  const live = readable.filter((l) => l.owner !== null && !l.expired)
  const workers = new Set([workerId, ...live.map((l) => l.owner!)])
  const target = Math.ceil(readable.length / workers.size)
  const mine = () => [...c.held.values()].filter((s) => !s.finish.signal.aborted).length

  for (const lease of live) {
    // Handed to this worker by its previous owner (balancing): adopt it.
    if (lease.owner === workerId && !c.held.has(idOf(c, lease.key))) start(c, lease)
  }
  const free = shuffle(readable.filter((l) => l.expired && !c.held.has(idOf(c, l.key))))
  for (const lease of free) {
    if (mine() >= target || !c.running) break
    const taken = await store.acquire(lease.key, workerId, lease.epoch, leaseDurationMs)
    if (!taken) continue // another worker was quicker
    if (lease.owner !== null && lease.owner !== workerId) c.stats.takeovers++
    start(c, taken)
  }
  await balance(c, live, target, mine())
}

/** Below its fair share with nothing free: ask the busiest worker for leases; force the take after a lease duration. */
async function balance(c: ConsumerState, live: Lease[], target: number, mine: number): Promise<void> {
  const { leaseStore: store } = c.settings.options
  const { workerId, leaseDurationMs } = c.settings
  const byKey = new Map(live.map((l) => [l.key, l]))
  for (const [key, request] of c.requested) {
    const lease = byKey.get(key)
    if (!lease || lease.owner === workerId || lease.epoch !== request.epoch) c.requested.delete(key)
    else if (Date.now() - request.at >= leaseDurationMs && mine < target) {
      c.requested.delete(key)
      // Asked a lease duration ago and still held at the same epoch: its owner is not answering.
      const taken = await store.acquire(key, workerId, lease.epoch, leaseDurationMs, { force: true })
      if (taken) {
        c.stats.takeovers++
        start(c, taken)
        mine++
      }
    }
  }
  const wanted = target - mine - c.requested.size
  if (wanted <= 0) return
  const byOwner = new Map<string, Lease[]>()
  for (const lease of live) {
    if (lease.owner !== workerId) byOwner.set(lease.owner!, [...(byOwner.get(lease.owner!) ?? []), lease])
  }
  const busiest = [...byOwner.values()].sort((a, b) => b.length - a.length)[0] ?? []
  // Counted as already moved: what this worker asked for and has not got yet. Without that, a worker asked
  // again while the first hand-off was under way, took both leases, and two workers passed a pair back and
  // forth for ever (2/2/0 → 2/0/2 → 2/2/0; found with three worker processes).
  const asked = busiest.filter((l) => c.requested.has(l.key)).length
  // Half the difference at most: balancing never leaves the busiest below this worker (4/0/0 → 2/1/1).
  let asks = Math.min(wanted, Math.floor((busiest.length - asked - (mine + c.requested.size)) / 2))
  for (const lease of busiest) {
    if (asks <= 0) break
    if (lease.handoffTo !== null) continue
    if (await store.requestHandoff(lease.key, lease.epoch, workerId)) {
      c.requested.set(lease.key, { epoch: lease.epoch, at: Date.now() })
      asks--
    }
  }
}

/** Starts reading a shard whose lease this worker now holds. */
function start(c: ConsumerState, lease: Lease): void {
  const shardId = idOf(c, lease.key)
  if (!c.running) {
    // Taken by a call that answered after stop() began: given back at once.
    const { workerId, renewEveryMs } = c.settings
    const release = c.settings.options.leaseStore.release(lease.key, workerId, lease.epoch)
    void bounded(release, renewEveryMs, 'release').catch((error: unknown) => c.report(error))
    return
  }
  const shard: HeldShard = {
    shardId,
    key: lease.key,
    epoch: lease.epoch,
    validUntil: Date.now() + c.settings.leaseDurationMs - c.settings.renewEveryMs,
    lost: new AbortController(),
    finish: new AbortController(),
    handTo: undefined,
    reader: undefined,
    lastCheckpointAt: Date.now(),
    millisBehindLatest: 0,
  }
  c.held.set(shardId, shard)
  shard.reader = runShard(c, shard, lease.checkpoint)
}

async function runShard(c: ConsumerState, shard: HeldShard, checkpoint: string | null): Promise<void> {
  try {
    await readShard(c, shard, checkpoint)
  } catch (error) {
    if (!shard.lost.signal.aborted) c.report(error)
  }
  if (!shard.lost.signal.aborted) {
    // Still listed as held until released: the coordinator must not adopt it again meanwhile.
    const { workerId, leaseDurationMs, renewEveryMs } = c.settings
    const to = shard.handTo ? { owner: shard.handTo, durationMs: leaseDurationMs } : undefined
    try {
      const release = c.settings.options.leaseStore.release(shard.key, workerId, shard.epoch, to)
      if ((await bounded(release, renewEveryMs, 'release')) && to) c.stats.handedOff++
    } catch (error) {
      c.report(error) // it expires instead
    }
  }
  if (c.held.get(shard.shardId) === shard) c.held.delete(shard.shardId)
}

function idOf(c: ConsumerState, key: string): string {
  return key.slice(c.prefix.length)
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

/** Waits `ms`, or less when `wake()` is called (stop, a shard's end). */
async function pause(c: ConsumerState, ms: number): Promise<void> {
  const woken = new AbortController()
  c.wake = () => woken.abort()
  await delay(ms, woken.signal).catch(ignoreAbort(woken.signal))
  c.wake = undefined
}
