/**
 * One lease per shard, shared by every worker of a consumer group. Expiry is judged on the STORE's clock
 * (Postgres `now()`, Redis `TIME`), never a worker's. `epoch` is the fencing counter: bumped on every change of
 * owner; every renewal, checkpoint and release is conditional on (owner, epoch), so a worker that lost its
 * lease — a zombie back from a pause — cannot move a checkpoint.
 */
export interface Lease {
  key: string
  /** The worker holding it; null when free. */
  owner: string | null
  epoch: number
  /** The last sequence number handled, `SHARD_END` once the shard was read to its end, null before any. */
  checkpoint: string | null
  /** Free to take: no owner, or its expiry passed (on the store's clock). */
  expired: boolean
  /** A worker that asked the owner to hand the lease over (balancing); null when nobody asked. */
  handoffTo: string | null
}

export interface LeaseStore {
  /** Creates the leases that do not exist yet: free, without a checkpoint. */
  create(keys: readonly string[]): Promise<void>
  /** Every lease whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<Lease[]>
  /**
   * Takes a lease still at `epoch` that is free (no owner, or expired) — or, with `force`, even held: the
   * fallback of a hand-off its owner did not make. The new epoch is returned; undefined when it was not taken.
   */
  acquire(
    key: string,
    owner: string,
    epoch: number,
    durationMs: number,
    options?: { force?: boolean },
  ): Promise<Lease | undefined>
  /** Extends a lease held as (owner, epoch) by `durationMs` from now; undefined when it is no longer held so. */
  renew(key: string, owner: string, epoch: number, durationMs: number): Promise<Lease | undefined>
  /** Writes the checkpoint of a lease held as (owner, epoch); false when it is no longer held so. */
  checkpoint(key: string, owner: string, epoch: number, checkpoint: string): Promise<boolean>
  /** Gives up a lease held as (owner, epoch): freed, or handed straight to `to` (a new epoch, a fresh expiry). */
  release(
    key: string,
    owner: string,
    epoch: number,
    to?: { owner: string; durationMs: number },
  ): Promise<boolean>
  /** Asks the holder of a lease (still at `epoch`) to hand it to `requester`; false when it changed meanwhile. */
  requestHandoff(key: string, epoch: number, requester: string): Promise<boolean>
  /** Closes what the store opened itself. */
  close?(): Promise<void>
}

/** The checkpoint of a shard read to its end: its children may start. */
export const SHARD_END = 'SHARD_END'

interface MemoryLease {
  owner: string | null
  epoch: number
  expiresAt: number
  checkpoint: string | null
  handoffTo: string | null
}

/**
 * Leases in this process's memory, on an injectable clock: for tests and single-process use. Workers in
 * other processes need `postgresLeaseStore` or `redisLeaseStore`.
 */
export function memoryLeaseStore(options: { now?: () => number } = {}): LeaseStore {
  const now = options.now ?? Date.now
  const leases = new Map<string, MemoryLease>()
  const view = (key: string, l: MemoryLease): Lease => ({
    key,
    owner: l.owner,
    epoch: l.epoch,
    checkpoint: l.checkpoint,
    expired: l.owner === null || l.expiresAt <= now(),
    handoffTo: l.handoffTo,
  })
  const held = (key: string, owner: string, epoch: number) => {
    const l = leases.get(key)
    return l && l.owner === owner && l.epoch === epoch ? l : undefined
  }
  return {
    async create(keys) {
      for (const key of keys) {
        if (!leases.has(key))
          leases.set(key, { owner: null, epoch: 0, expiresAt: 0, checkpoint: null, handoffTo: null })
      }
    },
    async list(prefix) {
      return [...leases]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, l]) => view(key, l))
    },
    async acquire(key, owner, epoch, durationMs, { force = false } = {}) {
      const l = leases.get(key)
      if (!l || l.epoch !== epoch) return undefined
      if (!force && l.owner !== null && l.expiresAt > now()) return undefined
      Object.assign(l, { owner, epoch: epoch + 1, expiresAt: now() + durationMs, handoffTo: null })
      return view(key, l)
    },
    async renew(key, owner, epoch, durationMs) {
      const l = held(key, owner, epoch)
      if (!l) return undefined
      l.expiresAt = now() + durationMs
      return view(key, l)
    },
    async checkpoint(key, owner, epoch, checkpoint) {
      const l = held(key, owner, epoch)
      if (l) l.checkpoint = checkpoint
      return l !== undefined
    },
    async release(key, owner, epoch, to) {
      const l = held(key, owner, epoch)
      if (!l) return false
      Object.assign(l, {
        owner: to?.owner ?? null,
        epoch: epoch + 1,
        expiresAt: to ? now() + to.durationMs : 0,
        handoffTo: null,
      })
      return true
    },
    async requestHandoff(key, epoch, requester) {
      const l = leases.get(key)
      if (!l || l.epoch !== epoch || l.owner === null) return false
      l.handoffTo = requester
      return true
    },
  }
}
