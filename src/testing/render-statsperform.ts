import type { Side } from '../event/enums.js'
import { clockTime, type FeedRecord, feedRecords, runningScores, stateAt } from './feed-records.js'
import { type OptaSimEvent, optaEvents } from './opta-events.js'
import type { RenderContext } from './render-context.js'
import { alphanumericOf } from './sim-ids.js'
import { squads } from './squads.js'
import { credited, MINUTE, type Period, type SimIncident, type SimPlayer } from './timeline.js'

/** Stats Perform's SDAPI (MA1 match details, MA3 match events, JSON) as it answers at `at`. */
export interface StatsPerformRenderer {
  /** The fixture's uuid (the `{uuid}` of the feed URLs). */
  readonly fixtureUuid: string
  /** MA1: match info, status, periods, scores, goals, cards, substitutions and line-ups so far. */
  ma1(at: number): Record<string, unknown>
  /** MA3: match info, status, periods, scores, and every event so far (withdrawn goals as type 43). */
  ma3(at: number): Record<string, unknown>
}

type Json = Record<string, unknown>
const SIDES = ['home', 'away'] as const
/** `matchDetails.periodId` between periods: 10 half-time, 11-13 the breaks of extra time, 14 after the end. */
const BREAK_AFTER: Record<number, number> = { 1: 10, 2: 11, 3: 12, 4: 13 }

export function createStatsPerformRenderer(context: RenderContext): StatsPerformRenderer {
  const fixtureUuid = alphanumericOf(`statsperform:match:${context.fixtureId}`)
  const info = matchInfo(context, fixtureUuid)
  return {
    fixtureUuid,
    ma1: (at) => ({
      matchInfo: info,
      liveData: {
        matchDetails: matchDetails(context, at),
        ...headlineLists(context, at),
        lineUp: lineUps(context),
      },
    }),
    ma3: (at) => ({
      matchInfo: info,
      liveData: {
        matchDetails: matchDetails(context, at),
        event: optaEvents(context, at).map((e) => ma3Event(context, e)),
      },
    }),
  }
}

/** A team's or player's Stats Perform id: alphanumeric, drawn from the simulated id. */
export const contestantId = (context: RenderContext, side: Side) =>
  alphanumericOf(`statsperform:team:${context.teams[side].id}`)
const spPlayerId = (id: number) => alphanumericOf(`statsperform:player:${id}`)

const isoSeconds = (ms: number) => new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z')

function matchInfo(context: RenderContext, uuid: string): Json {
  const kickOff = new Date(context.timeline.kickOff).toISOString()
  const { home, away } = context.teams
  return {
    id: uuid,
    coverageLevel: '15',
    date: `${kickOff.slice(0, 10)}Z`,
    time: `${kickOff.slice(11, 19)}Z`,
    week: '38',
    numberOfPeriods: 2,
    periodLength: 45,
    lastUpdated: isoSeconds(context.timeline.kickOff - 60 * MINUTE),
    description: `${home.name} vs ${away.name}`,
    sport: { id: '289u5typ3vp4ifwh5thalohmq', name: 'Soccer' },
    competition: {
      id: alphanumericOf(`statsperform:competition:${context.competition.id}`),
      name: context.competition.name,
      competitionCode: context.competition.code,
      competitionFormat: 'Domestic league',
      country: { id: '1fk5l4hkqk12i7zske6mcqju6', name: 'England' },
    },
    contestant: SIDES.map((side) => ({
      id: contestantId(context, side),
      name: context.teams[side].name,
      shortName: context.teams[side].name,
      officialName: context.teams[side].name,
      code: context.teams[side].name.slice(0, 3).toUpperCase(),
      position: side,
      country: { id: '1fk5l4hkqk12i7zske6mcqju6', name: 'England' },
    })),
    venue: {
      id: '2ab4bamv4u1bxu4iw8ouhv7qm',
      neutral: 'no',
      longName: 'Old Trafford',
      shortName: 'Old Trafford',
    },
  }
}

/** Status, periods and scores. `Played` once every event stands as it will (late reports included). */
function matchDetails(context: RenderContext, at: number): Json {
  const { timeline } = context
  const { settledAt } = feedRecords(timeline)
  const phase = timeline.phaseAt(at)
  const periods = ([1, 2, 3, 4, 5] as const).filter(
    (p) => timeline.periodStart(p) < Math.min(at, timeline.endsAt),
  )
  const last = periods.at(-1)
  const details: Json = {
    periodId:
      at < timeline.kickOff ? 16 : (phase?.period ?? (at >= timeline.endsAt ? 14 : BREAK_AFTER[last ?? 1])),
    matchStatus: at < timeline.kickOff ? 'Fixture' : at < settledAt ? 'Playing' : 'Played',
  }
  if (periods.length === 0) return details
  details.period = periods.map((p) => periodJson(context, p, at))
  const goals = (filter: (p: Period) => boolean) => timeline.goalsBy(at, (e) => filter(e.period))
  const scores: Json = { total: goals((p) => p < 5) }
  if (at >= timeline.periodEnd(1)) scores.ht = goals((p) => p === 1)
  if (at >= timeline.periodEnd(2)) scores.ft = goals((p) => p <= 2)
  if (timeline.extraTime && at >= timeline.periodEnd(4)) scores.et = goals((p) => p === 3 || p === 4)
  details.scores = scores
  if (at >= settledAt) details.winner = winner(timeline.state(at))
  return details
}

