import { ProviderPayloadError } from '../../errors.js'
import { assertStorable } from '../../event/bounds.js'
import { ADDED_TIME_AFTER, PERIOD_START_MINUTE } from '../../event/clock.js'
import type { Card, EventResult, EventType, Period, Side } from '../../event/enums.js'
import type { AnyMatchEvent, MatchEvent, PlayerRef, TeamRef } from '../../event/schema.js'
import { markValidated } from '../../event/validate.js'
import { PITCH_LENGTH, PITCH_WIDTH } from '../../pitch/canonical.js'
import { toCanonicalX, toCanonicalY } from '../../pitch/transform.js'
import {
  OPTA_BALL_OUT_TYPES,
  OPTA_BALL_OWNING_TYPES,
  OPTA_BALL_TOUCH_TYPE,
  OPTA_BODY_PARTS,
  OPTA_CARDS,
  OPTA_CHALLENGE_TYPE,
  OPTA_COORDINATE_RANGE,
  OPTA_DELETED_TYPE,
  OPTA_EVENT_TYPES,
  OPTA_GOAL_MOUTH_Z_TO_METRES,
  OPTA_GOAL_TYPE,
  OPTA_PASS_TYPES,
  OPTA_PERIOD_END_TYPE,
  OPTA_PERIOD_START_TYPE,
  OPTA_PLAYER_OFF_TYPE,
  OPTA_PLAYER_ON_TYPE,
  OPTA_QUALIFIERS,
  OPTA_RECEIVING_TYPES,
  OPTA_SET_PIECES,
  type OptaTypeMapping,
} from './map-opta.js'
import { parseOptaTime } from './opta-time.js'

/**
 * One Opta event as the F24 and MA3 readers hand it over: checked and converted, in file order. The
 * normalisation below is the same for both feeds (same type and qualifier ids).
 */
export interface OptaRawEvent {
  /** Position among the file's events (for error messages). */
  index: number
  /** Globally unique event id (F24 `id`, MA3 `id`). */
  id: string
  /** Per-team sequence number (F24 `event_id`, MA3 `eventId`): what qualifier 55 points at. */
  eventId: string | undefined
  typeId: number
  periodId: number
  min: number
  sec: number
  teamId: string | undefined
  playerId: string | undefined
  /** MA3 carries the player's name on the event. */
  playerName: string | undefined
  outcome: number
  x: number | undefined
  y: number | undefined
  /** Wall clock, UTC epoch ms. */
  time: number
  version: number
  /** Qualifier ids and values, side by side (a linear scan of a handful beats building a Map per event). */
  qIds: number[]
  qValues: (string | undefined)[]
  raw: unknown
}

export interface OptaMatchContext {
  provider: 'opta' | 'statsperform'
  matchId: string
  home: string | undefined
  away: string | undefined
  teamNames: ReadonlyMap<string, string>
  playerNames: ReadonlyMap<string, string>
  /** Period starts (UTC epoch ms) from the feed's metadata, used when a period has no type-32 event. */
  periodStarts: ReadonlyMap<number, number>
  includeRaw: boolean
  /** `Event` (F24) or `event` (MA3): how error messages name an event. */
  eventLabel: string
  /** `Q(qualifier_id=140)` (F24) or `qualifier(qualifierId=140)` (MA3). */
  qualifierLabel: (qualifierId: number) => string
}

// The exported tables as dense arrays indexed by id, built once: one indexed load per lookup. Module-local
// copies of imported values read in the per-event loop (a CommonJS build turns an imported binding into a
// getter call).
function byId<T>(table: Record<number, T>): (T | undefined)[] {
  const out: (T | undefined)[] = []
  for (const [id, value] of Object.entries(table)) out[Number(id)] = value
  return out
}
const TYPES = byId<OptaTypeMapping>(OPTA_EVENT_TYPES)
const Q = { ...OPTA_QUALIFIERS }
const SET_PIECES = OPTA_SET_PIECES
const BODY_PARTS = OPTA_BODY_PARTS
const CARDS = OPTA_CARDS
const BALL_OUT = OPTA_BALL_OUT_TYPES
const BALL_OWNING = OPTA_BALL_OWNING_TYPES
const RECEIVING = OPTA_RECEIVING_TYPES
const PASS_TYPES = OPTA_PASS_TYPES
const DELETED = OPTA_DELETED_TYPE
const PLAYER_ON = OPTA_PLAYER_ON_TYPE
const PLAYER_OFF = OPTA_PLAYER_OFF_TYPE
const PERIOD_START = OPTA_PERIOD_START_TYPE
const PERIOD_END = OPTA_PERIOD_END_TYPE
const GOAL = OPTA_GOAL_TYPE
const BALL_TOUCH = OPTA_BALL_TOUCH_TYPE
const CHALLENGE = OPTA_CHALLENGE_TYPE
const Z_TO_METRES = OPTA_GOAL_MOUTH_Z_TO_METRES
const [COORD_MIN, COORD_MAX] = OPTA_COORDINATE_RANGE
// The match clock by period (Opta's `min` keeps counting: a `min` past a period's end is added time).
const START_MINUTE: readonly number[] = [0, ...Object.values(PERIOD_START_MINUTE)]
const END_MINUTE = ADDED_TIME_AFTER
const canonicalX = toCanonicalX
const canonicalY = toCanonicalY

