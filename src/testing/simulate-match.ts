import type { Side } from '../event/enums.js'
import { createVirtualClock, type VirtualClock } from './virtual-clock.js'

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

export interface SimulateMatchOptions {
  /** The fixture id (API-Football) and match id (Football-Data). Default 1000001, or the recording's. */
  fixtureId?: number
  /** Kick-off (default 2025-05-25T15:00:00Z, or the recording's). */
  kickOff?: string | number | Date
  home?: SimTeam
  away?: SimTeam
  /** What happens. Default: a scripted match drawn from `seed` (goals, an own goal, a VAR reversal, cards, subs). */
  incidents?: SimIncident[]
  /** Seeds the default script and the shuffled event order. Default 1. */
  seed?: number
  /** Minutes added to each half (and extra-time half). Defaults: 3, 5, 1, 2 — raised to fit the incidents. */
  addedTime?: { first?: number; second?: number; extraFirst?: number; extraSecond?: number }
  /** Play extra time after 90 minutes. */
  extraTime?: boolean
  /** End with a penalty shoot-out (after extra time when `extraTime`). */
  shootout?: boolean
  /** Minutes of half-time. Default 15. */
  halfTimeMinutes?: number
  /** API-Football lists events in a different order on each request (ids must not care). */
  shuffleEvents?: boolean
  /** Seconds between an event and its appearance in the feeds. Default 20. */
  lagSeconds?: number
  /**
   * Replays a recorded API-Football fixture (`fixtures?id=` response or item): its teams, lineups and events
   * (served verbatim), its final status; a `Var`/`Goal cancelled` whose goal the recording no longer lists
   * gets that goal back, listed until the decision.
   */
  recording?: unknown
  /** Football-Data's competition. Default the Premier League (2021, PL). */
  competition?: { id: number; name: string; code: string }
  /** API-Football's league. Default 39 (Premier League), season 2025. */
  league?: { id: number; name: string; season: number }
  /** The clock the providers answer at. Default: a virtual clock starting 10 minutes before kick-off. */
  clock?: VirtualClock
}

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

interface Entry {
  incident: SimIncident
  index: number
  period: 1 | 2 | 3 | 4 | 5
  at: number
  visibleAt: number
  cancelAt?: number
}

interface Phase {
  status: string
  start: number
  end: number
  period?: 1 | 2 | 3 | 4 | 5
}

const MINUTE = 60_000
const START_MINUTE = { 1: 0, 2: 45, 3: 90, 4: 105, 5: 120 } as const

/** A match simulated from a script or a recording; the testing handlers serve it at the clock's time. */
export interface SimulatedMatch {
  readonly fixtureId: number
  readonly kickOff: number
  /** When the final status appears. */
  readonly endsAt: number
  readonly clock: VirtualClock
  readonly home: SimTeam
  readonly away: SimTeam
  readonly competition: { id: number; name: string; code: string }
  readonly league: { id: number; name: string; season: number }
  readonly incidents: readonly SimIncident[]
  readonly shuffleEvents: boolean
  readonly seed: number
  /** The final match score (shoot-out excluded). */
  readonly finalScore: { home: number; away: number }
  state(at?: number): SimState
  /** An item of API-Football's `fixtures` response at `at` (default now). `order` shuffles the events. */
  apiFootballFixture(at?: number, order?: number): Record<string, unknown>
  /** API-Football's `fixtures/events` items at `at`. */
  apiFootballEvents(at?: number, order?: number): unknown[]
  /** Football-Data's v4 match at `at`; `free` leaves out what the free tier does not have. */
  footballDataMatch(at?: number, tier?: 'free' | 'paid'): Record<string, unknown>
}

/**
 * A deterministic simulated match: kick-off, goals, an own goal, a VAR reversal, cards, substitutions,
 * half-time, extra time and a shoot-out if asked — or a recorded API-Football fixture replayed. The testing
 * handlers answer both providers' endpoints from it at the clock's time, so a poller can follow a whole
 * match in a test run.
 */
