import type { MatchEvent } from '../event/schema.js'
import { Histogram } from './histogram.js'
import type { PipelineMetrics } from './pipeline.js'

export interface SourceState {
  events: number
  batches: number
  invalid: number
  lastEventAt: number | undefined
  ingestLag: Histogram
  /** Matches this source has sent events of and not yet ended: what makes a quiet source `stale`. */
  liveMatches: Set<string>
  /** Why the source's `start` failed, if it did: the source is `down`. */
  error: unknown
}

/**
 * What the pipeline knows of its sources and matches: counters per source, its live matches, and the last
 * event time per match. Per-match memory is bounded by `maxTrackedMatches`, least recently active out first.
 */
export class SourceTracker {
  readonly sources = new Map<string, SourceState>()
  private readonly lastByMatch = new Map<string, number>()

  constructor(private readonly maxTrackedMatches: number) {}

  /** The source's state, created on its first batch (or start). */
  source(name: string): SourceState {
    let s = this.sources.get(name)
    if (!s) {
      s = {
        events: 0,
        batches: 0,
        invalid: 0,
        lastEventAt: undefined,
        ingestLag: new Histogram(),
        liveMatches: new Set(),
        error: undefined,
      }
      this.sources.set(name, s)
    }
    return s
  }

  /** Counts a batch that failed validation. */
  rejected(source: SourceState, input: readonly MatchEvent[]): void {
    source.invalid += Array.isArray(input) ? input.length : 0
  }

  /** Counts a valid batch received at `at`, and follows its matches. */
  accepted(source: SourceState, batch: readonly MatchEvent[], at: number): void {
    source.batches++
    source.events += batch.length
    if (batch.length > 0) source.lastEventAt = at
    let previous: MatchEvent | undefined
    for (const event of batch) {
      if (event.timestamp) source.ingestLag.observe((at - Date.parse(event.timestamp)) / 1000)
      // Batches are mostly one match: follow it once per run of its events, and at every period end.
      if (event.matchId !== previous?.matchId || event.type === 'period_end')
        this.trackMatch(source, event, at)
      previous = event
    }
  }

  metrics(): Pick<PipelineMetrics, 'sources' | 'matches'> {
    const sources: PipelineMetrics['sources'] = {}
    for (const [name, s] of this.sources) {
      sources[name] = {
        events: s.events,
        batches: s.batches,
        invalid: s.invalid,
        lastEventAt: s.lastEventAt,
        ingestLag: s.ingestLag.snapshot(),
      }
    }
    return { sources, matches: Object.fromEntries(this.lastByMatch) }
  }

  /** Per source whose `start` failed, the error's message. */
  errors(): Record<string, string> {
    const errors: Record<string, string> = {}
    for (const [name, s] of this.sources) if (s.error !== undefined) errors[name] = errorMessage(s.error)
    return errors
  }

  private trackMatch(source: SourceState, event: MatchEvent, at: number): void {
    const max = this.maxTrackedMatches
    this.lastByMatch.delete(event.matchId)
    this.lastByMatch.set(event.matchId, at)
    if (this.lastByMatch.size > max) this.lastByMatch.delete(this.lastByMatch.keys().next().value as string)
    // A match is over after the end of the second half, of extra time, or of the shoot-out (a later
    // event brings it back, e.g. when extra time follows).
    const ended =
      event.type === 'period_end' && (event.period === 2 || event.period === 4 || event.period === 5)
    source.liveMatches.delete(event.matchId)
    if (ended) return
    source.liveMatches.add(event.matchId)
    // Bounded like everything per match: a match that never reported its end falls out eventually.
    if (source.liveMatches.size > max) {
      source.liveMatches.delete(source.liveMatches.values().next().value as string)
    }
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