interface Output {
  event: MatchEvent
  /** periodTime in whole ms, the sort key with the period and the id. */
  ms: number
}

/**
 * The shared normalisation of F24 and MA3 events (kloppy 3.19 semantics, differences documented in
 * docs/providers/opta.md): types and results from the tables in map-opta.ts, London / UTC times relative to
 * each period's type-32 start, substitutions merged, deletions as `deleted` events of their original type,
 * pre- and post-match events dropped by rule. Returns the events sorted by `seq`, valid by construction.
 */
export function normaliseOptaEvents(events: readonly OptaRawEvent[], ctx: OptaMatchContext): MatchEvent[] {
  const n = events.length
  // kloppy's "next event": the next one in file order that is not deleted, whatever its type or period.
  const next = new Int32Array(n + 1)
  next[n] = -1
  for (let i = n - 1, following = -1; i >= 0; i--) {
    next[i] = following
    if (events[i]!.typeId !== DELETED) following = i
  }
  // Period starts: the type-32 events (kloppy keeps the last one in file order), then the metadata.
  const starts: (number | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined]
  // Live (not deleted) events by team and per-team sequence number: what qualifier 55 points at.
  const byTeamSeq = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const e = events[i]!
    if (e.typeId === DELETED) continue
    if (e.typeId === PERIOD_START && e.periodId >= 1 && e.periodId <= 5) starts[e.periodId] = e.time
    if (e.eventId !== undefined && e.teamId !== undefined) byTeamSeq.set(`${e.teamId} ${e.eventId}`, i)
  }
  for (let p = 1; p <= 5; p++) if (starts[p] === undefined) starts[p] = ctx.periodStarts.get(p)

  // Substitutions: the player-off event (18) absorbs its player-on event (19), linked by qualifier 55.
  const partner = new Int32Array(n).fill(-1)
  const absorbed = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const e = events[i]!
    if (e.typeId !== PLAYER_OFF || e.periodId < 1 || e.periodId > 5) continue
    const on = findPlayerOn(events, i, byTeamSeq, next)
    if (on !== -1 && absorbed[on] === 0) {
      partner[i] = on
      absorbed[on] = 1
    }
  }

  const out: Output[] = []
  for (let i = 0; i < n; i++) {
    const e = events[i]!
    const deleted = e.typeId === DELETED
    if (!deleted && e.typeId === PLAYER_ON && absorbed[i] === 1) continue
    const inMatch = e.periodId >= 1 && e.periodId <= 5
    // Pre-match (16), post-match (14) and break periods hold no match events: dropped by rule. A deletion
    // is kept wherever it sits, so that a withdrawal always reaches the consumer.
    if (!inMatch && !deleted) continue
    out.push(normaliseOne(events, i, ctx, starts, next, partner, byTeamSeq))
  }

  // Order: period, periodTime, then id. seq = period·10¹¹ + periodTime in ms·10³ + the event's rank among
  // those of the same period and millisecond: an integer, increasing, a pure function of the snapshot.
  out.sort(compareOutput)
  let home = 0
  let away = 0
  let prevPeriod = -1
  let prevMs = -1
  let rank = 0
  for (let k = 0; k < out.length; k++) {
    const o = out[k]!
    const event = o.event
    if (event.period === prevPeriod && o.ms === prevMs) rank = rank < 999 ? rank + 1 : 999
    else rank = 0
    prevPeriod = event.period
    prevMs = o.ms
    event.seq = event.period * 1e11 + o.ms * 1e3 + rank
    // Goals count for the shooter's side, own goals for the other side; shoot-out kicks never count.
    const side = event.team?.side
    if (!event.deleted && event.type === 'shot' && side !== undefined && event.period !== 5) {
      if (event.result === 'goal' || event.result === 'own_goal') {
        if ((side === 'home') !== (event.result === 'own_goal')) home++
        else away++
        event.score = { home, away }
      }
    }
  }
  const result = new Array<MatchEvent>(out.length)
  for (let k = 0; k < out.length; k++) result[k] = out[k]!.event
  // Valid by construction: every field read above is checked, and the fuzz and conformance suites hold
  // every output to MatchEventSchema. Marked, so the pipeline does not check the batch again.
  return markValidated(assertStorable(ctx.provider, result))
}

