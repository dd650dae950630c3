import { RecentMap } from '../recent-map.js'

/**
 * Where a webhook handler remembers the deliveries it has already accepted. A shared store (Redis,
 * Postgres) makes replay protection hold across several server instances; the default is per process.
 */
export interface SeenIdStore {
  has(key: string): boolean | Promise<boolean>
  add(key: string, ttlMs: number): void | Promise<void>
}

/**
 * In memory, with a TTL per entry and bounded whatever the traffic: the last `maxEntries` keys added are always
 * remembered (until they expire), and at most twice as many are held. Keys are kept in two generations
 * (`RecentMap`) rather than evicted oldest-first one by one: deleting a Map's first key on every add made each
 * delivery about 2.6 times slower once the store was full (docs/benchmarks.md, the soak).
 */
export function createMemorySeenIdStore(
  options: { maxEntries?: number; now?: () => number } = {},
): SeenIdStore {
  const maxEntries = options.maxEntries ?? 100_000
  const now = options.now ?? Date.now
  const expiries = new RecentMap<string, number>(2 * maxEntries)
  return {
    has(key) {
      const expiresAt = expiries.get(key)
      if (expiresAt === undefined) return false
      if (expiresAt > now()) return true
      expiries.delete(key)
      return false
    },
    add(key, ttlMs) {
      expiries.set(key, now() + ttlMs)
    },
  }
}
