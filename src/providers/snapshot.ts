import { latestVersions } from '../event/merge.js'
import type { MatchEvent } from '../event/schema.js'
import type { Source } from '../pipeline/contracts.js'

interface Seen {
  event: MatchEvent
  fingerprint: string
}

export interface SnapshotDiff {
  /** New, changed and vanished (now `deleted: true`) events, to emit. */
  changes: MatchEvent[]
  /** Records the snapshot as the new state: call it only after the changes were accepted downstream. */
  commit(): void
}

/**
 * Turns whole snapshots of a match (a poll, an Opta push) into what changed since the previous one: new
 * events, changed ones, and events that vanished — emitted as `deleted: true`. Providers that version their
 * events (Opta, Stats Perform) keep their versions; for the others (StatsBomb) a change is stamped with the
 * time it was observed, so it outranks what a sink already holds, also after a restart of this process.
 */
export function createSnapshotDiffer(options: {
  stampVersions: boolean
  maxMatches?: number
  now?: () => number
}) {
  const maxMatches = options.maxMatches ?? 200
  const now = options.now ?? Date.now
  const matches = new Map<string, Map<string, Seen>>()

  return {
    /** The highest provider version in the match's committed snapshot (0 when none). */
    newestVersion(matchId: string): number {
      let newest = 0
      for (const seen of matches.get(matchId)?.values() ?? []) {
        if (!seen.event.deleted && seen.event.version > newest) newest = seen.event.version
      }
      return newest
    },
    diff(matchId: string, snapshot: readonly MatchEvent[]): SnapshotDiff {
      const previous = matches.get(matchId)
      const next = new Map<string, Seen>()
      const changes: MatchEvent[] = []
      // Without provider versions, a revision is versioned with the time it was seen; with them, one above.
      const stamp = options.stampVersions ? now() : 0
      for (const event of latestVersions(snapshot)) {
        const { version: _, ...content } = event
        const fingerprint = JSON.stringify(content)
        const before = previous?.get(event.id)
        let current = event
        if (!before) {
          if (options.stampVersions) current = { ...event, version: Math.max(event.version, stamp) }
          changes.push(current)
        } else if (event.version > before.event.version) {
          changes.push(current)
        } else if (fingerprint !== before.fingerprint || (before.event.deleted && !event.deleted)) {
          // Changed, or back after it vanished (it was withdrawn downstream: restore it at a higher version).
          current = { ...event, version: Math.max(before.event.version + 1, stamp) }
          changes.push(current)
        } else {
          current = before.event
        }
        next.set(event.id, { event: current, fingerprint })
      }
      for (const [id, before] of previous ?? []) {
        if (next.has(id)) continue
        if (before.event.deleted) continue // already withdrawn: nothing new to say
        const withdrawn = {
          ...before.event,
          deleted: true,
          version: Math.max(before.event.version + 1, stamp),
        }
        changes.push(withdrawn)
        next.set(id, { event: withdrawn, fingerprint: before.fingerprint })
      }
      changes.sort((a, b) => a.seq - b.seq)
      return {
        changes,
        commit() {
          matches.delete(matchId)
          matches.set(matchId, next)
          if (matches.size > maxMatches) matches.delete(matches.keys().next().value as string)
        },
      }
    },
  }
}

export interface PollingSourceOptions {
  name: string
  matchId: string
  /** Fetches and parses one whole snapshot of the match. */
  poll(signal: AbortSignal): Promise<MatchEvent[]>
  intervalMs: number
  stampVersions: boolean
  /** Stop after this snapshot (the match is over). Default: poll until the pipeline stops. */
  isFinal?(snapshot: readonly MatchEvent[]): boolean
  onError?(error: unknown): void
}

/**
 * A Source that polls a whole-match endpoint and emits only what changed. Its state moves on only after
 * `emit` resolved; a failed poll or a rejected emit is retried at the next interval.
 */
export function createPollingSource(options: PollingSourceOptions): Source & { polls(): number } {
  const differ = createSnapshotDiffer({ stampVersions: options.stampVersions, maxMatches: 1 })
  let polls = 0
  return {
    name: options.name,
    polls: () => polls,
    async start(emit, signal) {
      while (!signal.aborted) {
        let final = false
        try {
          polls++
          const snapshot = await options.poll(signal)
          const diff = differ.diff(options.matchId, snapshot)
          if (diff.changes.length > 0) await emit(diff.changes)
          diff.commit()
          final = options.isFinal?.(snapshot) ?? false
        } catch (error) {
          if (signal.aborted) return
          options.onError?.(error)
        }
        if (final) return
        await sleep(options.intervalMs, signal)
      }
    },
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