function compareOutput(a: Output, b: Output): number {
  return (
    a.event.period - b.event.period ||
    a.ms - b.ms ||
    compareIds(a.event.providerEventId, b.event.providerEventId)
  )
}

/** Numeric ids compare as numbers (shorter first), anything else as text. */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length && isDigits(a) && isDigits(b)) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return s.length > 0
}

/**
 * The player-on event of player-off event `i`: the one its qualifier 55 names (same team), else the one
 * whose qualifier 55 names it, else (kloppy's rule) the very next event if it is a player-on of the team.
 */
function findPlayerOn(
  events: readonly OptaRawEvent[],
  i: number,
  byTeamSeq: ReadonlyMap<string, number>,
  next: Int32Array,
): number {
  const off = events[i]!
  const related = qualifier(off, Q.relatedEvent)
  if (related !== undefined && off.teamId !== undefined) {
    const j = byTeamSeq.get(`${off.teamId} ${related}`)
    if (j !== undefined && events[j]!.typeId === PLAYER_ON) return j
  }
  for (let j = next[i]!, hops = 0; j !== -1 && hops < 8; j = next[j]!, hops++) {
    const on = events[j]!
    if (on.typeId === PLAYER_ON && on.teamId === off.teamId) {
      if (hops === 0 || (off.eventId !== undefined && qualifier(on, Q.relatedEvent) === off.eventId)) return j
    }
  }
  return -1
}

function normaliseOne(
  events: readonly OptaRawEvent[],
  i: number,
  ctx: OptaMatchContext,
  starts: readonly (number | undefined)[],
  next: Int32Array,
  partner: Int32Array,
  byTeamSeq: ReadonlyMap<string, number>,
): Output {
  const e = events[i]!
  const deleted = e.typeId === DELETED
  let typeId = e.typeId
  if (deleted) {
    // The original type is in qualifier 144; without it the deletion is a generic one.
    const original = qualifier(e, Q.deletedEventType)
    typeId = original === undefined ? -1 : wholeNumber(ctx, e, Q.deletedEventType, original)
  }
  const inMatch = e.periodId >= 1 && e.periodId <= 5
  // A deletion outside the match periods (MA3 parks some in period 16) sits at the start of period 1.
  const period = (inMatch ? e.periodId : 1) as Period
  const mapping = typeId >= 0 ? TYPES[typeId] : undefined
  const { type, result, card, related, end, endZ, mirrored, version, time } = resolve(
    { events, i, ctx, next, partner, byTeamSeq },
    typeId,
    mapping,
  )

  // Times: since the period's start (never negative, as kloppy), else from the match clock.
  let ms: number
  if (!inMatch) ms = 0
  else {
    const start = starts[period]
    if (start !== undefined) ms = time > start ? Math.round(time - start) : 0
    else ms = Math.max(0, (e.min - START_MINUTE[period]!) * 60 + e.sec) * 1000
  }
  const periodEnd = inMatch ? END_MINUTE[period] : undefined
  const event: AnyMatchEvent = {
    id: `${ctx.provider}:${ctx.matchId}:${e.id}`,
    provider: ctx.provider,
    providerEventId: e.id,
    matchId: ctx.matchId,
    seq: 0,
    version,
    deleted,
    type,
    result,
    period,
    periodTime: ms / 1000,
    minute: periodEnd !== undefined && e.min > periodEnd ? periodEnd : e.min,
    second: e.sec,
    timestamp: new Date(time).toISOString(),
    providerType: typeId >= 0 ? String(typeId) : String(e.typeId),
  }
  if (periodEnd !== undefined && e.min > periodEnd) event.addedTime = e.min - periodEnd
  if (e.teamId !== undefined) event.team = teamRef(ctx, e)
  if (e.playerId !== undefined) event.player = playerRef(ctx, e)
  if (related !== undefined && events[related]!.playerId !== undefined) {
    event.relatedPlayer = playerRef(ctx, events[related]!)
  }

  // Location: none for types Opta sends without one, nor for a deletion's (0, 0) placeholder.
  const x = e.x
  const y = e.y
  if (x !== undefined && y !== undefined && mapping?.spatial !== false && !(deleted && x === 0 && y === 0)) {
    event.x = toPitchX(mirrored ? 100 - x : x)
    event.y = toPitchY(mirrored ? 100 - y : y)
  }
  if (end !== undefined) {
    event.endX = toPitchX(mirrored ? 100 - end[0] : end[0])
    event.endY = toPitchY(mirrored ? 100 - end[1] : end[1])
    if (endZ !== undefined) event.endZ = endZ > 0 ? endZ * Z_TO_METRES : 0
  }
  if (type === 'pass' || type === 'shot' || type === 'clearance' || type === 'goalkeeper') {
    const setPiece = firstOf(e, SET_PIECES)
    if (setPiece !== undefined) event.setPiece = setPiece
  }
  // On every type that carries a body-part qualifier: an interception or a ball touch by head, a tackle…
  const bodyPart = firstOf(e, BODY_PARTS)
  if (bodyPart !== undefined) event.bodyPart = bodyPart
  if (card !== undefined) event.card = card
  if (ctx.includeRaw) event.raw = e.raw
  return { event: event as MatchEvent, ms } // type and result come from one mapping row
}

