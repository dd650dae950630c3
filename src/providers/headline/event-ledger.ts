import type { MatchEvent } from '../../event/schema.js'
import { isKeyedByPosition, isStatusEvent } from './headline.js'

/**
 * What a poller has delivered, per event id: the base of its diffs and versions. A poll's events are
 * compared with it — new ids go out at version 0, changed content at the last delivered version + 1,
 * ids gone from a snapshot as `deleted: true` at + 1 — and only what `emit` accepted is committed, so a
 * failed delivery is diffed (and sent) again by the next poll. Replaying a snapshot changes nothing.
 */
export class EventLedger {
  readonly #byId = new Map<string, MatchEvent>()
  readonly #byMatch = new Map<string, Set<string>>()

  get size(): number {
    return this.#byId.size
  }

  get(id: string): MatchEvent | undefined {
    return this.#byId.get(id)
  }

  /** Every delivered event (latest version of each id) of a match, in seq order. */
  events(matchId: string): MatchEvent[] {
    const ids = this.#byMatch.get(matchId) ?? new Set()
    return [...ids].map((id) => this.#byId.get(id)!).sort((a, b) => a.seq - b.seq)
  }

  /**
   * A full snapshot of one match → what to deliver: new and changed events, and delivered events missing
   * from it as deletions (except status events: a resumed match was still suspended).
   */
  diffSnapshot(matchId: string, snapshot: readonly MatchEvent[]): MatchEvent[] {
    const out = this.diffDelta(snapshot)
    const present = new Set(snapshot.map((e) => e.id))
    for (const id of this.#byMatch.get(matchId) ?? []) {
      if (present.has(id)) continue
      const old = this.#byId.get(id)!
      if (old.deleted || isStatusEvent(old)) continue
      const { score: _score, ...rest } = old
      out.push({ ...rest, deleted: true, version: old.version + 1 })
    }
    return out.sort((a, b) => a.seq - b.seq)
  }

  /** Events already judged new, changed or deleted (a parser's diff) → versions that supersede, no-ops dropped. */
  diffDelta(events: readonly MatchEvent[]): MatchEvent[] {
    const out: MatchEvent[] = []
    for (const event of events) {
      const old = this.#byId.get(event.id)
      if (!old) {
        // A deletion of something never delivered still tells consumers (a goal scored and withdrawn between polls).
        out.push({ ...event, version: event.deleted ? 1 : 0 })
        continue
      }
      if (event.deleted) {
        // Withdrawn: what consumers saw, marked deleted (without a score: it no longer counts).
        if (old.deleted) continue
        const { score: _score, ...rest } = old
        out.push({ ...rest, deleted: true, version: old.version + 1 })
        continue
      }
      const same = isKeyedByPosition(event) ? !old.deleted : canonical(old) === canonical(event)
      if (!same) out.push({ ...event, version: old.version + 1 })
    }
    return out.sort((a, b) => a.seq - b.seq)
  }

  /** Records a batch `emit` accepted. */
  commit(batch: readonly MatchEvent[]): void {
    for (const event of batch) {
      const old = this.#byId.get(event.id)
      if (old && old.version >= event.version) continue
      this.#byId.set(event.id, event)
      let ids = this.#byMatch.get(event.matchId)
      if (!ids) {
        ids = new Set()
        this.#byMatch.set(event.matchId, ids)
      }
      ids.add(event.id)
    }
  }
}

/** The content of an event without its version, with keys in a fixed order at every level. */
function canonical(event: MatchEvent): string {
  const { version: _version, ...rest } = event
  return JSON.stringify(sorted(rest))
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sorted((value as Record<string, unknown>)[key])
  return out
}
