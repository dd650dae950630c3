import type { MatchEvent } from '../event/schema.js'

/**
 * Remembers the highest version seen of each event id, per match, with bounded memory: at most
 * `maxIdsPerMatch` ids per match and `maxMatches` matches, least recently used evicted first. A live match
 * is long; memory must not grow with it. An evicted id can come through again — harmless, since every
 * sink is idempotent on (id, version); the dedupe only saves work.
 */
export class VersionDeduper {
  private readonly matches = new Map<string, Map<string, number>>()

  constructor(
    private readonly maxIdsPerMatch: number,
    private readonly maxMatches: number,
  ) {}

  /** Splits a batch into what is new (or a higher version) and what is a duplicate or stale, and records the new. */
  admit(batch: readonly MatchEvent[]): { fresh: MatchEvent[]; duplicates: MatchEvent[] } {
    const fresh: MatchEvent[] = []
    const duplicates: MatchEvent[] = []
    let matchId: string | undefined
    let seen = new Map<string, number>()
    for (const event of batch) {
      if (event.matchId !== matchId) {
        matchId = event.matchId // batches are mostly one match: look its map up once
        seen = this.seenFor(matchId)
      }
      const version = seen.get(event.id)
      if (version !== undefined && version >= event.version) {
        duplicates.push(event)
        continue
      }
      if (version !== undefined) seen.delete(event.id) // re-insert: Map order is the LRU order
      seen.set(event.id, event.version)
      if (seen.size > this.maxIdsPerMatch) seen.delete(seen.keys().next().value as string)
      fresh.push(event)
    }
    return { fresh, duplicates }
  }

  /** Forgets events that were not delivered, so that the source's redelivery goes through. */
  forget(events: readonly MatchEvent[]): void {
    for (const event of events) {
      const seen = this.matches.get(event.matchId)
      if (seen?.get(event.id) === event.version) seen.delete(event.id)
    }
  }

  get size(): { matches: number; ids: number } {
    let ids = 0
    for (const seen of this.matches.values()) ids += seen.size
    return { matches: this.matches.size, ids }
  }

  private seenFor(matchId: string): Map<string, number> {
    let seen = this.matches.get(matchId)
    if (seen) {
      this.matches.delete(matchId)
    } else {
      seen = new Map()
      if (this.matches.size >= this.maxMatches)
        this.matches.delete(this.matches.keys().next().value as string)
    }
    this.matches.set(matchId, seen)
    return seen
  }
}