/** What `normaliseOne` reads around an event: the match's events and the links between them. */
interface Neighbours {
  events: readonly OptaRawEvent[]
  i: number
  ctx: OptaMatchContext
  next: Int32Array
  partner: Int32Array
  byTeamSeq: ReadonlyMap<string, number>
}

/** An event's type as its mapping resolves it (kloppy's rules), with what the rules take from its neighbours. */
interface Resolved {
  type: EventType
  result: EventResult | null
  card: Card | undefined
  /** The index of the event whose player is relatedPlayer. */
  related: number | undefined
  /** Opta units, in the acting team's frame. */
  end: [number, number] | undefined
  /** Opta goal-mouth units. */
  endZ: number | undefined
  /** Own goal: kloppy turns the start and end round. */
  mirrored: boolean
  version: number
  time: number
}

/** The mapping's `resolve` rule for one event (the parser's switch table). */
function resolve(n: Neighbours, typeId: number, mapping: OptaTypeMapping | undefined): Resolved {
  const { events, i, ctx, next, partner, byTeamSeq } = n
  const e = events[i]!
  let type: EventType = mapping === undefined ? 'generic' : mapping.type
  let result: EventResult | null = null
  let card: Card | undefined
  let related: number | undefined
  let end: [number, number] | undefined
  let endZ: number | undefined
  let mirrored = false
  let version = e.version
  let time = e.time
  const outcome = e.outcome
  const live = e.typeId !== DELETED // neighbour-based rules (kloppy's) only make sense for live events

  switch (mapping?.resolve) {
    case 'pass': {
      result = outcome === 1 ? 'complete' : 'incomplete'
      end = endPoint(ctx, e, Q.passEndX, Q.passEndY)
      if (live) {
        // kloppy: a pass followed by a successful ball touch (type 61, either team: a deflection) and then
        // an action of the passer's team is complete, and ends where that action starts, whatever its
        // outcome and qualifiers 140 / 141 said.
        const touch = next[i]!
        const after = touch === -1 ? -1 : next[touch]!
        if (after !== -1 && events[touch]!.typeId === BALL_TOUCH && events[touch]!.outcome === 1) {
          const a = events[after]!
          if (a.teamId === e.teamId && a.x !== undefined && a.y !== undefined) {
            result = 'complete'
            end = [a.x, a.y]
          }
        }
      }
      if (live && result === 'complete') related = receiver(events, i, next)
      break
    }
    case 'offside_pass':
      result = 'offside'
      end = endPoint(ctx, e, Q.passEndX, Q.passEndY)
      break
    case 'take_on':
      result = outcome === 1 ? 'complete' : 'incomplete'
      break
    case 'foul':
      // kloppy: the fouling side (outcome 0) commits the foul; the fouled side's event is generic.
      if (outcome !== 0) type = 'generic'
      break
    case 'duel':
      result = outcome === 1 ? 'won' : 'lost'
      break
    case 'interception': {
      result = 'success'
      const j = live ? next[i]! : -1
      if (j !== -1) {
        const after = events[j]!
        if (BALL_OUT.includes(after.typeId)) result = 'out'
        else if (BALL_OWNING.includes(after.typeId) && after.teamId !== e.teamId) result = 'lost'
      }
      break
    }
    case 'save':
      // A "save" with qualifier 94 is an outfield player's block: kloppy's generic "block".
      if (has(e, Q.defensiveBlock)) type = 'generic'
      break
    case 'shot': {
      if (typeId === GOAL) {
        mirrored = has(e, Q.ownGoal)
        result = mirrored ? 'own_goal' : 'goal'
        // kloppy: a goal's time is qualifier 374 (London time), not the event's timestamp.
        const goalTime = qualifier(e, Q.goalTime)
        if (goalTime !== undefined) {
          const t = parseOptaTime(goalTime, 'decimal', 'london')
          if (t === undefined) {
            failQ(
              ctx,
              e,
              Q.goalTime,
              `expected "YYYY-MM-DD HH:MM:SS.mmm" (London time), got ${JSON.stringify(goalTime)}`,
            )
          }
          time = t
        }
        if (live && !mirrored) {
          // The assist: the pass qualifier 55 points at, by the same team.
          const assist = qualifier(e, Q.relatedEvent)
          const j =
            assist === undefined || e.teamId === undefined
              ? undefined
              : byTeamSeq.get(`${e.teamId} ${assist}`)
          if (j !== undefined && PASS_TYPES.includes(events[j]!.typeId)) related = j
        }
      } else if (has(e, Q.blocked)) result = 'blocked'
      else result = typeId === 13 ? 'off_target' : typeId === 14 ? 'post' : 'saved'
      const shotEnd = shotEndPoint(ctx, e)
      if (shotEnd !== undefined) {
        end = [shotEnd[0], shotEnd[1]]
        endZ = shotEnd[2]
      }
      break
    }
    case 'card':
      for (const [q, c] of CARDS) {
        if (has(e, q)) {
          card = c
          break
        }
      }
      break
    case 'player_off': {
      const on = partner[i]!
      if (on !== -1) {
        related = on
        // A later snapshot that adds the player-on must supersede the one without it.
        if (events[on]!.version > version) version = events[on]!.version
      }
      break
    }
    case 'ball_touch':
      if (outcome === 0) type = 'miscontrol'
      break
    default:
      break
  }
  return { type, result, card, related, end, endZ, mirrored, version, time }
}

