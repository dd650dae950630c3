import type { RenderContext } from './render-context.js'
import { credited, MINUTE, type Phase, type SimPlayer, type SimState, type SimTeam } from './timeline.js'

/** Football-Data.org (v4) as it answers about the simulated match at `at`. */
export interface FootballDataRenderer {
  /** The match (`matches/{id}`, or an item of `matches`); `free` leaves out what the free tier does not have. */
  match(at: number, tier: 'free' | 'paid'): Record<string, unknown>
}

export function createFootballDataRenderer(match: RenderContext): FootballDataRenderer {
  return { match: (at, tier) => matchJson(match, at, tier) }
}

const STATUS: Record<string, string> = {
  '1H': 'IN_PLAY',
  '2H': 'IN_PLAY',
  HT: 'PAUSED',
  BT: 'PAUSED',
  ET: 'EXTRA_TIME',
  P: 'PENALTY_SHOOTOUT',
}

function matchJson(match: RenderContext, at: number, tier: 'free' | 'paid'): Record<string, unknown> {
  const { timeline, competition, teams } = match
  const { kickOff } = timeline
  const s = timeline.state(at)
  const phase = timeline.phaseAt(at)
  const started = at >= kickOff
  const status = !started ? 'TIMED' : !phase ? 'FINISHED' : STATUS[phase.status]!
  const json: Record<string, unknown> = {
    area: { id: 2072, name: 'England', code: 'ENG', flag: 'https://crests.football-data.org/770.svg' },
    competition: {
      id: competition.id,
      name: competition.name,
      code: competition.code,
      type: 'LEAGUE',
      emblem: `https://crests.football-data.org/${competition.code}.png`,
    },
    season: { id: 2403, startDate: '2024-08-16', endDate: '2025-05-25', currentMatchday: 38, winner: null },
    id: match.fixtureId,
    utcDate: new Date(kickOff).toISOString().replace('.000Z', 'Z'),
    status,
    matchday: 38,
    stage: 'REGULAR_SEASON',
    group: null,
    lastUpdated: new Date(Math.floor(lastUpdated(match, at) / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z'),
    homeTeam: teamJson(teams.home),
    awayTeam: teamJson(teams.away),
    score: scoreJson(match, at, s, phase),
    odds: { msg: 'Activate Odds-Package in User-Panel to retrieve odds.' },
    referees: [{ id: 11605, name: 'Michael Oliver', type: 'REFEREE', nationality: 'England' }],
  }
  if (tier === 'free') return json
  json.minute = s.elapsed
  json.injuryTime = s.extra
  return Object.assign(json, incidentLists(match, at))
}

function scoreJson(
  match: RenderContext,
  at: number,
  s: SimState,
  phase: Phase | undefined,
): Record<string, unknown> {
  const { timeline } = match
  const started = at >= timeline.kickOff
  const duration =
    at >= timeline.periodStart(5) && timeline.shootout
      ? 'PENALTY_SHOOTOUT'
      : at >= timeline.periodStart(3) && timeline.extraTime
        ? 'EXTRA_TIME'
        : 'REGULAR'
  const halfDone = at >= timeline.periodEnd(1)
  const p1 = timeline.goalsBy(at, (e) => e.period === 1)
  const regular = timeline.goalsBy(at, (e) => e.period <= 2)
  const et = timeline.goalsBy(at, (e) => e.period === 3 || e.period === 4)
  const pens = s.penalties ?? { home: 0, away: 0 }
  const score: Record<string, unknown> = {
    winner: !phase && started ? winner(s.score, pens, timeline.shootout) : null,
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
  return score
}

type Score = { home: number; away: number }

function winner(score: Score, pens: Score, shootout: boolean): string {
  if (score.home !== score.away) return score.home > score.away ? 'HOME_TEAM' : 'AWAY_TEAM'
  if (!shootout) return 'DRAW'
  return pens.home > pens.away ? 'HOME_TEAM' : 'AWAY_TEAM'
}

/** The latest change the feed shows at `at` (a phase starting, an incident shown or withdrawn). */
function lastUpdated(match: RenderContext, at: number): number {
  const { kickOff, phases, entries } = match.timeline
  const changes = [
    kickOff,
    ...phases.map((p) => p.start),
    ...entries.flatMap((e) => [e.visibleAt, e.cancelAt ?? 0]),
  ]
  return Math.max(kickOff - 60 * MINUTE, ...changes.filter((c) => c <= at))
}

/** The paid tier's lists: goals (with the running score), penalties, bookings, substitutions. */
function incidentLists(match: RenderContext, at: number) {
  const { timeline, teams } = match
  const visible = timeline.entries
    .filter((e) => e.visibleAt <= at && e.incident.kind !== 'shootout')
    .sort((a, b) => a.at - b.at || a.index - b.index)
  const running = { home: 0, away: 0 }
  const goals: unknown[] = []
  const bookings: unknown[] = []
  const substitutions: unknown[] = []
  const penalties: unknown[] = []
  const teamRef = (t: SimTeam) => ({ id: t.id, name: t.name })
  for (const e of visible) {
    const i = e.incident
    if (i.kind === 'shootout') continue
    const minute = i.minute
    const side = i.side
    if (i.kind === 'goal') {
      if (timeline.isCancelled(e, at)) continue
      running[credited(i)]++
      goals.push({
        minute,
        injuryTime: i.extra ?? null,
        type: i.detail === 'own' ? 'OWN' : i.detail === 'penalty' ? 'PENALTY' : 'REGULAR',
        team: teamRef(teams[credited(i)]),
        scorer: person(i.player),
        assist: person(i.assist),
        score: { ...running },
      })
      if (i.detail === 'penalty')
        penalties.push({ player: person(i.player), team: { id: null, name: null }, scored: true })
    } else if (i.kind === 'card') {
      const card = i.card === 'yellow' ? 'YELLOW' : i.card === 'red' ? 'RED' : 'YELLOW_RED'
      bookings.push({ minute, team: teamRef(teams[side]), player: person(i.player), card })
    } else if (i.kind === 'sub') {
      substitutions.push({
        minute,
        team: teamRef(teams[side]),
        playerOut: person(i.off),
        playerIn: person(i.on),
      })
    }
  }
  for (const e of timeline.entries) {
    const i = e.incident
    if (i.kind !== 'shootout' || e.visibleAt > at) continue
    penalties.push({ player: person(i.player), team: teamRef(teams[i.side]), scored: i.scored })
  }
  return { goals, penalties, bookings, substitutions }
}

function teamJson(t: SimTeam) {
  return {
    id: t.id,
    name: t.name,
    shortName: t.name.replace(/ FC$/, ''),
    tla: t.name.slice(0, 3).toUpperCase(),
    crest: `https://crests.football-data.org/${t.id}.png`,
  }
}

function person(p: SimPlayer | undefined) {
  return p ? { id: p.id, name: p.name } : null
}
