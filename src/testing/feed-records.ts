import { PERIOD_START_MINUTE } from '../event/clock.js'
import {
  credited,
  type MatchTimeline,
  MINUTE,
  type Period,
  type SimIncident,
  type TimelineEntry,
} from './timeline.js'

/**
 * What the detailed feeds (StatsBomb, Opta / Stats Perform, WebSocket) list, provider-neutral: each
 * period's start and end, and each incident, with when it happens, when the feeds show it, when they
 * complete it (a goal first appears without its details: a revision a minute later) and when they withdraw
 * it (a goal cancelled by VAR). Each renderer draws its provider's items from these, at an instant `at`.
 */
export interface FeedRecord {
  /** Unique within the match and stable: providers build their event ids from it. */
  key: string
  kind: 'period_start' | 'period_end' | 'incident'
  period: Period
  incident?: SimIncident
  /** When it happens. */
  at: number
  /** When the feeds show it. */
  shownAt: number
  /** When the feeds add its details (goals only). */
  completedAt?: number
  /** When the feeds withdraw it. */
  withdrawnAt?: number
  /** Its rank in the match's final order: providers' sequence numbers (index, event_id, seq). */
  order: number
}

/** The feed records of a match, in match order; and when the last of them settles. */
export interface FeedRecords {
  readonly list: readonly FeedRecord[]
  /** When every feed shows the final state: the end, late reports, withdrawals and completions included. */
  readonly settledAt: number
}

const cache = new WeakMap<MatchTimeline, FeedRecords>()
const RANK = { period_start: 0, incident: 1, period_end: 2 } as const

/** The match's feed records (built once per timeline). */
export function feedRecords(timeline: MatchTimeline): FeedRecords {
  let records = cache.get(timeline)
  if (!records) {
    const list = [...periodMarkers(timeline), ...timeline.entries.map(incidentRecord)]
      .sort((a, b) => a.at - b.at || RANK[a.kind] - RANK[b.kind] || a.order - b.order)
      .map((r, order) => ({ ...r, order }))
    const settledAt = Math.max(
      timeline.endsAt + timeline.lagMs,
      ...list.flatMap((r) => [r.shownAt, r.completedAt ?? 0, r.withdrawnAt ?? 0]),
    )
    records = { list, settledAt }
    cache.set(timeline, records)
  }
  return records
}

function periodMarkers(timeline: MatchTimeline): FeedRecord[] {
  const periods: Period[] = [1, 2]
  if (timeline.extraTime) periods.push(3, 4)
  if (timeline.shootout) periods.push(5)
  return periods.flatMap((period) => {
    const start = timeline.periodStart(period)
    const end = timeline.periodEnd(period)
    const lag = timeline.lagMs
    return [
      { key: `start:${period}`, kind: 'period_start', period, at: start, shownAt: start + lag, order: -1 },
      { key: `end:${period}`, kind: 'period_end', period, at: end, shownAt: end + lag, order: 1e9 },
    ] satisfies FeedRecord[]
  })
}

function incidentRecord(entry: TimelineEntry): FeedRecord {
  const record: FeedRecord = {
    key: `incident:${entry.index}`,
    kind: 'incident',
    period: entry.period,
    incident: entry.incident,
    at: entry.at,
    shownAt: entry.visibleAt,
    order: entry.index,
  }
  if (entry.cancelAt !== undefined) record.withdrawnAt = entry.cancelAt
  const completedAt = entry.visibleAt + MINUTE
  if (entry.incident.kind === 'goal' && (entry.cancelAt === undefined || completedAt < entry.cancelAt)) {
    record.completedAt = completedAt
  }
  return record
}

/** How a record stands at `at`: not shown yet, shown (complete or not), or withdrawn. */
export function stateAt(record: FeedRecord, at: number): 'hidden' | 'shown' | 'complete' | 'withdrawn' {
  if (record.shownAt > at) return 'hidden'
  if (record.withdrawnAt !== undefined && record.withdrawnAt <= at) return 'withdrawn'
  return record.completedAt !== undefined && record.completedAt <= at ? 'complete' : 'shown'
}

/** When the record last changed, as seen at `at` (what a provider's `lastModified` / `version` says). */
export function changedAt(record: FeedRecord, at: number): number {
  const state = stateAt(record, at)
  if (state === 'withdrawn') return record.withdrawnAt!
  if (state === 'complete') return record.completedAt!
  return record.shownAt
}

/** Where an instant falls in its period: ms since the period started, the running clock minute and second. */
export interface ClockTime {
  periodMs: number
  /** The match clock as StatsBomb and Opta give it: 46:30 in the first half's added time is minute 46. */
  minute: number
  second: number
}

export function clockTime(timeline: MatchTimeline, period: Period, at: number): ClockTime {
  const periodMs = Math.max(0, at - timeline.periodStart(period))
  return {
    periodMs,
    minute: PERIOD_START_MINUTE[period] + Math.floor(periodMs / MINUTE),
    second: Math.floor(periodMs / 1000) % 60,
  }
}

/** The running score after each goal standing at `at`, keyed by record. */
export function runningScores(
  records: readonly FeedRecord[],
  at: number,
): Map<string, { home: number; away: number }> {
  const score = { home: 0, away: 0 }
  const out = new Map<string, { home: number; away: number }>()
  for (const r of records) {
    const i = r.incident
    if (i?.kind !== 'goal' || r.period === 5) continue
    const state = stateAt(r, at)
    if (state === 'hidden' || state === 'withdrawn') continue
    score[credited(i)]++
    out.set(r.key, { ...score })
  }
  return out
}
