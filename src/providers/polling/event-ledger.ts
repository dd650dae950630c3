import type { MatchEvent } from '../../event/schema.js'
import { type DiffRules, diffSnapshot } from '../snapshot.js'

/**
 * What a poller has delivered, per event id: the base of its diffs and versions. A poll's snapshot is
 * diffed against it with the one snapshot differ — new ids go out at version 0 (a deletion never delivered
 * at 1: it still tells consumers, a goal scored and withdrawn between polls), changed content at the last
 * delivered version + 1, ids gone from a snapshot as `deleted: true` at + 1 — and only what `emit`
 * accepted is committed, so a failed delivery is diffed (and sent) again by the next poll. Replaying a
 * snapshot changes nothing. `rules` says which events may never be withdrawn and which compare by id alone.
 */
export class EventLedger {
  readonly #byId = new Map<string, MatchEvent>()
  readonly #byMatch = new Map<string, Map<string, MatchEvent>>()
  readonly #rules: DiffRules

  constructor(rules: DiffRules = {}) {
    this.#rules = rules
  }

  get size(): number {
    return this.#byId.size
  }

  get(id: string): MatchEvent | undefined {
    return this.#byId.get(id)
  }

  /** Every delivered event (latest version of each id) of a match, in seq order. */
  events(matchId: string): MatchEvent[] {
    return [...(this.#byMatch.get(matchId)?.values() ?? [])].sort((a, b) => a.seq - b.seq)
  }

  /** A full snapshot of one match → what to deliver: new, changed and withdrawn events, versioned. */
  diffSnapshot(matchId: string, snapshot: readonly MatchEvent[]): MatchEvent[] {
    return diffSnapshot(this.#byMatch.get(matchId), snapshot, {
      ...this.#rules,
      version: ({ event, before }) => (before ? before.version + 1 : event.deleted ? 1 : 0),
    })
  }

  /** Records a batch `emit` accepted. */
  commit(batch: readonly MatchEvent[]): void {
    for (const event of batch) {
      const old = this.#byId.get(event.id)
      if (old && old.version >= event.version) continue
      this.#byId.set(event.id, event)
      let events = this.#byMatch.get(event.matchId)
      if (!events) {
        events = new Map()
        this.#byMatch.set(event.matchId, events)
      }
      events.set(event.id, event)
    }
  }
}