/**
 * kloppy's receiver of a completed pass: the player of the next event, when it is an on-ball action of the
 * same team in the same period. Events kloppy does not emit (period start / end, player on, outside the match periods) are
 * skipped, and so is an opponent's challenge (type 45) in between.
 */
function receiver(events: readonly OptaRawEvent[], i: number, next: Int32Array): number | undefined {
  const pass = events[i]!
  for (let j = next[i]!; j !== -1; j = next[j]!) {
    const e = events[j]!
    const t = e.typeId
    if (t === PERIOD_START || t === PERIOD_END || t === PLAYER_ON || e.periodId < 1 || e.periodId > 5)
      continue
    if (t === CHALLENGE && e.teamId !== pass.teamId) continue
    return e.teamId === pass.teamId && e.periodId === pass.periodId && RECEIVING.includes(t) ? j : undefined
  }
  return undefined
}

function teamRef(ctx: OptaMatchContext, e: OptaRawEvent): TeamRef {
  const id = e.teamId!
  let side: Side | undefined
  if (id === ctx.home) side = 'home'
  else if (id === ctx.away) side = 'away'
  else if (ctx.home !== undefined && ctx.away !== undefined) {
    fail(
      ctx,
      e,
      ctx.provider === 'opta' ? 'team_id' : 'contestantId',
      `team ${id} is neither the home (${ctx.home}) nor the away team (${ctx.away})`,
    )
  }
  const name = ctx.teamNames.get(id)
  const ref: TeamRef = { id }
  if (name !== undefined) ref.name = name
  if (side !== undefined) ref.side = side
  return ref
}

function playerRef(ctx: OptaMatchContext, e: OptaRawEvent): PlayerRef {
  const id = e.playerId!
  const name = ctx.playerNames.get(id) ?? e.playerName
  return name === undefined ? { id } : { id, name }
}

/** An Opta coordinate (0-100) on the metric pitch, zone-aware; off-pitch values are clamped to the lines. */
function toPitchX(v: number): number {
  return Math.min(Math.max(canonicalX('opta', v), 0), PITCH_LENGTH)
}

