import { PERIOD_START_MINUTE } from '../event/clock.js'
import type { Card, Side } from '../event/enums.js'
import { latestVersions } from '../event/merge.js'
import type { MatchEvent } from '../event/schema.js'
import { feedRecords, stateAt } from './feed-records.js'
import type { MatchTimeline, Period } from './timeline.js'

/**
 * What a consumer of any provider ends up with, in one comparable shape: the score, the goals standing, the
 * cards and the substitutions, in match order, each timed as the TV shows it (`23'`, `45+2'`). Player ids
 * and event ids differ between providers; this does not.
 */
export interface MatchSummary {
  score: { home: number; away: number }
  /** `side`: the scorer's side (the defender's, for an own goal: it counts for the other side). */
  goals: { side: Side; time: string; ownGoal: boolean }[]
  cards: { side: Side; card: Card; time: string }[]
  substitutions: { side: Side; time: string }[]
}

const PERIOD_LENGTH: Record<Period, number> = { 1: 45, 2: 45, 3: 15, 4: 15, 5: 0 }

/** The TV time of a moment of a period: the minute it falls in (23' is 22:00 to 22:59), added time as `45+2'`. */
export function tvTime(period: Period, periodTimeSeconds: number): string {
  const elapsed = Math.max(1, Math.ceil(periodTimeSeconds / 60))
  const start = PERIOD_START_MINUTE[period]
  const length = PERIOD_LENGTH[period]
  if (period < 5 && elapsed > length) return `${start + length}+${elapsed - length}'`
  return `${start + elapsed}'`
}

interface Timed {
  period: Period
  periodTime: number
  side: Side
}

/** Collects goals, cards and substitutions in any order; `summary()` puts them in match order. */
function collector() {
  const score = { home: 0, away: 0 }
  const goals: (Timed & { ownGoal: boolean })[] = []
  const cards: (Timed & { card: Card })[] = []
  const substitutions: Timed[] = []
  const ordered = <T extends Timed>(list: T[]) =>
    list
      .sort((a, b) => a.period - b.period || a.periodTime - b.periodTime || a.side.localeCompare(b.side))
      .map(({ period, periodTime, ...rest }) => ({ ...rest, time: tvTime(period, periodTime) }))
  return {
    goal(at: Timed, ownGoal: boolean) {
      score[ownGoal ? (at.side === 'home' ? 'away' : 'home') : at.side]++
      goals.push({ ...at, ownGoal })
    },
    card: (at: Timed, card: Card) => cards.push({ ...at, card }),
    substitution: (at: Timed) => substitutions.push(at),
    summary: (): MatchSummary => ({
      score,
      goals: ordered(goals),
      cards: ordered(cards),
      substitutions: ordered(substitutions),
    }),
  }
}

/**
 * The summary a consumer builds from a stream of one match: the latest version of each event, deleted ones
 * dropped; goals and own goals as `streamScore` counts them, shoot-out kicks left out; every event with a
 * `card` (a StatsBomb foul with its card too); every `substitution`.
 */
export function streamSummary(events: readonly MatchEvent[]): MatchSummary {
  const out = collector()
  for (const e of latestVersions(events)) {
    const side = e.team?.side
    if (e.deleted || !side || e.period === 5) continue
    const at = { period: e.period, periodTime: e.periodTime, side }
    if (e.type === 'shot' && (e.result === 'goal' || e.result === 'own_goal'))
      out.goal(at, e.result === 'own_goal')
    if (e.card) out.card(at, e.card)
    if (e.type === 'substitution') out.substitution(at)
  }
  return out.summary()
}

/** The simulated match's own summary, once every feed has settled. */
export function timelineSummary(timeline: MatchTimeline): MatchSummary {
  const { list, settledAt } = feedRecords(timeline)
  const out = collector()
  for (const r of list) {
    const i = r.incident
    if (!i || i.kind === 'shootout' || stateAt(r, settledAt) === 'withdrawn') continue
    const at = {
      period: r.period,
      periodTime: Math.floor((r.at - timeline.periodStart(r.period)) / 1000),
      side: i.side,
    }
    if (i.kind === 'goal') out.goal(at, i.detail === 'own')
    else if (i.kind === 'card') out.card(at, i.card)
    else if (i.kind === 'sub') out.substitution(at)
  }
  return out.summary()
}
