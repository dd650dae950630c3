import { PERIOD_START_MINUTE } from '../event/clock.js'
import type { Side } from '../event/enums.js'

export interface SimTeam {
  id: number
  name: string
}

export interface SimPlayer {
  id: number | null
  name: string | null
}

interface Timed {
  /** Match clock minute, as the provider shows it (`elapsed`): 1-45 first half, 46-90 second, … */
  minute: number
  /** Added time: 45+2 is minute 45, extra 2. */
  extra?: number
  /** The provider lists it this many minutes late (inserted before events it already listed). */
  reportedAfterMinutes?: number
  /** An API-Football event item to serve verbatim (replays of a recording). */
  raw?: unknown
}

/**
 * One thing that happens in a simulated match. `side` is the acting player's team; for an own goal, the
 * defender's side (matchfeed's convention): the goal counts for the other side, and the simulated
 * providers list it under the team credited, as API-Football does.
 */
export type SimIncident =
  | (Timed & {
      kind: 'goal'
      side: Side
      player: SimPlayer
      assist?: SimPlayer
      detail?: 'normal' | 'penalty' | 'own'
      /** A VAR reversal: the goal is withdrawn at this clock time (and a `Var`/`Goal cancelled` event appears). */
      cancelledAt?: { minute: number; extra?: number; raw?: unknown }
      /** The provider keeps listing the withdrawn goal (API-Football sometimes does); default: it removes it. */
      listedAfterCancel?: boolean
    })
  | (Timed & { kind: 'missed_penalty'; side: Side; player: SimPlayer })
  | (Timed & {
      kind: 'card'
      card: 'yellow' | 'second_yellow' | 'red'
      side: Side
      player: SimPlayer
      comments?: string
    })
  | (Timed & { kind: 'sub'; side: Side; off: SimPlayer; on: SimPlayer })
  | (Timed & { kind: 'var'; side: Side; player?: SimPlayer; detail: string })
  | { kind: 'shootout'; side: Side; player: SimPlayer; scored: boolean; raw?: unknown }

export type SimGoal = Extract<SimIncident, { kind: 'goal' }>

/** The match as the simulated providers see it at an instant. */
export interface SimState {
  /** API-Football status short code: NS, 1H, HT, 2H, BT, ET, P, FT, AET, PEN. */
  status: string
  elapsed: number | null
  extra: number | null
  /** The match score (shoot-out excluded). */
  score: { home: number; away: number }
  penalties: { home: number; away: number } | null
}

/** 1, 2: the halves; 3, 4: extra time; 5: the shoot-out. */
export type Period = 1 | 2 | 3 | 4 | 5

/** An incident placed in time: when it happens, and when the feeds show it (and withdraw it). */
export interface TimelineEntry {
  incident: SimIncident
  /** Its place in the script: orders incidents at the same instant. */
  index: number
  period: Period
  at: number
  visibleAt: number
  cancelAt?: number
}

/** A stretch of the match with one status (API-Football's codes, the simulator's lingua franca). */
export interface Phase {
  status: string
  start: number
  end: number
  period?: Period
}

export const MINUTE = 60_000

export interface TimelineOptions {
  kickOff: number
  incidents: readonly SimIncident[]
  extraTime: boolean
  shootout: boolean
  /** How long an incident takes to appear in the feeds. */
  lagMs: number
  halfTimeMs: number
  /** Minutes added to each half as asked: raised to fit the incidents. */
  addedTime: { first: number; second: number; extraFirst: number; extraSecond: number }
}

/**
 * The simulated match, provider-neutral: its phases (halves, breaks, extra time, shoot-out) in wall-clock
 * time, each incident placed in them, and the match's state at any instant. The provider renderers draw
 * their responses from it.
 */