function toPitchY(v: number): number {
  return Math.min(Math.max(canonicalY('opta', v), 0), PITCH_WIDTH)
}

/** A pass end (qualifiers 140 / 141): both, or none. */
function endPoint(
  ctx: OptaMatchContext,
  e: OptaRawEvent,
  qx: number,
  qy: number,
): [number, number] | undefined {
  const x = qualifier(e, qx)
  const y = qualifier(e, qy)
  if (x === undefined || y === undefined) return undefined
  return [coordinate(ctx, e, qx, x), coordinate(ctx, e, qy, y)]
}

/**
 * kloppy's shot end: a pass-style end (140 / 141) if any; else where it was blocked (146 / 147), with the
 * goal-mouth height projected back to that point; else the goal line (x = 100) at goal-mouth y (102), with
 * its height (103).
 */
function shotEndPoint(
  ctx: OptaMatchContext,
  e: OptaRawEvent,
): [number, number, number | undefined] | undefined {
  const pass = endPoint(ctx, e, Q.passEndX, Q.passEndY)
  if (pass !== undefined) return [pass[0], pass[1], undefined]
  const mouthY = qualifier(e, Q.goalMouthY)
  const mouthZ = qualifier(e, Q.goalMouthZ)
  const blocked = endPoint(ctx, e, Q.blockedX, Q.blockedY)
  if (blocked !== undefined) {
    let z: number | undefined
    if (mouthY !== undefined && mouthZ !== undefined && e.x !== undefined && e.y !== undefined) {
      const gy = coordinate(ctx, e, Q.goalMouthY, mouthY)
      const gz = coordinate(ctx, e, Q.goalMouthZ, mouthZ)
      const toGoal = Math.hypot(100 - e.x, gy - e.y)
      const toBlock = Math.hypot(blocked[0] - e.x, blocked[1] - e.y)
      z = toGoal > 0 ? (gz / toGoal) * toBlock : undefined
    }
    return [blocked[0], blocked[1], z]
  }
  if (mouthY === undefined) return undefined
  const gy = coordinate(ctx, e, Q.goalMouthY, mouthY)
  return [100, gy, mouthZ === undefined ? undefined : coordinate(ctx, e, Q.goalMouthZ, mouthZ)]
}

function firstOf<T>(e: OptaRawEvent, table: readonly (readonly [number, T])[]): T | undefined {
  const ids = e.qIds
  if (ids.length === 0) return undefined
  for (let k = 0; k < table.length; k++) {
    const entry = table[k]!
    if (ids.includes(entry[0])) return entry[1]
  }
  return undefined
}

function has(e: OptaRawEvent, id: number): boolean {
  return e.qIds.includes(id)
}

/** A qualifier's value ('' for a flag qualifier), or undefined when the event does not carry it. */
export function qualifier(e: OptaRawEvent, id: number): string | undefined {
  const k = e.qIds.indexOf(id)
  return k === -1 ? undefined : (e.qValues[k] ?? '')
}

function coordinate(ctx: OptaMatchContext, e: OptaRawEvent, id: number, text: string): number {
  const v = text === '' ? Number.NaN : Number(text)
  if (!(v >= COORD_MIN && v <= COORD_MAX)) {
    failQ(ctx, e, id, `expected a coordinate (${COORD_MIN} to ${COORD_MAX}), got ${JSON.stringify(text)}`)
  }
  return v
}

function wholeNumber(ctx: OptaMatchContext, e: OptaRawEvent, id: number, text: string): number {
  const v = text === '' ? Number.NaN : Number(text)
  if (!Number.isInteger(v) || v < 0) failQ(ctx, e, id, `expected a type id, got ${JSON.stringify(text)}`)
  return v
}

/** `Event[12](id=1510681159)`: the position and the id, so the event can be found in the file. */
export function label(
  ctx: Pick<OptaMatchContext, 'eventLabel'>,
  e: Pick<OptaRawEvent, 'index' | 'id'>,
): string {
  return `${ctx.eventLabel}[${e.index}](id=${e.id})`
}

function fail(ctx: OptaMatchContext, e: OptaRawEvent, field: string, reason: string): never {
  throw new ProviderPayloadError(ctx.provider, `${label(ctx, e)}.${field}`, reason)
}

function failQ(ctx: OptaMatchContext, e: OptaRawEvent, id: number, reason: string): never {
  throw new ProviderPayloadError(ctx.provider, `${label(ctx, e)}.${ctx.qualifierLabel(id)}.value`, reason)
}