export function simulateMatch(options: SimulateMatchOptions = {}): SimulatedMatch {
  const seed = options.seed ?? 1
  const fromRecording = options.recording === undefined ? undefined : readRecording(options.recording)
  const home = options.home ?? fromRecording?.home ?? { id: 33, name: 'Manchester United' }
  const away = options.away ?? fromRecording?.away ?? { id: 66, name: 'Aston Villa' }
  const fixtureId = options.fixtureId ?? fromRecording?.fixtureId ?? 1_000_001
  const kickOff =
    options.kickOff !== undefined
      ? new Date(options.kickOff).getTime()
      : (fromRecording?.kickOff ?? Date.parse('2025-05-25T15:00:00Z'))
  const incidents = options.incidents ?? fromRecording?.incidents ?? defaultScript(seed, home, away)
  const extraTime = options.extraTime ?? fromRecording?.extraTime ?? false
  const shootout = options.shootout ?? fromRecording?.shootout ?? false
  const clock = options.clock ?? createVirtualClock(kickOff - 10 * MINUTE)
  const lag = (options.lagSeconds ?? 20) * 1000
  const lineups = fromRecording?.lineups

  // Added time: at least what the incidents use.
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
  const added = {
    1: Math.max(options.addedTime?.first ?? 3, maxExtra(45) + 1),
    2: Math.max(options.addedTime?.second ?? fromRecording?.secondHalfAdded ?? 5, maxExtra(90) + 1),
    3: Math.max(options.addedTime?.extraFirst ?? 1, maxExtra(105) + 1),
    4: Math.max(options.addedTime?.extraSecond ?? 2, maxExtra(120) + 1),
  }
  const halfTime = (options.halfTimeMinutes ?? 15) * MINUTE
  const kicks = incidents.filter((i) => i.kind === 'shootout')

  const phases: Phase[] = []
  let t = kickOff
  const push = (status: string, length: number, period?: 1 | 2 | 3 | 4 | 5) => {
    phases.push(
      period ? { status, start: t, end: t + length, period } : { status, start: t, end: t + length },
    )
    t += length
  }
  push('1H', (45 + added[1]) * MINUTE, 1)
  push('HT', halfTime)
  push('2H', (45 + added[2]) * MINUTE, 2)
  if (extraTime) {
    push('BT', 5 * MINUTE)
    push('ET', (15 + added[3]) * MINUTE, 3)
    push('BT', 1 * MINUTE)
    push('ET', (15 + added[4]) * MINUTE, 4)
  }
  if (shootout) {
    push('BT', 3 * MINUTE)
    push('P', (Math.max(kicks.length, 1) + 1) * MINUTE, 5)
  }
  const endsAt = t
  const finalStatus = shootout ? 'PEN' : extraTime ? 'AET' : 'FT'
  const periodStart = (p: 1 | 2 | 3 | 4 | 5) => phases.find((ph) => ph.period === p)?.start ?? endsAt
  const periodEnd = (p: 1 | 2 | 3 | 4 | 5) => phases.find((ph) => ph.period === p)?.end ?? endsAt

  function wallOf(minute: number, extra: number | undefined): { period: 1 | 2 | 3 | 4; at: number } {
    let period: 1 | 2 | 3 | 4 = minute <= 45 ? 1 : minute <= 90 ? 2 : minute <= 105 ? 3 : 4
    if (!extraTime && period > 2) period = 2
    const offset = (minute - START_MINUTE[period] - 1 + (extra ?? 0)) * MINUTE + MINUTE / 2
    const at = Math.min(periodEnd(period) - 1000, Math.max(periodStart(period), periodStart(period) + offset))
    return { period, at }
  }

  let kick = 0
  const entries: Entry[] = incidents.map((incident, index) => {
    if (incident.kind === 'shootout') {
      kick++
      const at = periodStart(5) + kick * MINUTE
      return { incident, index, period: 5, at, visibleAt: at + lag }
    }
    const { period, at } = wallOf(incident.minute, incident.extra)
    const entry: Entry = {
      incident,
      index,
      period,
      at,
      visibleAt: at + lag + (incident.reportedAfterMinutes ?? 0) * MINUTE,
    }
    if (incident.kind === 'goal' && incident.cancelledAt) {
      const cancel = wallOf(incident.cancelledAt.minute, incident.cancelledAt.extra).at
      entry.cancelAt = Math.max(cancel, at + MINUTE / 2) + lag
    }
    return entry
  })

  function phaseAt(at: number): Phase | undefined {
    return phases.find((p) => at >= p.start && at < p.end)
  }

  function state(at = clock.now()): SimState {
    const score = { home: 0, away: 0 }
    let pens: { home: number; away: number } | null = null
    for (const e of entries) {
      if (e.visibleAt > at) continue
      const i = e.incident
      if (i.kind === 'goal' && !(e.cancelAt !== undefined && e.cancelAt <= at)) score[credited(i)]++
      if (i.kind === 'shootout') {
        pens ??= { home: 0, away: 0 }
        if (i.scored) pens[i.side]++
      }
    }
    const phase = phaseAt(at)
    if (at < kickOff) return { status: 'NS', elapsed: null, extra: null, score, penalties: pens }
    if (!phase) {
      return {
        status: finalStatus,
        elapsed: extraTime || shootout ? 120 : 90,
        extra: extraTime || shootout ? null : added[2],
        score,
        penalties: shootout ? (pens ?? { home: 0, away: 0 }) : null,
      }
    }
    if (phase.period && phase.period < 5) {
      const running = START_MINUTE[phase.period] + Math.floor((at - phase.start) / MINUTE) + 1
      const cap = START_MINUTE[phase.period] + (phase.period <= 2 ? 45 : 15)
      return {
        status: phase.status,
        elapsed: Math.min(running, cap),
        extra: running > cap ? running - cap : null,
        score,
        penalties: pens,
      }
    }
    const elapsed = phase.status === 'HT' ? 45 : phase.status === 'P' ? 120 : at < periodStart(3) ? 90 : 105
    return {
      status: phase.status,
      elapsed,
      extra: null,
      score,
      penalties: phase.status === 'P' ? (pens ?? { home: 0, away: 0 }) : pens,
    }
  }

  const teamOf = (side: Side) => (side === 'home' ? home : away)
  const other = (side: Side): Side => (side === 'home' ? 'away' : 'home')
  const teamJson = (team: SimTeam) => ({
    id: team.id,
    name: team.name,
    logo: `https://media.api-sports.io/football/teams/${team.id}.png`,
  })
  const ref = (p: SimPlayer | undefined) => ({ id: p?.id ?? null, name: p?.name ?? null })

  /** The API-Football event items visible at `at`, in time order (or shuffled by `order`). */
  function apiFootballEvents(at = clock.now(), order?: number): unknown[] {
    const items: { at: number; index: number; raw: unknown }[] = []
    const subsSeen = { home: 0, away: 0 }
    for (const e of [...entries].sort((a, b) => a.at - b.at || a.index - b.index)) {
      const i = e.incident
      if (i.kind === 'sub') subsSeen[i.side]++
      if (e.visibleAt > at) continue
      const cancelled = e.cancelAt !== undefined && e.cancelAt <= at
      if (i.kind === 'goal' && cancelled && i.cancelledAt) {
        const decision = i.cancelledAt.raw ?? {
          time: { elapsed: i.cancelledAt.minute, extra: i.cancelledAt.extra ?? null },
          team: teamJson(teamOf(i.detail === 'own' ? other(i.side) : i.side)),
          player: ref(i.player),
          assist: { id: null, name: null },
          type: 'Var',
          detail: 'Goal cancelled',
          comments: null,
        }
        items.push({ at: e.cancelAt!, index: e.index + 0.5, raw: decision })
        if (!i.listedAfterCancel) continue
      }
      items.push({ at: e.at, index: e.index, raw: i.raw ?? apiFootballItem(i, subsSeen) })
    }
    items.sort((a, b) => a.at - b.at || a.index - b.index)
    const list = items.map((item) => item.raw)
    return order === undefined ? list : shuffled(list, seed * 7919 + order)
  }

  function apiFootballItem(i: SimIncident, subs: Record<Side, number>): unknown {
    const time =
      i.kind === 'shootout' ? { elapsed: 120, extra: 0 } : { elapsed: i.minute, extra: i.extra ?? null }
    const base = {
      time,
      team: teamJson(teamOf(i.side)),
      assist: { id: null, name: null },
      comments: null as string | null,
    }
    switch (i.kind) {
      case 'goal': {
        const detail = i.detail === 'own' ? 'Own Goal' : i.detail === 'penalty' ? 'Penalty' : 'Normal Goal'
        // API-Football lists an own goal under the team credited.
        const team = teamJson(teamOf(i.detail === 'own' ? other(i.side) : i.side))
        return { ...base, team, player: ref(i.player), assist: ref(i.assist), type: 'Goal', detail }
      }
      case 'missed_penalty':
        return { ...base, player: ref(i.player), type: 'Goal', detail: 'Missed Penalty' }
      case 'card': {
        const detail =
          i.card === 'yellow' ? 'Yellow Card' : i.card === 'red' ? 'Red Card' : 'Second Yellow card'
        return { ...base, player: ref(i.player), type: 'Card', detail, comments: i.comments ?? 'Foul' }
      }
      case 'sub':
        return {
          ...base,
          player: ref(i.off),
          assist: ref(i.on),
          type: 'subst',
          detail: `Substitution ${subs[i.side]}`,
        }
      case 'var':
        return { ...base, player: ref(i.player), type: 'Var', detail: i.detail }
      case 'shootout': {
        const n = entries.filter((e) => e.incident.kind === 'shootout').findIndex((e) => e.incident === i) + 1
        return {
          ...base,
          time: { elapsed: 120, extra: n },
          player: ref(i.player),
          type: 'Goal',
          detail: i.scored ? 'Penalty' : 'Missed Penalty',
          comments: 'Penalty Shootout',
        }
      }
    }
  }

  function apiFootballFixture(at = clock.now(), order?: number): Record<string, unknown> {
    const s = state(at)
    const started = at >= kickOff
    const phase = phaseAt(at)
    const p1 = goalsBy(at, (e) => e.period === 1)
    const regular = goalsBy(at, (e) => e.period <= 2)
    const et = goalsBy(at, (e) => e.period === 3 || e.period === 4)
    const finished = !phase && started
    const etReached = at >= periodStart(3) && extraTime
    const winner =
      finished && s.score.home !== s.score.away
        ? s.score.home > s.score.away
        : finished && s.penalties
          ? s.penalties.home > s.penalties.away
          : null
    return {
      fixture: {
        id: fixtureId,
        referee: 'M. Oliver',
        timezone: 'UTC',
        date: new Date(kickOff).toISOString().replace('.000Z', '+00:00'),
        timestamp: Math.floor(kickOff / 1000),
        periods: {
          first: started ? Math.floor(kickOff / 1000) : null,
          second: at >= periodStart(2) ? Math.floor(periodStart(2) / 1000) : null,
        },
        venue: { id: 556, name: 'Old Trafford', city: 'Manchester' },
        status: { long: LONG[s.status] ?? s.status, short: s.status, elapsed: s.elapsed, extra: s.extra },
      },
      league: {
        id: league.id,
        name: league.name,
        country: 'England',
        logo: `https://media.api-sports.io/football/leagues/${league.id}.png`,
        flag: 'https://media.api-sports.io/flags/gb-eng.svg',
        season: league.season,
        round: 'Regular Season - 38',
      },
      teams: {
        home: { ...teamJson(home), winner: winner === null ? null : winner },
        away: { ...teamJson(away), winner: winner === null ? null : !winner },
      },
      goals: started ? s.score : { home: null, away: null },
      score: {
        halftime: started ? p1 : { home: null, away: null },
        fulltime: finished ? regular : { home: null, away: null },
        extratime: etReached ? et : { home: null, away: null },
        penalty: s.penalties ?? { home: null, away: null },
      },
      events: apiFootballEvents(at, order),
      ...(lineups ? { lineups } : {}),
    }
  }

  function goalsBy(at: number, filter: (e: Entry) => boolean): { home: number; away: number } {
    const score = { home: 0, away: 0 }
    for (const e of entries) {
      const i = e.incident
      if (i.kind !== 'goal' || e.visibleAt > at || !filter(e)) continue
      if (e.cancelAt !== undefined && e.cancelAt <= at) continue
      score[credited(i)]++
    }
    return score
  }

  function footballDataMatch(at = clock.now(), tier: 'free' | 'paid' = 'paid'): Record<string, unknown> {
    const s = state(at)
    const phase = phaseAt(at)
    const started = at >= kickOff
    const status = !started
      ? 'TIMED'
      : !phase
        ? 'FINISHED'
        : {
            '1H': 'IN_PLAY',
            '2H': 'IN_PLAY',
            HT: 'PAUSED',
            BT: 'PAUSED',
            ET: 'EXTRA_TIME',
            P: 'PENALTY_SHOOTOUT',
          }[phase.status]!
    const duration =
      at >= periodStart(5) && shootout
        ? 'PENALTY_SHOOTOUT'
        : at >= periodStart(3) && extraTime
          ? 'EXTRA_TIME'
          : 'REGULAR'
    const halfDone = at >= periodEnd(1)
    const p1 = goalsBy(at, (e) => e.period === 1)
    const regular = goalsBy(at, (e) => e.period <= 2)
    const et = goalsBy(at, (e) => e.period === 3 || e.period === 4)
    const pens = s.penalties ?? { home: 0, away: 0 }
    const score: Record<string, unknown> = {
      winner:
        !phase && started
          ? s.score.home > s.score.away
            ? 'HOME_TEAM'
            : s.score.home < s.score.away
              ? 'AWAY_TEAM'
              : shootout
                ? pens.home > pens.away
                  ? 'HOME_TEAM'
                  : 'AWAY_TEAM'
                : 'DRAW'
          : null,
      duration,
      // v4: with a shoot-out, fullTime includes it and the parts are given.
      fullTime: started
        ? duration === 'PENALTY_SHOOTOUT'
          ? { home: s.score.home + pens.home, away: s.score.away + pens.away }
          : s.score
        : { home: null, away: null },
      halfTime: halfDone ? p1 : { home: null, away: null },
    }
    if (duration !== 'REGULAR') {
      score.regularTime = regular
      score.extraTime = et
    }
    if (duration === 'PENALTY_SHOOTOUT') score.penalties = pens
    const team = (t: SimTeam) => ({
      id: t.id,
      name: t.name,
      shortName: t.name.replace(/ FC$/, ''),
      tla: t.name.slice(0, 3).toUpperCase(),
      crest: `https://crests.football-data.org/${t.id}.png`,
    })
    const changes = [
      kickOff,
      ...phases.map((p) => p.start),
      ...entries.flatMap((e) => [e.visibleAt, e.cancelAt ?? 0]),
    ]
    const lastUpdated = Math.max(kickOff - 60 * MINUTE, ...changes.filter((c) => c <= at))
    const match: Record<string, unknown> = {
      area: { id: 2072, name: 'England', code: 'ENG', flag: 'https://crests.football-data.org/770.svg' },
      competition: {
        id: competition.id,
        name: competition.name,
        code: competition.code,
        type: 'LEAGUE',
        emblem: `https://crests.football-data.org/${competition.code}.png`,
      },
      season: { id: 2403, startDate: '2024-08-16', endDate: '2025-05-25', currentMatchday: 38, winner: null },
      id: fixtureId,
      utcDate: new Date(kickOff).toISOString().replace('.000Z', 'Z'),
      status,
      matchday: 38,
      stage: 'REGULAR_SEASON',
      group: null,
      lastUpdated: new Date(Math.floor(lastUpdated / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      homeTeam: team(home),
      awayTeam: team(away),
      score,
      odds: { msg: 'Activate Odds-Package in User-Panel to retrieve odds.' },
      referees: [{ id: 11605, name: 'Michael Oliver', type: 'REFEREE', nationality: 'England' }],
    }
    if (tier === 'free') return match
    match.minute = s.elapsed
    match.injuryTime = s.extra
    const visible = entries
      .filter((e) => e.visibleAt <= at && e.incident.kind !== 'shootout')
      .sort((a, b) => a.at - b.at || a.index - b.index)
    const running = { home: 0, away: 0 }
    const fdGoals: unknown[] = []
    const bookings: unknown[] = []
    const subs: unknown[] = []
    const penalties: unknown[] = []
    const person = (p: SimPlayer | undefined) => (p ? { id: p.id, name: p.name } : null)
    for (const e of visible) {
      const i = e.incident
      if (i.kind === 'shootout') continue
      const minute = i.minute
      const side = i.side
      if (i.kind === 'goal') {
        if (e.cancelAt !== undefined && e.cancelAt <= at) continue
        running[credited(i)]++
        const credit = teamOf(credited(i))
        fdGoals.push({
          minute,
          injuryTime: i.extra ?? null,
          type: i.detail === 'own' ? 'OWN' : i.detail === 'penalty' ? 'PENALTY' : 'REGULAR',
          team: { id: credit.id, name: credit.name },
          scorer: person(i.player),
          assist: person(i.assist),
          score: { ...running },
        })
        if (i.detail === 'penalty')
          penalties.push({ player: person(i.player), team: { id: null, name: null }, scored: true })
      } else if (i.kind === 'card') {
        const card = i.card === 'yellow' ? 'YELLOW' : i.card === 'red' ? 'RED' : 'YELLOW_RED'
        bookings.push({
          minute,
          team: { id: teamOf(side).id, name: teamOf(side).name },
          player: person(i.player),
          card,
        })
      } else if (i.kind === 'sub') {
        subs.push({
          minute,
          team: { id: teamOf(side).id, name: teamOf(side).name },
          playerOut: person(i.off),
          playerIn: person(i.on),
        })
      }
    }
    for (const e of entries) {
      const i = e.incident
      if (i.kind !== 'shootout' || e.visibleAt > at) continue
      penalties.push({
        player: person(i.player),
        team: { id: teamOf(i.side).id, name: teamOf(i.side).name },
        scored: i.scored,
      })
    }
    match.goals = fdGoals
    match.penalties = penalties
    match.bookings = bookings
    match.substitutions = subs
    return match
  }

  const competition = options.competition ?? { id: 2021, name: 'Premier League', code: 'PL' }
  const league = options.league ?? fromRecording?.league ?? { id: 39, name: 'Premier League', season: 2025 }

  return {
    fixtureId,
    kickOff,
    endsAt,
    clock,
    home,
    away,
    competition,
    league,
    incidents,
    shuffleEvents: options.shuffleEvents ?? false,
    seed,
    finalScore: state(endsAt + lag + MINUTE).score,
    state,
    apiFootballFixture,
    apiFootballEvents,
    footballDataMatch,
  }
}

const LONG: Record<string, string> = {
  NS: 'Not Started',
  '1H': 'First Half',
  HT: 'Halftime',
  '2H': 'Second Half',
  BT: 'Break Time',
  ET: 'Extra Time',
  P: 'Penalty In Progress',
  FT: 'Match Finished',
  AET: 'Match Finished',
  PEN: 'Match Finished',
}

function credited(goal: Extract<SimIncident, { kind: 'goal' }>): Side {
  if (goal.detail !== 'own') return goal.side
  return goal.side === 'home' ? 'away' : 'home'
}

/** mulberry32: a small seeded PRNG, so that a seed always gives the same match. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const random = prng(seed)
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** The default script: every kind of headline event, minutes drawn from the seed. */
function defaultScript(seed: number, home: SimTeam, away: SimTeam): SimIncident[] {
  const random = prng(seed)
  const at = (from: number, to: number) => from + Math.floor(random() * (to - from + 1))
  const player = (team: SimTeam, n: number): SimPlayer => ({
    id: team.id * 1000 + n,
    name: `${team.name} #${n}`,
  })
  const goal1 = at(5, 30)
  const og = at(31, 44)
  const cancelled = at(50, 60)
  const pen = at(64, 75)
  return [
    { kind: 'goal', minute: goal1, side: 'home', player: player(home, 9), assist: player(home, 10) },
    { kind: 'card', minute: goal1 + 3, side: 'away', player: player(away, 4), card: 'yellow' },
    // An away defender turns the ball into his own net: it counts for home.
    { kind: 'goal', minute: og, side: 'away', player: player(away, 5), detail: 'own' },
    { kind: 'card', minute: 45, extra: 2, side: 'home', player: player(home, 6), card: 'yellow' },
    {
      kind: 'goal',
      minute: cancelled,
      side: 'away',
      player: player(away, 11),
      cancelledAt: { minute: cancelled + 2 },
    },
    { kind: 'sub', minute: 61, side: 'home', off: player(home, 9), on: player(home, 14) },
    { kind: 'sub', minute: 61, side: 'away', off: player(away, 11), on: player(away, 18) },
    { kind: 'goal', minute: pen, side: 'away', player: player(away, 10), detail: 'penalty' },
    { kind: 'card', minute: pen + 4, side: 'away', player: player(away, 4), card: 'second_yellow' },
    { kind: 'sub', minute: 78, side: 'home', off: player(home, 10), on: player(home, 16) },
    {
      kind: 'goal',
      minute: 90,
      extra: 3,
      side: 'home',
      player: player(home, 14),
      assist: player(home, 16),
      reportedAfterMinutes: 3,
    },
  ]
}

interface Recording {
  fixtureId: number
  kickOff: number
  home: SimTeam
  away: SimTeam
  league?: { id: number; name: string; season: number }
  incidents: SimIncident[]
  extraTime: boolean
  shootout: boolean
  secondHalfAdded?: number
  lineups?: unknown
}

// biome-ignore lint/suspicious/noExplicitAny: a recording is raw provider JSON, read defensively
type Raw = any

/** A recorded API-Football fixture → the script that replays it. */
function readRecording(recording: unknown): Recording {
  const body: Raw = typeof recording === 'string' ? JSON.parse(recording) : recording
  const item: Raw = Array.isArray(body?.response) ? body.response[0] : body
  if (!item?.fixture?.id || !item?.teams?.home) {
    throw new TypeError('simulateMatch: the recording is not an API-Football fixtures response or item')
  }
  const home: SimTeam = { id: item.teams.home.id, name: item.teams.home.name }
  const away: SimTeam = { id: item.teams.away.id, name: item.teams.away.name }
  const sideOf = (teamId: unknown): Side => (teamId === home.id ? 'home' : 'away')
  const short = String(item.fixture.status?.short ?? 'FT')
  const events: Raw[] = item.events ?? []
  const incidents: SimIncident[] = []
  const cancels: Raw[] = []
  for (const raw of events) {
    const type = String(raw.type).toLowerCase()
    const detail = String(raw.detail ?? '').toLowerCase()
    const timed = {
      minute: raw.time.elapsed as number,
      ...(raw.time.extra ? { extra: raw.time.extra as number } : {}),
      raw,
    }
    const side = sideOf(raw.team?.id)
    const player: SimPlayer = { id: raw.player?.id ?? null, name: raw.player?.name ?? null }
    if (type === 'goal' && /shoot-?out/i.test(String(raw.comments ?? ''))) {
      incidents.push({ kind: 'shootout', side, player, scored: detail === 'penalty', raw })
    } else if (type === 'goal' && detail === 'missed penalty') {
      incidents.push({ ...timed, kind: 'missed_penalty', side, player })
    } else if (type === 'goal') {
      const own = detail === 'own goal'
      incidents.push({
        ...timed,
        kind: 'goal',
        side: own ? (side === 'home' ? 'away' : 'home') : side,
        player,
        detail: own ? 'own' : detail === 'penalty' ? 'penalty' : 'normal',
      })
    } else if (type === 'card') {
      const card = detail.startsWith('second') ? 'second_yellow' : detail.startsWith('red') ? 'red' : 'yellow'
      incidents.push({ ...timed, kind: 'card', card, side, player })
    } else if (type === 'subst') {
      incidents.push({
        ...timed,
        kind: 'sub',
        side,
        off: player,
        on: { id: raw.assist?.id ?? null, name: raw.assist?.name ?? null },
      })
    } else if (type === 'var' && /goal (cancelled|disallowed)/.test(detail)) {
      cancels.push(raw)
    } else {
      incidents.push({ ...timed, kind: 'var', side, player, detail: String(raw.detail ?? '') })
    }
  }
  // A goal-cancelling decision: the goal it cancels, listed until the decision (back from the recording, or
  // still in it).
  for (const raw of cancels) {
    const cancelledAt = {
      minute: raw.time.elapsed as number,
      ...(raw.time.extra ? { extra: raw.time.extra as number } : {}),
      raw,
    }
    const listed = [...incidents]
      .reverse()
      .find(
        (i) =>
          i.kind === 'goal' &&
          !i.cancelledAt &&
          (i.player.id ?? i.player.name) === (raw.player?.id ?? raw.player?.name) &&
          i.minute <= cancelledAt.minute,
      )
    if (listed && listed.kind === 'goal') {
      listed.cancelledAt = cancelledAt
      listed.listedAfterCancel = true
      continue
    }
    const minute = Math.max(1, cancelledAt.minute - 1)
    const side = sideOf(raw.team?.id)
    const player: SimPlayer = { id: raw.player?.id ?? null, name: raw.player?.name ?? null }
    incidents.push({ kind: 'goal', minute, side, player, cancelledAt })
  }
  const p2Extra = Math.max(
    item.fixture.status?.extra ?? 0,
    ...events.filter((e: Raw) => e.time?.elapsed === 90).map((e: Raw) => e.time?.extra ?? 0),
  )
  const recordingOut: Recording = {
    fixtureId: item.fixture.id,
    kickOff: (item.fixture.timestamp ?? Date.parse(item.fixture.date) / 1000) * 1000,
    home,
    away,
    incidents,
    extraTime: ['AET', 'PEN'].includes(short) && (item.score?.extratime?.home ?? null) !== null,
    shootout: short === 'PEN',
    secondHalfAdded: p2Extra + 1,
  }
  if (item.league?.id)
    recordingOut.league = { id: item.league.id, name: item.league.name, season: item.league.season }
  if (item.lineups) recordingOut.lineups = item.lineups
  return recordingOut
}
