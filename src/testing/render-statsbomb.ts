import type { Side } from '../event/enums.js'
import { clockTime, type FeedRecord, feedRecords, stateAt } from './feed-records.js'
import type { RenderContext } from './render-context.js'
import { uuidOf } from './sim-ids.js'
import { type SquadPlayer, squads } from './squads.js'
import { credited, MINUTE, type SimIncident, type SimPlayer } from './timeline.js'

/** StatsBomb's Data API (v8 events, v4 lineups) as it answers about the simulated match at `at`. */
export interface StatsBombRenderer {
  /**
   * The v8 events shown at `at`, in `index` order: `[]` before kick-off. A goal first appears without its
   * xG and end location (added a minute later); a goal cancelled by VAR vanishes.
   */
  events(at: number): unknown[]
  /** The v4 lineups: `[]` until an hour before kick-off; cards and positions as they stand at `at`. */
  lineups(at: number): unknown[]
}

type Json = Record<string, unknown>

const POSITION: Record<string, { id: number; name: string }> = {
  Goalkeeper: { id: 1, name: 'Goalkeeper' },
  Defender: { id: 3, name: 'Right Center Back' },
  Midfielder: { id: 10, name: 'Center Defensive Midfield' },
  Forward: { id: 23, name: 'Center Forward' },
  Substitute: { id: 15, name: 'Left Center Midfield' },
}
const CARD = {
  yellow: { id: 7, name: 'Yellow Card' },
  second_yellow: { id: 6, name: 'Second Yellow' },
  red: { id: 5, name: 'Red Card' },
} as const
const SHOT_TYPE = { open: { id: 87, name: 'Open Play' }, penalty: { id: 88, name: 'Penalty' } }
const OUTCOME = { goal: { id: 97, name: 'Goal' }, saved: { id: 100, name: 'Saved' } }

export function createStatsBombRenderer(context: RenderContext): StatsBombRenderer {
  const records = feedRecords(context.timeline).list
  // Each record's events take fixed places in the match's final order: `index` never moves between polls.
  const firstIndex = new Map<string, number>()
  let next = 3 // 1 and 2: the Starting XIs
  for (const r of records) {
    firstIndex.set(r.key, next)
    next += eventCount(r)
  }
  return {
    events(at) {
      if (at < context.timeline.kickOff + context.timeline.lagMs) return []
      const out = startingElevens(context)
      for (const r of records) {
        const state = stateAt(r, at)
        if (state === 'hidden' || state === 'withdrawn') continue
        out.push(...recordEvents(context, r, firstIndex.get(r.key)!, state === 'complete'))
      }
      return out
    },
    lineups: (at) => (at < context.timeline.kickOff - 60 * MINUTE ? [] : lineups(context, at)),
  }
}

function eventCount(r: FeedRecord): number {
  if (r.kind !== 'incident') return 2 // one per team
  const i = r.incident!
  if (i.kind === 'var') return 0
  return i.kind === 'goal' && i.detail === 'own' ? 2 : 1
}

function teamRef(context: RenderContext, side: Side) {
  const t = context.teams[side]
  return { id: t.id, name: t.name }
}

function playerRef(p: SimPlayer | undefined) {
  return p?.id == null ? undefined : { id: p.id, name: p.name ?? `Player ${p.id}` }
}

