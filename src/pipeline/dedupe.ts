import type { MatchEvent } from '../event/schema.js'
import { RecentMap } from '../recent-map.js'

/**
 * Remembers the highest version seen of each event id, per match, with bounded memory: about the last
 * `maxIdsPerMatch` ids of a match and `maxMatches` matches (between half and all of them, dropped half at a
 * time: RecentMap). A live match is long; memory must not grow with it. An id that was dropped can come through
 * again — harmless, since every sink is idempotent on (id, version); the dedupe only saves work.
 */
export class VersionDeduper {
  private readonly matches: RecentMap<string, RecentMap<string, number>>

  constructor(
    private readonly maxIdsPerMatch: number,
    maxMatches: number,
  ) {
    this.matches = new RecentMap(maxMatches)
  }

  /** Splits a batch into what is new (or a higher version) and what is a duplicate or stale, and records the new. */
  admit(batch: readonly MatchEvent[]): { fresh: MatchEvent[]; duplicates: MatchEvent[] } {
    const fresh: MatchEvent[] = []
    const duplicates: MatchEvent[] = []
    let matchId: string | undefined
    let seen: RecentMap<string, number> | undefined
    for (const event of batch) {
      if (event.matchId !== matchId || seen === undefined) {
        matchId = event.matchId // batches are mostly one match: look its map up once
        seen = this.seenFor(matchId)
      }
      const version = seen.get(event.id)
      if (version !== undefined && version >= event.version) {
        duplicates.push(event)
        continue
      }
      seen.set(event.id, event.version)
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

  private seenFor(matchId: string): RecentMap<string, number> {
    let seen = this.matches.get(matchId)
    if (!seen) seen = new RecentMap(this.maxIdsPerMatch)
    this.matches.set(matchId, seen) // kept young while the match is live
    return seen
  }
}