export class MatchTimeline {
  readonly kickOff: number
  readonly extraTime: boolean
  readonly shootout: boolean
  /** Minutes added to each of periods 1-4. */
  readonly added: Record<1 | 2 | 3 | 4, number>
  readonly phases: readonly Phase[]
  /** When the final status appears. */
  readonly endsAt: number
  readonly finalStatus: 'FT' | 'AET' | 'PEN'
  readonly entries: readonly TimelineEntry[]
  /** How long an incident takes to appear in the feeds. */
  readonly lagMs: number

  constructor(options: TimelineOptions) {
    const { kickOff, incidents, extraTime, shootout } = options
    this.kickOff = kickOff
    this.lagMs = options.lagMs
    this.extraTime = extraTime
    this.shootout = shootout
    this.added = addedMinutes(incidents, options.addedTime)
    const kicks = incidents.filter((i) => i.kind === 'shootout').length
    const { phases, endsAt } = schedulePhases(options, this.added, kicks)
    this.phases = phases
    this.endsAt = endsAt
    this.finalStatus = shootout ? 'PEN' : extraTime ? 'AET' : 'FT'
    this.entries = placeIncidents(this, incidents, options.lagMs)
  }

  phaseAt(at: number): Phase | undefined {
    return this.phases.find((p) => at >= p.start && at < p.end)
  }

  /** When the period starts; the end of the match for a period not played. */
  periodStart(p: Period): number {
    return this.phases.find((ph) => ph.period === p)?.start ?? this.endsAt
  }

  periodEnd(p: Period): number {
    return this.phases.find((ph) => ph.period === p)?.end ?? this.endsAt
  }

  /** A goal the feeds show at `at` was withdrawn by then. */
  isCancelled(e: TimelineEntry, at: number): boolean {
    return e.cancelAt !== undefined && e.cancelAt <= at
  }

  state(at: number): SimState {
    const score = { home: 0, away: 0 }
    let pens: { home: number; away: number } | null = null
    for (const e of this.entries) {
      if (e.visibleAt > at) continue
      const i = e.incident
      if (i.kind === 'goal' && !this.isCancelled(e, at)) score[credited(i)]++
      if (i.kind === 'shootout') {
        pens ??= { home: 0, away: 0 }
        if (i.scored) pens[i.side]++
      }
    }
    const phase = this.phaseAt(at)
    if (at < this.kickOff) return { status: 'NS', elapsed: null, extra: null, score, penalties: pens }
    if (!phase) {
      const overtime = this.extraTime || this.shootout
      return {
        status: this.finalStatus,
        elapsed: overtime ? 120 : 90,
        extra: overtime ? null : this.added[2],
        score,
        penalties: this.shootout ? (pens ?? { home: 0, away: 0 }) : null,
      }
    }
    if (phase.period && phase.period < 5) {
      const running = PERIOD_START_MINUTE[phase.period] + Math.floor((at - phase.start) / MINUTE) + 1
      const cap = PERIOD_START_MINUTE[phase.period] + (phase.period <= 2 ? 45 : 15)
      return {
        status: phase.status,
        elapsed: Math.min(running, cap),
        extra: running > cap ? running - cap : null,
        score,
        penalties: pens,
      }
    }
    const elapsed =
      phase.status === 'HT' ? 45 : phase.status === 'P' ? 120 : at < this.periodStart(3) ? 90 : 105
    return {
      status: phase.status,
      elapsed,
      extra: null,
      score,
      penalties: phase.status === 'P' ? (pens ?? { home: 0, away: 0 }) : pens,
    }
  }

  /** The goals shown and standing at `at`, of the entries `filter` keeps (a period's, say). */
  goalsBy(at: number, filter: (e: TimelineEntry) => boolean): { home: number; away: number } {
    const score = { home: 0, away: 0 }
    for (const e of this.entries) {
      const i = e.incident
      if (i.kind !== 'goal' || e.visibleAt > at || !filter(e)) continue
      if (this.isCancelled(e, at)) continue
      score[credited(i)]++
    }
    return score
  }
}

/** The side a goal counts for: the other side, for an own goal. */
export function credited(goal: SimGoal): Side {
  if (goal.detail !== 'own') return goal.side
  return goal.side === 'home' ? 'away' : 'home'
}

