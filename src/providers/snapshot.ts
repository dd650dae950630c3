// The one snapshot differ. Providers that send whole snapshots of a match (an Opta push, a poll of
// StatsBomb, Stats Perform, API-Football or Football-Data) hand on only what changed since the snapshot
// before: new events, changed ones, and events that vanished, withdrawn as `deleted: true`. Every caller
// diffs with `diffSnapshot` and its one equality rule (`sameEvent`); what differs between callers is only
// the version each change gets, and which events may never be withdrawn.
import { latestVersions } from '../event/merge.js'
import type { MatchEvent } from '../event/schema.js'

/** A change between two snapshots, before it is versioned. */
export interface SnapshotChange {
  kind: 'new' | 'changed' | 'withdrawn'
  /** The event as it is now (for `withdrawn`: as it was, marked deleted and without a score). */
  event: MatchEvent
  /** The event as the previous snapshot had it (absent for `new`). */
  before?: MatchEvent
}

export interface DiffRules {
  /** Events that a later snapshot may not withdraw: missing from it, they stand. Default: none. */
  neverWithdrawn?(event: MatchEvent): boolean
  /**
   * Events compared by id alone: while both stand they are the same, whatever their content (an event
   * keyed by its position, re-derived at another time, has not been corrected). Default: none.
   */
  byIdOnly?(event: MatchEvent): boolean
}

export interface DiffOptions extends DiffRules {
  /** The version a change goes out with: the provider's own, the time seen, the last delivered + 1, … */
  version(change: SnapshotChange): number
}

/**
 * What changed from `previous` (the last version of each event id seen or delivered) to `snapshot` (a whole
 * snapshot: one event per id), each change versioned by `options.version`, in `seq` order. New and
 * changed events go out as the snapshot has them; an event missing from the snapshot is withdrawn (unless
 * `neverWithdrawn`), once: an event already withdrawn stays so without a word.
 */
export function diffSnapshot(
  previous: ReadonlyMap<string, MatchEvent> | undefined,
  snapshot: readonly MatchEvent[],
  options: DiffOptions,
): MatchEvent[] {
  const out: MatchEvent[] = []
  const emit = (change: SnapshotChange) => out.push({ ...change.event, version: options.version(change) })
  const present = new Set<string>()
  for (const event of snapshot) {
    present.add(event.id)
    const before = previous?.get(event.id)
    if (!before) emit({ kind: 'new', event })
    else if (!sameEvent(before, event, options)) emit({ kind: 'changed', event, before })
  }
  for (const [id, before] of previous ?? []) {
    if (present.has(id) || before.deleted || options.neverWithdrawn?.(before)) continue
    emit({ kind: 'withdrawn', event: withdrawn(before), before })
  }
  return out.sort((a, b) => a.seq - b.seq)
}

/**
 * The one equality rule: `after` says nothing new about `before` unless one is withdrawn and the other not,
 * or the provider raised the version, or both stand with another content (every field but `version`, keys
 * in any order; not compared for events compared by id alone). A withdrawn event stays withdrawn without a
 * word: a later deletion of it at the same version is nothing new.
 */
function sameEvent(before: MatchEvent, after: MatchEvent, rules: DiffRules = {}): boolean {
  if (before.deleted !== after.deleted || after.version > before.version) return false
  if (after.deleted || rules.byIdOnly?.(after)) return true
  return canonical(before) === canonical(after)
}

/** An event withdrawn: as it was, marked deleted, without a score (it no longer counts). */
function withdrawn(event: MatchEvent): MatchEvent {
  const { score: _score, ...rest } = event
  return { ...rest, deleted: true }
}

export interface SnapshotDiff {
  /** New, changed and vanished (now `deleted: true`) events, to emit. */
  changes: MatchEvent[]
  /** Records the snapshot as the new state: call it only after the changes were accepted downstream. */
  commit(): void
}

/**
 * `diffSnapshot` with its state kept per match (the last `maxMatches` matches), for providers that send
 * whole snapshots. Providers that version their events (Opta, Stats Perform) keep their versions; for the
 * others (StatsBomb) a change is stamped with the time it was observed, so it outranks what a sink already
 * holds, also after a restart of this process.
 */
export function createSnapshotDiffer(options: {
  stampVersions: boolean
  maxMatches?: number
  now?: () => number
}) {
  const maxMatches = options.maxMatches ?? 200
  const now = options.now ?? Date.now
  const matches = new Map<string, Map<string, MatchEvent>>()

  return {
    /** The highest provider version in the match's committed snapshot (0 when none). */
    newestVersion(matchId: string): number {
      let newest = 0
      for (const event of matches.get(matchId)?.values() ?? []) {
        if (!event.deleted && event.version > newest) newest = event.version
      }
      return newest
    },
    diff(matchId: string, snapshot: readonly MatchEvent[]): SnapshotDiff {
      const previous = matches.get(matchId)
      const current = latestVersions(snapshot)
      // Without provider versions, a revision is versioned with the time it was seen; with them, one above.
      const stamp = options.stampVersions ? now() : 0
      const changes = diffSnapshot(previous, current, {
        version: ({ kind, event, before }) => {
          if (!before) return options.stampVersions ? Math.max(event.version, stamp) : event.version
          if (kind === 'changed' && event.version > before.version) return event.version
          return Math.max(before.version + 1, stamp)
        },
      })
      return {
        changes,
        commit() {
          // The state: the snapshot's events as last emitted (unchanged ones as before), and the withdrawn.
          const next = new Map<string, MatchEvent>()
          const emitted = new Map(changes.map((e) => [e.id, e]))
          for (const event of current) next.set(event.id, emitted.get(event.id) ?? previous!.get(event.id)!)
          for (const event of changes) if (!next.has(event.id)) next.set(event.id, event)
          matches.delete(matchId)
          matches.set(matchId, next)
          if (matches.size > maxMatches) matches.delete(matches.keys().next().value as string)
        },
      }
    },
  }
}

// Each event's canonical text is computed once: events in a committed state are compared on every snapshot.
const canonicalText = new WeakMap<MatchEvent, string>()

/** The content of an event without its version, with keys in a fixed order at every level. */
function canonical(event: MatchEvent): string {
  let text = canonicalText.get(event)
  if (text === undefined) {
    const { version: _version, ...rest } = event
    text = JSON.stringify(sorted(rest))
    canonicalText.set(event, text)
  }
  return text
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sorted((value as Record<string, unknown>)[key])
  return out
}