function stamp(ms: number): string {
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor(ms / MINUTE) % 60
  const s = (ms / 1000) % 60
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`
}

/** The fields every event has, for an event of `side` at `at` in the record's period. */
function base(context: RenderContext, r: FeedRecord, index: number, k: number, side: Side, at: number): Json {
  const clock = clockTime(context.timeline, r.period, at)
  const team = teamRef(context, side)
  return {
    id: uuidOf(`statsbomb:${context.fixtureId}:${r.key}:${k}`),
    index,
    period: r.period,
    timestamp: stamp(clock.periodMs),
    minute: clock.minute,
    second: clock.second,
    possession: r.order + 1,
    possession_team: team,
    play_pattern: { id: 1, name: 'Regular Play' },
    team,
    duration: 0,
  }
}

function startingElevens(context: RenderContext): Json[] {
  const sheets = squads(context)
  return (['home', 'away'] as const).map((side, k) => ({
    id: uuidOf(`statsbomb:${context.fixtureId}:xi:${side}`),
    index: k + 1,
    period: 1,
    timestamp: '00:00:00.000',
    minute: 0,
    second: 0,
    type: { id: 35, name: 'Starting XI' },
    possession: 1,
    possession_team: teamRef(context, 'home'),
    play_pattern: { id: 1, name: 'Regular Play' },
    team: teamRef(context, side),
    duration: 0,
    tactics: {
      formation: 442,
      lineup: sheets[side]
        .filter((p) => p.starter)
        .map((p) => ({
          player: { id: p.id, name: p.name },
          position: POSITION[p.position],
          jersey_number: p.shirt,
        })),
    },
  }))
}

function recordEvents(context: RenderContext, r: FeedRecord, index: number, complete: boolean): Json[] {
  if (r.kind !== 'incident') {
    const type = r.kind === 'period_start' ? { id: 18, name: 'Half Start' } : { id: 34, name: 'Half End' }
    return (['home', 'away'] as const).map((side, k) => ({
      ...base(context, r, index + k, k, side, r.at),
      type,
    }))
  }
  const i = r.incident!
  if (i.kind === 'var') return []
  const at = (k: number) => base(context, r, index + k, k, i.side, r.at)
  const player = 'player' in i ? playerRef(i.player) : undefined
  const position = positionOf(context, i.side, player?.id)
  const withPlayer = (k: number) => (player ? { ...at(k), player, position } : at(k))
  switch (i.kind) {
    case 'goal':
      if (i.detail === 'own') return ownGoal(context, r, i.side, withPlayer(0), at(1))
      return [shot(withPlayer(0), i.detail === 'penalty', OUTCOME.goal, complete)]
    case 'missed_penalty':
      return [shot(withPlayer(0), true, OUTCOME.saved, true)]
    case 'shootout':
      return [shot(withPlayer(0), true, i.scored ? OUTCOME.goal : OUTCOME.saved, true)]
    case 'card':
      return [card(withPlayer(0), i.card)]
    case 'sub':
      return [substitution(context, at(0), i)]
  }
}

/** A player's position as StatsBomb names it (the team sheet's role). */
function positionOf(context: RenderContext, side: Side, id: number | undefined) {
  const p = squads(context)[side].find((q) => q.id === id)
  return POSITION[p?.starter ? p.position : 'Substitute']
}

function shot(event: Json, penalty: boolean, outcome: { id: number; name: string }, complete: boolean): Json {
  const details = complete
    ? { statsbomb_xg: penalty ? 0.7835 : 0.1523, end_location: [120.0, 38.5, 0.8] }
    : {}
  return {
    ...event,
    type: { id: 16, name: 'Shot' },
    location: penalty ? [108.0, 40.0] : [105.0, 36.0],
    duration: 0.5,
    shot: {
      ...details,
      body_part: { id: 40, name: 'Right Foot' },
      technique: { id: 93, name: 'Normal' },
      outcome,
      type: penalty ? SHOT_TYPE.penalty : SHOT_TYPE.open,
    },
  }
}

/** Own Goal Against (the defender's team) and its mirror Own Goal For (the other team). */
function ownGoal(context: RenderContext, r: FeedRecord, side: Side, against: Json, mirror: Json): Json[] {
  const other = credited(r.incident as Extract<SimIncident, { kind: 'goal' }>)
  const forTeam = teamRef(context, other)
  const againstId = against.id as string
  return [
    {
      ...against,
      type: { id: 20, name: 'Own Goal Against' },
      location: [4.0, 40.0],
      related_events: [mirror.id],
    },
    {
      ...mirror,
      team: forTeam,
      possession_team: teamRef(context, side),
      type: { id: 25, name: 'Own Goal For' },
      location: [116.0, 40.0],
      related_events: [againstId],
    },
  ]
}

function card(event: Json, kind: 'yellow' | 'second_yellow' | 'red'): Json {
  if (kind === 'red')
    return { ...event, type: { id: 24, name: 'Bad Behaviour' }, bad_behaviour: { card: CARD.red } }
  return {
    ...event,
    type: { id: 22, name: 'Foul Committed' },
    location: [60.0, 40.0],
    foul_committed: { card: CARD[kind] },
  }
}

function substitution(context: RenderContext, event: Json, i: Extract<SimIncident, { kind: 'sub' }>): Json {
  const off = playerRef(i.off)
  return {
    ...event,
    ...(off ? { player: off, position: positionOf(context, i.side, off.id) } : {}),
    type: { id: 19, name: 'Substitution' },
    substitution: { outcome: { id: 103, name: 'Tactical' }, replacement: playerRef(i.on) },
  }
}

function lineups(context: RenderContext, at: number): Json[] {
  const sheets = squads(context)
  const shown = feedRecords(context.timeline).list.filter((r) => {
    const state = stateAt(r, at)
    return r.incident && state !== 'hidden' && state !== 'withdrawn'
  })
  return (['home', 'away'] as const).map((side) => ({
    team_id: context.teams[side].id,
    team_name: context.teams[side].name,
    lineup: sheets[side].map((p) => ({
      player_id: p.id,
      player_name: p.name,
      player_nickname: null,
      jersey_number: p.shirt,
      country: { id: 68, name: 'England' },
      cards: playerCards(context, shown, p),
      positions: playerPositions(context, shown, p),
    })),
  }))
}

function mmss(context: RenderContext, r: FeedRecord): string {
  const { minute, second } = clockTime(context.timeline, r.period, r.at)
  return `${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}`
}

function playerCards(context: RenderContext, shown: FeedRecord[], p: SquadPlayer): Json[] {
  return shown.flatMap((r) => {
    const i = r.incident!
    if (i.kind !== 'card' || i.player.id !== p.id) return []
    const reason = i.card === 'red' ? 'Bad Behaviour' : 'Foul Committed'
    return [{ time: mmss(context, r), card_type: CARD[i.card].name, reason, period: r.period }]
  })
}

function playerPositions(context: RenderContext, shown: FeedRecord[], p: SquadPlayer): Json[] {
  const subs = shown.filter((r) => r.incident?.kind === 'sub')
  const on = subs.find((r) => (r.incident as { on: SimPlayer }).on.id === p.id)
  const off = subs.find((r) => (r.incident as { off: SimPlayer }).off.id === p.id)
  if (!p.starter && !on) return []
  const position = POSITION[p.starter ? p.position : 'Substitute']!
  return [
    {
      position_id: position.id,
      position: position.name,
      from: on ? mmss(context, on) : '00:00',
      to: off ? mmss(context, off) : null,
      from_period: on ? on.period : 1,
      to_period: off ? off.period : null,
      start_reason: on ? 'Substitution - On (Tactical)' : 'Starting XI',
      end_reason: off ? 'Substitution - Off (Tactical)' : 'Final Whistle',
    },
  ]
}
