/**
 * Where a webhook handler remembers the deliveries it has already accepted. A shared store (Redis,
 * Postgres) makes replay protection hold across several server instances; the default is per process.
 */
export interface SeenIdStore {
  has(key: string): boolean | Promise<boolean>
  add(key: string, ttlMs: number): void | Promise<void>
}

/** In-memory LRU with a TTL per entry: bounded memory whatever the traffic. */
export function createMemorySeenIdStore(
  options: { maxEntries?: number; now?: () => number } = {},
): SeenIdStore {
  const maxEntries = options.maxEntries ?? 100_000
  const now = options.now ?? Date.now
  const expiries = new Map<string, number>()
  return {
    has(key) {
      const expiresAt = expiries.get(key)
      if (expiresAt === undefined) return false
      if (expiresAt > now()) return true
      expiries.delete(key)
      return false
    },
    add(key, ttlMs) {
      expiries.delete(key) // re-insert: Map order is the LRU order
      expiries.set(key, now() + ttlMs)
      if (expiries.size > maxEntries) expiries.delete(expiries.keys().next().value as string)
    },
  }
}