function periodJson(context: RenderContext, p: Period, at: number): Json {
  const start = context.timeline.periodStart(p)
  const end = context.timeline.periodEnd(p)
  const json: Json = { id: p, start: isoSeconds(start) }
  if (at < end) return json
  const length = Math.round((end - start) / 1000)
  return { ...json, end: isoSeconds(end), lengthMin: Math.floor(length / 60), lengthSec: length % 60 }
}

function winner(s: {
  score: { home: number; away: number }
  penalties: { home: number; away: number } | null
}) {
  const [h, a] =
    s.score.home !== s.score.away
      ? [s.score.home, s.score.away]
      : [s.penalties?.home ?? 0, s.penalties?.away ?? 0]
  return h > a ? 'home' : h < a ? 'away' : 'draw'
}

function ma3Event(context: RenderContext, e: OptaSimEvent): Json {
  const json: Json = {
    id: e.id,
    eventId: e.eventId,
    typeId: e.typeId,
    periodId: e.periodId,
    timeMin: e.min,
    timeSec: e.sec,
    contestantId: contestantId(context, e.side),
    outcome: e.outcome,
    x: e.x,
    y: e.y,
    timeStamp: new Date(e.time).toISOString(),
    lastModified: isoSeconds(e.modified),
  }
  if (e.player?.id != null) {
    json.playerId = spPlayerId(e.player.id)
    if (e.player.name) json.playerName = e.player.name
  }
  if (e.qualifiers.length > 0) json.qualifier = e.qualifiers
  return json
}

/** MA1's goal, card and substitute lists as they stand at `at` (a withdrawn goal leaves its list). */
function headlineLists(context: RenderContext, at: number): Json {
  const records = feedRecords(context.timeline).list
  const scores = runningScores(records, at)
  const ids = new Map(optaEvents(context, at).map((e) => [`${e.recordKey}:${e.typeId}`, String(e.id)]))
  const goal: Json[] = []
  const card: Json[] = []
  const substitute: Json[] = []
  for (const r of records) {
    const i = r.incident
    const state = stateAt(r, at)
    if (!i || i.kind === 'shootout' || i.kind === 'var' || state === 'hidden' || state === 'withdrawn')
      continue
    const row = headlineRow(context, r, i)
    if (i.kind === 'goal') {
      const score = scores.get(r.key)!
      const optaEventId = ids.get(`${r.key}:16`)
      goal.push({ ...row, ...goalRow(i), optaEventId, homeScore: score.home, awayScore: score.away })
    } else if (i.kind === 'card') {
      const type = i.card === 'yellow' ? 'YC' : i.card === 'red' ? 'RC' : 'Y2C'
      const optaEventId = ids.get(`${r.key}:17`)
      card.push({ ...row, type, ...person(i.player, 'player'), optaEventId, cardReason: 'Foul' })
    } else if (i.kind === 'sub') {
      substitute.push({
        ...row,
        ...person(i.on, 'playerOn'),
        ...person(i.off, 'playerOff'),
        subReason: 'Tactical',
      })
    }
  }
  return { goal, card, substitute }
}

/** The fields every MA1 row has: team, period, the minute as shown (elapsed), time, update. */
function headlineRow(context: RenderContext, r: FeedRecord, i: SimIncident): Json {
  const { minute, second } = clockTime(context.timeline, r.period, r.at)
  return {
    contestantId: contestantId(context, i.kind === 'goal' ? credited(i) : i.side),
    periodId: r.period,
    timeMin: minute + 1,
    timeMinSec: `${minute}:${String(second).padStart(2, '0')}`,
    lastUpdated: isoSeconds(r.shownAt),
    timestamp: new Date(r.at).toISOString(),
  }
}

function goalRow(i: Extract<SimIncident, { kind: 'goal' }>): Json {
  const type = i.detail === 'own' ? 'OG' : i.detail === 'penalty' ? 'PG' : 'G'
  const row: Json = { type, ...person(i.player, 'scorer') }
  if (i.assist && i.detail !== 'own') Object.assign(row, person(i.assist, 'assistPlayer'))
  return row
}

function person(p: SimPlayer | undefined, prefix: string): Json {
  if (p?.id == null) return {}
  return { [`${prefix}Id`]: spPlayerId(p.id), [`${prefix}Name`]: p.name ?? `Player ${p.id}` }
}

function lineUps(context: RenderContext): Json[] {
  const sheets = squads(context)
  return SIDES.map((side) => ({
    contestantId: contestantId(context, side),
    formationUsed: '442',
    player: sheets[side].map((p, k) => ({
      playerId: spPlayerId(p.id),
      firstName: context.teams[side].name,
      lastName: `#${p.shirt}`,
      knownName: p.name,
      matchName: p.name,
      shirtNumber: p.shirt,
      position: p.position,
      ...(p.starter ? { formationPlace: String(k + 1) } : {}),
    })),
  }))
}
