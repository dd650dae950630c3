import type { Side } from '../event/enums.js'
import type { RenderContext } from './render-context.js'
import { shuffled } from './seeded-random.js'
import { credited, type SimIncident, type SimPlayer, type SimTeam } from './timeline.js'

/** API-Football (v3) as it answers about the simulated match at `at`. */
export interface ApiFootballRenderer {
  /** An item of the `fixtures` response. `order` shuffles its events (a different order per request). */
  fixture(at: number, order?: number): Record<string, unknown>
  /** The `fixtures/events` items, in time order (or shuffled by `order`). */
  events(at: number, order?: number): unknown[]
}

export function createApiFootballRenderer(match: RenderContext): ApiFootballRenderer {
  return {
    fixture: (at, order) => fixture(match, at, order),
    events: (at, order) => events(match, at, order),
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

function fixture(match: RenderContext, at: number, order?: number): Record<string, unknown> {
  const { timeline, fixtureId, league, teams } = match
  const { kickOff } = timeline
  const s = timeline.state(at)
  const started = at >= kickOff
  const phase = timeline.phaseAt(at)
  const p1 = timeline.goalsBy(at, (e) => e.period === 1)
  const regular = timeline.goalsBy(at, (e) => e.period <= 2)
  const et = timeline.goalsBy(at, (e) => e.period === 3 || e.period === 4)
  const finished = !phase && started
  const etReached = at >= timeline.periodStart(3) && timeline.extraTime
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
        second: at >= timeline.periodStart(2) ? Math.floor(timeline.periodStart(2) / 1000) : null,
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
      home: { ...teamJson(teams.home), winner: winner === null ? null : winner },
      away: { ...teamJson(teams.away), winner: winner === null ? null : !winner },
    },
    goals: started ? s.score : { home: null, away: null },
    score: {
      halftime: started ? p1 : { home: null, away: null },
      fulltime: finished ? regular : { home: null, away: null },
      extratime: etReached ? et : { home: null, away: null },
      penalty: s.penalties ?? { home: null, away: null },
    },
    events: events(match, at, order),
    ...(match.lineups ? { lineups: match.lineups } : {}),
  }
}

/** The event items visible at `at`: a VAR-cancelled goal gives way to the decision (unless still listed). */
function events(match: RenderContext, at: number, order?: number): unknown[] {
  const { timeline, teams } = match
  const items: { at: number; index: number; raw: unknown }[] = []
  // Substitutions are numbered per team in match order, those not shown yet included.
  const subsSeen = { home: 0, away: 0 }
  for (const e of [...timeline.entries].sort((a, b) => a.at - b.at || a.index - b.index)) {
    const i = e.incident
    if (i.kind === 'sub') subsSeen[i.side]++
    if (e.visibleAt > at) continue
    if (i.kind === 'goal' && timeline.isCancelled(e, at) && i.cancelledAt) {
      const decision = i.cancelledAt.raw ?? {
        time: { elapsed: i.cancelledAt.minute, extra: i.cancelledAt.extra ?? null },
        team: teamJson(teams[credited(i)]),
        player: ref(i.player),
        assist: { id: null, name: null },
        type: 'Var',
        detail: 'Goal cancelled',
        comments: null,
      }
      items.push({ at: e.cancelAt!, index: e.index + 0.5, raw: decision })
      if (!i.listedAfterCancel) continue
    }
    items.push({ at: e.at, index: e.index, raw: i.raw ?? eventItem(match, i, subsSeen) })
  }
  items.sort((a, b) => a.at - b.at || a.index - b.index)
  const list = items.map((item) => item.raw)
  return order === undefined ? list : shuffled(list, match.seed * 7919 + order)
}

function eventItem(match: RenderContext, i: SimIncident, subs: Record<Side, number>): unknown {
  const { teams } = match
  const time =
    i.kind === 'shootout' ? { elapsed: 120, extra: 0 } : { elapsed: i.minute, extra: i.extra ?? null }
  const base = {
    time,
    team: teamJson(teams[i.side]),
    assist: { id: null, name: null },
    comments: null as string | null,
  }
  switch (i.kind) {
    case 'goal': {
      const detail = i.detail === 'own' ? 'Own Goal' : i.detail === 'penalty' ? 'Penalty' : 'Normal Goal'
      // API-Football lists an own goal under the team credited.
      const team = teamJson(teams[credited(i)])
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
      const kicks = match.timeline.entries.filter((e) => e.incident.kind === 'shootout')
      const n = kicks.findIndex((e) => e.incident === i) + 1
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

function teamJson(team: SimTeam) {
  return { id: team.id, name: team.name, logo: `https://media.api-sports.io/football/teams/${team.id}.png` }
}

function ref(p: SimPlayer | undefined) {
  return { id: p?.id ?? null, name: p?.name ?? null }
}