/** Added time: at least what the incidents use. */
function addedMinutes(
  incidents: readonly SimIncident[],
  asked: TimelineOptions['addedTime'],
): Record<1 | 2 | 3 | 4, number> {
  const maxExtra = (minute: number) =>
    Math.max(
      0,
      ...incidents.flatMap((i) => {
        const times: { minute: number; extra?: number | undefined }[] =
          'minute' in i ? [{ minute: i.minute, extra: i.extra }] : []
        if (i.kind === 'goal' && i.cancelledAt) times.push(i.cancelledAt)
        return times.filter((t) => t.minute === minute).map((t) => t.extra ?? 0)
      }),
    )
  return {
    1: Math.max(asked.first, maxExtra(45) + 1),
    2: Math.max(asked.second, maxExtra(90) + 1),
    3: Math.max(asked.extraFirst, maxExtra(105) + 1),
    4: Math.max(asked.extraSecond, maxExtra(120) + 1),
  }
}

function schedulePhases(
  options: TimelineOptions,
  added: Record<1 | 2 | 3 | 4, number>,
  kicks: number,
): { phases: Phase[]; endsAt: number } {
  const phases: Phase[] = []
  let t = options.kickOff
  const push = (status: string, length: number, period?: Period) => {
    phases.push(
      period ? { status, start: t, end: t + length, period } : { status, start: t, end: t + length },
    )
    t += length
  }
  push('1H', (45 + added[1]) * MINUTE, 1)
  push('HT', options.halfTimeMs)
  push('2H', (45 + added[2]) * MINUTE, 2)
  if (options.extraTime) {
    push('BT', 5 * MINUTE)
    push('ET', (15 + added[3]) * MINUTE, 3)
    push('BT', 1 * MINUTE)
    push('ET', (15 + added[4]) * MINUTE, 4)
  }
  if (options.shootout) {
    push('BT', 3 * MINUTE)
    push('P', (Math.max(kicks, 1) + 1) * MINUTE, 5)
  }
  return { phases, endsAt: t }
}

/** Each incident at its wall-clock time, shown `lagMs` later (or later still when reported late). */
function placeIncidents(
  timeline: MatchTimeline,
  incidents: readonly SimIncident[],
  lagMs: number,
): TimelineEntry[] {
  let kick = 0
  return incidents.map((incident, index) => {
    if (incident.kind === 'shootout') {
      kick++
      const at = timeline.periodStart(5) + kick * MINUTE
      return { incident, index, period: 5, at, visibleAt: at + lagMs }
    }
    const { period, at } = wallTime(timeline, incident.minute, incident.extra)
    const entry: TimelineEntry = {
      incident,
      index,
      period,
      at,
      visibleAt: at + lagMs + (incident.reportedAfterMinutes ?? 0) * MINUTE,
    }
    if (incident.kind === 'goal' && incident.cancelledAt) {
      const cancel = wallTime(timeline, incident.cancelledAt.minute, incident.cancelledAt.extra).at
      entry.cancelAt = Math.max(cancel, at + MINUTE / 2) + lagMs
    }
    return entry
  })
}

/** The wall-clock time of a match-clock minute: half a minute into it, within its period. */
function wallTime(
  timeline: MatchTimeline,
  minute: number,
  extra: number | undefined,
): { period: 1 | 2 | 3 | 4; at: number } {
  let period: 1 | 2 | 3 | 4 = minute <= 45 ? 1 : minute <= 90 ? 2 : minute <= 105 ? 3 : 4
  if (!timeline.extraTime && period > 2) period = 2
  const offset = (minute - PERIOD_START_MINUTE[period] - 1 + (extra ?? 0)) * MINUTE + MINUTE / 2
  const start = timeline.periodStart(period)
  const at = Math.min(timeline.periodEnd(period) - 1000, Math.max(start, start + offset))
  return { period, at }
}
