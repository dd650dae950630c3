import { latestVersions } from '../event/merge.js'
import type { MatchEvent } from '../event/schema.js'
import type { SimProvider, SimRequest } from './scenarios.js'

/** An `emit` for `Source.start` that keeps every batch, as a sink would receive them. */
export interface EmitRecorder {
  emit(batch: MatchEvent[]): Promise<void>
  readonly batches: MatchEvent[][]
  /** Every event received, in order (versions included). */
  readonly events: MatchEvent[]
  /** The stream after the merge rule: the latest version of each id. */
  latest(): MatchEvent[]
  /** `(id, version)` pairs received more than once: none from a correct source. */
  duplicates(): string[]
}

export function recordEmits(
  options: { onBatch?: (batch: MatchEvent[]) => void | Promise<void> } = {},
): EmitRecorder {
  const batches: MatchEvent[][] = []
  const events: MatchEvent[] = []
  return {
    batches,
    events,
    async emit(batch) {
      await options.onBatch?.(batch)
      batches.push(batch)
      events.push(...batch)
    },
    latest: () => latestVersions(events),
    duplicates() {
      const seen = new Set<string>()
      const twice: string[] = []
      for (const e of events) {
        const key = `${e.id}@${e.version}`
        if (seen.has(key)) twice.push(key)
        seen.add(key)
      }
      return twice
    },
  }
}

/**
 * The score a consumer builds from a stream of one match: the latest version of each event, deleted
 * ones dropped, goals for their team and own goals for the other, shoot-out kicks not counted.
 */
export function streamScore(events: readonly MatchEvent[]): { home: number; away: number } {
  const score = { home: 0, away: 0 }
  for (const e of latestVersions(events)) {
    if (e.deleted || e.type !== 'shot' || e.period === 5 || !e.team?.side) continue
    if (e.result === 'goal') score[e.team.side]++
    else if (e.result === 'own_goal') score[e.team.side === 'home' ? 'away' : 'home']++
  }
  return score
}

/** The most requests a provider received in any calendar minute, any 60-second window, and any UTC day. */
export function requestPeaks(
  requests: readonly SimRequest[],
  provider?: SimProvider,
): { perMinute: number; perSlidingMinute: number; perDay: number; total: number } {
  const times = requests.filter((r) => !provider || r.provider === provider).map((r) => r.at)
  const max = (keyOf: (t: number) => number) => {
    const counts = new Map<number, number>()
    for (const t of times) counts.set(keyOf(t), (counts.get(keyOf(t)) ?? 0) + 1)
    return Math.max(0, ...counts.values())
  }
  let sliding = 0
  const sorted = [...times].sort((a, b) => a - b)
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 60_000) j++
    sliding = Math.max(sliding, i - j + 1)
  }
  return {
    perMinute: max((t) => Math.floor(t / 60_000)),
    perSlidingMinute: sliding,
    perDay: max((t) => Math.floor(t / 86_400_000)),
    total: times.length,
  }
}
