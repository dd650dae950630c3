import { invalidOption, ProviderPayloadError } from '../../errors.js'
import { formatPath, rawProblem, textProblem, tooLarge } from '../../event/bounds.js'
import { ADDED_TIME_AFTER } from '../../event/clock.js'
import type { BodyPart, Card, EventResult, EventType, SetPiece, Side } from '../../event/enums.js'
import { matchEventIdPrefix } from '../../event/ids.js'
import {
  INT4_MAX,
  NAME_MAX_LENGTH,
  PROVIDER_EVENT_ID_MAX_LENGTH,
  PROVIDER_TYPE_MAX_LENGTH,
  REF_ID_MAX_LENGTH,
} from '../../event/limits.js'
import type { AnyMatchEvent, MatchEvent, PlayerRef, TeamRef } from '../../event/schema.js'
import { markValidated } from '../../event/validate.js'
import { statsBombCellCentre, toCanonicalX, toCanonicalY } from '../../pitch/transform.js'
import { checkedOptions } from '../options.js'
import { describe } from '../payload.js'
import {
  STATSBOMB_BODY_PARTS,
  STATSBOMB_CARDS,
  STATSBOMB_DRIBBLE_OUTCOMES,
  STATSBOMB_DUEL_AERIAL_LOST,
  STATSBOMB_DUEL_OUT_OUTCOMES,
  STATSBOMB_DUEL_OUTCOMES,
  STATSBOMB_EVENT_TYPES,
  STATSBOMB_FIFTY_FIFTY_OUTCOMES,
  STATSBOMB_GOALKEEPER_TYPES,
  STATSBOMB_INTERCEPTION_OUTCOMES,
  STATSBOMB_KEEPER_SWEEPER_CLAIM,
  STATSBOMB_KEEPER_SWEEPER_CLEAR,
  STATSBOMB_PASS_OUTCOMES,
  STATSBOMB_SET_PIECES,
  STATSBOMB_SHOT_OUTCOMES,
  STATSBOMB_SHOT_TYPE,
  STATSBOMB_STARTING_XI_TYPE,
  STATSBOMB_XY_FIDELITY_TYPES,
  STATSBOMB_Z_TO_METRES,
  type StatsBombTypeMapping,
} from './map-statsbomb.js'
import { decodeStatsBombJson, readStatsBombLineups, type StatsBombNames } from './parse-lineups.js'
import { type StatsBombParseOptions, StatsBombParseOptionsSchema } from './statsbomb-options.js'

type Json = { readonly [key: string]: unknown }
type Fidelity = 'v1' | 'v2'
type GoalkeeperRule = EventType | 'keeper_sweeper'

const PROVIDER = 'statsbomb'

// The exported tables as dense arrays indexed by StatsBomb id, built once: one indexed load per lookup.
function byId<T>(table: Record<number, T>): (T | undefined)[] {
  const out: (T | undefined)[] = []
  for (const [id, value] of Object.entries(table)) out[Number(id)] = value
  return out
}
const TYPES = byId<StatsBombTypeMapping>(STATSBOMB_EVENT_TYPES)
const PASS_OUTCOMES = byId<EventResult | null>(STATSBOMB_PASS_OUTCOMES)
const SHOT_OUTCOMES = byId<EventResult>(STATSBOMB_SHOT_OUTCOMES)
const DRIBBLE_OUTCOMES = byId<EventResult>(STATSBOMB_DRIBBLE_OUTCOMES)
const DUEL_OUTCOMES = byId<EventResult>(STATSBOMB_DUEL_OUTCOMES)
const FIFTY_FIFTY_OUTCOMES = byId<EventResult>(STATSBOMB_FIFTY_FIFTY_OUTCOMES)
const INTERCEPTION_OUTCOMES = byId<EventResult>(STATSBOMB_INTERCEPTION_OUTCOMES)
const GOALKEEPER_TYPES = byId<GoalkeeperRule>(STATSBOMB_GOALKEEPER_TYPES)
const SET_PIECES = byId<SetPiece>(STATSBOMB_SET_PIECES)
const BODY_PARTS = byId<BodyPart>(STATSBOMB_BODY_PARTS)
const CARDS = byId<Card>(STATSBOMB_CARDS)
// The minute after which time is added, by period (none in the shoot-out).
const PERIOD_END = ADDED_TIME_AFTER
const [XY_TYPE_A, XY_TYPE_B, XY_TYPE_C] = STATSBOMB_XY_FIDELITY_TYPES as [number, number, number]
const HANDS: readonly number[] = [35, 39, 41]
const HEAD_OR_FOOT: readonly number[] = [37, 38, 40]

interface Team {
  raw: unknown
  key: string
  name: string | undefined
  side: Side | undefined
  /** Shared by every event of the team that names it as the Starting XI does: frozen, built once. */
  ref: TeamRef
  /** Whether `ref` was checked against the storage bounds (at the team's first event). */
  checked: boolean
}

interface Context {
  items: readonly unknown[]
  matchId: string
  idPrefix: string
  includeRaw: boolean
  names: StatsBombNames | undefined
  xy: Fidelity
  shot: Fidelity
  teams: Team[]
  sidesKnown: boolean
  home: number
  away: number
  /** Open-addressing set of the uuids' first 7 hex digits (+1; 0 is an empty slot), twice the file's size. */
  prefixes: Int32Array
  versions: Map<string, number> | undefined
  byId: Map<string, Json> | undefined
  /** Player refs by StatsBomb id, shared by the player's events (frozen): most events name a player. */
  players: Map<unknown, PlayerRef>
  details: Details
}

/**
 * StatsBomb events (open data / Data API v8 `events/{match_id}.json`: bytes, text or the parsed array) to
 * MatchEvents, with kloppy's semantics: cell-centred, zone-aware coordinates with the per-file fidelity,
 * home = the team of the first Starting XI event, Own Goal For dropped (its Own Goal Against is the shot).
 * `lineups` (the match's lineups file) fills player and team names the events lack.
 *
 * Throws MatchfeedError `invalid_option` without `matchId` (event files do not carry it), and
 * ProviderPayloadError naming the event (`events[12](<uuid>).location`) and the reason for anything it
 * cannot read: never a partial result. The output is valid by construction (the suites hold every event to
 * MatchEventSchema); team and player refs are shared by the call's events, and frozen.
 */
export function parseStatsBombEvents(
  events: string | Uint8Array | unknown[],
  options: StatsBombParseOptions,
): MatchEvent[] {
  const opts = checkOptions(options)
  const items = readEvents(events)
  const names = opts.lineups === undefined ? undefined : readStatsBombLineups(opts.lineups)
  const ctx = createContext(items, opts.matchId, opts.includeRaw, names)
  const out: MatchEvent[] = []
  for (let i = 0; i < items.length; i++) {
    const event = normalise(ctx, items[i], i)
    if (event !== undefined) out.push(event)
  }
  // Valid by construction: every field read above is checked, and the fuzz and conformance suites hold
  // every output to MatchEventSchema. Marked, so the pipeline does not check the batch again.
  return markValidated(out)
}

function checkOptions(options: StatsBombParseOptions | undefined) {
  if (
    options === undefined ||
    options === null ||
    (typeof options === 'object' && (options as { matchId?: unknown }).matchId === undefined)
  ) {
    throw invalidOption(
      'statsbomb',
      'matchId',
      'required (a StatsBomb event file does not carry its match id)',
    )
  }
  return checkedOptions(PROVIDER, StatsBombParseOptionsSchema, options)
}

function readEvents(events: unknown): unknown[] {
  const body = decodeStatsBombJson(events, 'events')
  if (Array.isArray(body)) return body
  throw new ProviderPayloadError(PROVIDER, 'events', notAnArray(body))
}

function notAnArray(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const keys = body as Json
    if ('matchInfo' in keys || 'liveData' in keys) {
      return 'a JSON object with matchInfo / liveData (a Stats Perform MA1 / MA3 feed?): expected a StatsBomb events array'
    }
    if ('response' in keys && 'get' in keys) {
      return 'a JSON object with get / response (an API-Football response?): expected a StatsBomb events array'
    }
    return 'a JSON object: expected a JSON array of StatsBomb events'
  }
  return `${describe(body)}: expected a JSON array of StatsBomb events`
}

/**
 * The two per-file facts kloppy decides over the whole file, needed before any coordinate: the fidelity
 * (v2 when a Pass / Carry / Dribble location, or a Shot location, is fractional) and the home team (the
 * team of the first Starting XI event, kloppy issue 171: the lineups file's order is not home / away).
 */
function createContext(
  items: readonly unknown[],
  matchId: string,
  includeRaw: boolean,
  names: StatsBombNames | undefined,
): Context {
  let xyV2 = false
  let shotV2 = false
  let home: Json | undefined
  let away: Json | undefined
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    if (typeof item !== 'object' || item === null) continue
    const type = (item as Json).type
    if (typeof type !== 'object' || type === null) continue
    const typeId = (type as Json).id
    if (typeId === STATSBOMB_STARTING_XI_TYPE) {
      const team = (item as Json).team
      if (typeof team === 'object' && team !== null) {
        if (home === undefined) home = team as Json
        else if (away === undefined && (team as Json).id !== home.id) away = team as Json
      }
      continue
    }
    // Both fidelities found v2 and both Starting XIs seen (they open the file): nothing more to learn.
    if (xyV2 && shotV2 && away !== undefined) break
    const shot = typeId === STATSBOMB_SHOT_TYPE
    if (shot ? shotV2 : xyV2 || (typeId !== XY_TYPE_A && typeId !== XY_TYPE_B && typeId !== XY_TYPE_C))
      continue
    const location = (item as Json).location
    if (!Array.isArray(location)) continue
    const x: unknown = location[0]
    const y: unknown = location[1]
    if ((typeof x === 'number' && !Number.isInteger(x)) || (typeof y === 'number' && !Number.isInteger(y))) {
      if (shot) shotV2 = true
      else xyV2 = true
    }
  }
  const teams: Team[] = []
  for (const [team, side] of [
    [home, 'home'],
    [away, 'away'],
  ] as const) {
    const key = team === undefined ? undefined : idKey(team.id)
    if (team === undefined || key === undefined) continue
    const name = typeof team.name === 'string' ? team.name : names?.teams.get(key)
    teams.push(createTeam(team.id, key, name, side))
  }
  return {
    items,
    matchId,
    idPrefix: matchEventIdPrefix(PROVIDER, matchId),
    includeRaw,
    names,
    xy: xyV2 ? 'v2' : 'v1',
    shot: shotV2 ? 'v2' : 'v1',
    teams,
    sidesKnown: teams.length > 0,
    home: 0,
    away: 0,
    prefixes: new Int32Array(2 ** Math.max(4, Math.ceil(Math.log2(items.length * 2 + 1)))),
    versions: undefined,
    byId: undefined,
    players: new Map(),
    details: {
      type: 'generic',
      result: null,
      setPiece: undefined,
      bodyPart: undefined,
      card: undefined,
      related: undefined,
      end: undefined,
      endFidelity: xyV2 ? 'v2' : 'v1',
      ownGoal: false,
      drop: false,
    },
  }
}

function normalise(ctx: Context, item: unknown, i: number): MatchEvent | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return fail(i, item, '', `expected an event object, got ${describe(item)}`)
  }
  const e = item as Json
  const providerEventId = e.id
  if (typeof providerEventId !== 'string' || providerEventId === '') {
    return fail(i, e, 'id', `expected the event's uuid, got ${describe(providerEventId)}`)
  }
  // The storage bounds (src/event/bounds.ts) are checked where each string is read, while it is at hand:
  // a pass over the output afterwards would cost a twentieth of a JSON.parse.
  checkText(i, e, 'id', providerEventId, PROVIDER_EVENT_ID_MAX_LENGTH)
  const type = e.type
  if (typeof type !== 'object' || type === null) {
    return fail(i, e, 'type', `expected { id, name }, got ${describe(type)}`)
  }
  const typeId = (type as Json).id
  if (typeof typeId !== 'number' || !Number.isInteger(typeId) || typeId < 0) {
    return fail(i, e, 'type.id', `expected a StatsBomb type id, got ${describe(typeId)}`)
  }
  const period = e.period
  if (period !== 1 && period !== 2 && period !== 3 && period !== 4 && period !== 5) {
    return fail(i, e, 'period', `expected 1 to 5, got ${describe(period)}`)
  }
  const timestamp = e.timestamp
  const ms = typeof timestamp === 'string' ? clockMs(timestamp) : -1
  if (ms < 0) return fail(i, e, 'timestamp', `expected "HH:MM:SS.mmm", got ${describe(timestamp)}`)
  const minute = e.minute
  if (typeof minute !== 'number' || !Number.isSafeInteger(minute) || minute < 0) {
    return fail(i, e, 'minute', `expected a whole number of minutes, got ${describe(minute)}`)
  }
  if (minute > INT4_MAX) return fail(i, e, 'minute', tooLarge(INT4_MAX))
  const second = e.second
  if (typeof second !== 'number' || !Number.isInteger(second) || second < 0 || second > 59) {
    return fail(i, e, 'second', `expected 0 to 59, got ${describe(second)}`)
  }
  const index = e.index
  if (index !== undefined && (typeof index !== 'number' || !(index >= 0) || !Number.isFinite(index))) {
    return fail(i, e, 'index', `expected a non-negative number, got ${describe(index)}`)
  }
  const typeName = (type as Json).name
  if (typeName !== undefined && typeof typeName !== 'string') {
    return fail(i, e, 'type.name', `expected a string, got ${describe(typeName)}`)
  }

  const mapping = TYPES[typeId]
  // The name is nearly always the table's own (no scan needed then).
  if (typeName !== undefined && typeName !== mapping?.name) {
    checkText(i, e, 'type.name', typeName, PROVIDER_TYPE_MAX_LENGTH)
  }
  const d = ctx.details
  readDetails(ctx, e, i, mapping, d)
  if (d.drop) return undefined
  const { type: eventType, result, setPiece, bodyPart, card, related, end, endFidelity, ownGoal } = d
  let team: TeamRef | undefined
  let side: Side | undefined
  if (e.team !== undefined) {
    const known = findTeam(ctx, i, e)
    const name = (e.team as Json).name
    if (name !== undefined && typeof name !== 'string') {
      return fail(i, e, 'team.name', `expected a string, got ${describe(name)}`)
    }
    side = known.side
    if (!known.checked) {
      checkText(i, e, 'team.id', known.key, REF_ID_MAX_LENGTH)
      if (known.name !== undefined) checkText(i, e, 'team.name', known.name, NAME_MAX_LENGTH)
      known.checked = true
    }
    if (name === undefined || name === known.name) team = known.ref
    else {
      checkText(i, e, 'team.name', name, NAME_MAX_LENGTH)
      team = teamRef(known.key, name, side)
    }
  }
  const player = e.player === undefined ? undefined : playerRef(ctx, i, e, e.player, 'player')
  let x: number | undefined
  let y: number | undefined
  if (e.location !== undefined) {
    const point = rawPoint(i, e, e.location, 'location', false)
    const fidelity = typeId === STATSBOMB_SHOT_TYPE ? ctx.shot : ctx.xy
    x = canonicalX(point[0]!, fidelity)
    y = canonicalY(point[1]!, fidelity)
  }

  const id = ctx.idPrefix + providerEventId
  const matchId = ctx.matchId
  const seq = index === undefined ? i + 1 : (index as number)
  const version = versionOf(ctx, providerEventId, i)
  const periodEnd = PERIOD_END[period]
  const added = periodEnd !== undefined && minute > periodEnd
  const clock = added ? periodEnd : minute
  const periodTime = ms / 1000
  const providerType = typeName || mapping?.name || String(typeId)
  // Nearly every event has a team, a player and a location: one literal with all three, rather than adding
  // them one by one (shape transitions and out-of-object storage cost a fifth of the normalising time). The
  // few events without one are copied without the absent keys.
  const located: AnyMatchEvent = {
    id,
    provider: PROVIDER,
    providerEventId,
    matchId,
    seq,
    version,
    deleted: false,
    type: eventType,
    result,
    period,
    periodTime,
    minute: clock,
    second,
    providerType,
    team,
    player,
    x,
    y,
  }
  const event =
    team !== undefined && player !== undefined && x !== undefined ? located : withoutAbsent(located)
  if (added) event.addedTime = minute - periodEnd
  if (related !== undefined) event.relatedPlayer = related

  if (end !== undefined) {
    event.endX = canonicalX(end[0]!, endFidelity)
    if (end.length === 3) {
      // A shot end in the goal mouth: y and z are always given to a tenth of a yard (kloppy).
      event.endY = canonicalY(end[1]!, 'v2')
      const z = statsBombCellCentre(end[2]!, 'v2')
      event.endZ = z > 0 ? z * STATSBOMB_Z_TO_METRES : 0
    } else {
      event.endY = canonicalY(end[1]!, endFidelity)
    }
  }
  if (setPiece !== undefined) event.setPiece = setPiece
  if (bodyPart !== undefined) event.bodyPart = bodyPart
  if (card !== undefined) event.card = card

  // Goals count for the shooter's side, own goals for the other side; shoot-out kicks never count.
  if (period !== 5 && side !== undefined && (result === 'goal' || ownGoal)) {
    if ((side === 'home') !== ownGoal) ctx.home++
    else ctx.away++
    event.score = { home: ctx.home, away: ctx.away }
  }
  if (ctx.includeRaw) {
    const problem = rawProblem(item)
    if (problem !== undefined) return fail(i, e, formatPath(problem.path), problem.message)
    event.raw = item
  }
  return event as MatchEvent // type and result agree: readDetails sets both from one mapping
}

/**
 * What the type-specific object (`pass`, `shot`, …) adds to an event, written into one record reused for
 * every event: no allocation, and `normalise` stays small enough for V8 to inline its helpers (which made
 * the normalising pass about a fifth faster).
 */
interface Details {
  type: EventType
  result: EventResult | null
  setPiece: SetPiece | undefined
  bodyPart: BodyPart | undefined
  card: Card | undefined
  related: PlayerRef | undefined
  end: readonly number[] | undefined
  endFidelity: Fidelity
  ownGoal: boolean
  drop: boolean
}

function readDetails(
  ctx: Context,
  e: Json,
  i: number,
  mapping: StatsBombTypeMapping | undefined,
  d: Details,
): void {
  d.type = mapping === undefined ? 'generic' : mapping.type
  d.result = null
  d.setPiece = undefined
  d.bodyPart = undefined
  d.card = undefined
  d.related = undefined
  d.end = undefined
  d.endFidelity = ctx.xy
  d.ownGoal = false
  d.drop = false
  switch (mapping?.resolve) {
    case 'pass': {
      const pass = sub(i, e, e.pass, 'pass', true)!
      const outcome = refId(i, e, pass.outcome, 'pass.outcome')
      if (outcome < 0) {
        d.result = 'complete'
        // Only a completed pass has a receiver: on a failed one `recipient` is the intended target (kloppy).
        if (pass.recipient !== undefined) d.related = playerRef(ctx, i, e, pass.recipient, 'pass.recipient')
      } else {
        d.result = PASS_OUTCOMES[outcome] ?? null
      }
      d.setPiece = SET_PIECES[refId(i, e, pass.type, 'pass.type')]
      d.bodyPart = BODY_PARTS[refId(i, e, pass.body_part, 'pass.body_part')]
      if (pass.end_location !== undefined)
        d.end = rawPoint(i, e, pass.end_location, 'pass.end_location', false)
      break
    }
    case 'shot': {
      const shot = sub(i, e, e.shot, 'shot', true)!
      d.result = SHOT_OUTCOMES[refId(i, e, shot.outcome, 'shot.outcome')] ?? null
      d.setPiece = SET_PIECES[refId(i, e, shot.type, 'shot.type')]
      d.bodyPart = BODY_PARTS[refId(i, e, shot.body_part, 'shot.body_part')]
      if (shot.end_location !== undefined)
        d.end = rawPoint(i, e, shot.end_location, 'shot.end_location', true)
      d.endFidelity = ctx.shot
      break
    }
    case 'dribble': {
      const dribble = sub(i, e, e.dribble, 'dribble', false)
      const outcome = dribble === undefined ? -1 : refId(i, e, dribble.outcome, 'dribble.outcome')
      d.result = outcome < 0 ? 'complete' : (DRIBBLE_OUTCOMES[outcome] ?? null)
      if (e.out === true || (d.result === 'incomplete' && answeredByDuelOut(ctx, e, i))) d.result = 'out'
      break
    }
    case 'duel': {
      const duel = sub(i, e, e.duel, 'duel', false)
      const duelType = duel === undefined ? -1 : refId(i, e, duel.type, 'duel.type')
      const outcome = duel === undefined ? -1 : refId(i, e, duel.outcome, 'duel.outcome')
      d.result = duelType !== STATSBOMB_DUEL_AERIAL_LOST && DUEL_OUTCOMES[outcome] === 'won' ? 'won' : 'lost'
      break
    }
    case 'fifty_fifty': {
      const duel = sub(i, e, e['50_50'], '50_50', false)
      const outcome = duel === undefined ? -1 : refId(i, e, duel.outcome, '50_50.outcome')
      d.result = FIFTY_FIFTY_OUTCOMES[outcome] ?? 'lost'
      break
    }
    case 'interception': {
      const interception = sub(i, e, e.interception, 'interception', false)
      const outcome =
        interception === undefined ? -1 : refId(i, e, interception.outcome, 'interception.outcome')
      d.result = INTERCEPTION_OUTCOMES[outcome] ?? null
      break
    }
    case 'ball_recovery': {
      // kloppy: a failed recovery is a lost (loose-ball) duel.
      const recovery = sub(i, e, e.ball_recovery, 'ball_recovery', false)
      if (recovery?.recovery_failure === true) {
        d.type = 'duel'
        d.result = 'lost'
      }
      break
    }
    case 'goalkeeper': {
      const keeper = sub(i, e, e.goalkeeper, 'goalkeeper', false)
      const keeperType = keeper === undefined ? -1 : refId(i, e, keeper.type, 'goalkeeper.type')
      const part = keeper === undefined ? -1 : refId(i, e, keeper.body_part, 'goalkeeper.body_part')
      d.bodyPart = BODY_PARTS[part]
      const rule = GOALKEEPER_TYPES[keeperType] ?? 'generic'
      if (rule !== 'keeper_sweeper') d.type = rule
      else {
        const outcome = refId(i, e, keeper!.outcome, 'goalkeeper.outcome')
        if (outcome === STATSBOMB_KEEPER_SWEEPER_CLAIM) {
          d.type = part < 0 || HANDS.includes(part) ? 'goalkeeper' : 'recovery'
        } else if (STATSBOMB_KEEPER_SWEEPER_CLEAR.includes(outcome)) {
          d.type = HEAD_OR_FOOT.includes(part) ? 'clearance' : 'goalkeeper'
        } else d.type = 'generic'
      }
      break
    }
    case 'foul_committed': {
      const foul = sub(i, e, e.foul_committed, 'foul_committed', false)
      if (foul !== undefined) d.card = CARDS[refId(i, e, foul.card, 'foul_committed.card')]
      break
    }
    case 'bad_behaviour': {
      const behaviour = sub(i, e, e.bad_behaviour, 'bad_behaviour', false)
      if (behaviour !== undefined) d.card = CARDS[refId(i, e, behaviour.card, 'bad_behaviour.card')]
      if (d.card !== undefined) d.type = 'card'
      break
    }
    case 'own_goal_against':
      d.result = 'own_goal'
      d.ownGoal = true
      break
    case 'drop':
      // Own Goal For mirrors the Own Goal Against of the other side: one own goal, one event (kloppy).
      d.drop = true
      break
    case 'substitution': {
      const substitution = sub(i, e, e.substitution, 'substitution', false)
      if (substitution?.replacement !== undefined) {
        d.related = playerRef(ctx, i, e, substitution.replacement, 'substitution.replacement')
      }
      break
    }
    case 'clearance': {
      const clearance = sub(i, e, e.clearance, 'clearance', false)
      if (clearance !== undefined)
        d.bodyPart = BODY_PARTS[refId(i, e, clearance.body_part, 'clearance.body_part')]
      break
    }
    case 'carry': {
      const carry = sub(i, e, e.carry, 'carry', true)!
      d.result = 'complete'
      if (carry.end_location !== undefined)
        d.end = rawPoint(i, e, carry.end_location, 'carry.end_location', false)
      break
    }
  }
}

/** A copy without the undefined keys: MatchEvent leaves an absent field out. */
function withoutAbsent(event: AnyMatchEvent): AnyMatchEvent {
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(event)) if (value !== undefined) copy[key] = value
  return copy as AnyMatchEvent
}

/**
 * A uuid repeated in one file is a revision (StatsBomb's live feeds re-send events): each repeat gets the next
 * version, so the merge rule keeps the last, as kloppy does. Repeats are rare, so the common path keeps a set
 * of each uuid's first 7 hex digits (small integers: no string hashing); the first prefix seen twice, or an
 * id that is not hex, switches to exact string keys for the rest of the file.
 */
function versionOf(ctx: Context, id: string, i: number): number {
  if (ctx.versions === undefined) {
    const prefix = hexPrefix(id)
    if (prefix >= 0 && addPrefix(ctx.prefixes, prefix)) return 0
    const versions = new Map<string, number>()
    for (let j = 0; j < i; j++) {
      const item = ctx.items[j] as Json
      if (TYPES[(item.type as Json).id as number]?.resolve !== 'drop') versions.set(item.id as string, 0)
    }
    ctx.versions = versions
  }
  const seen = ctx.versions.get(id)
  const version = seen === undefined ? 0 : seen + 1
  ctx.versions.set(id, version)
  return version
}

/** Adds a prefix to the set; false when it was there already. The table never fills (see `prefixes`). */
function addPrefix(table: Int32Array, prefix: number): boolean {
  const mask = table.length - 1
  const stored = prefix + 1
  // uuids are random: the prefix's low bits are already a good hash.
  for (let slot = prefix & mask; ; slot = (slot + 1) & mask) {
    const held = table[slot]
    if (held === 0) {
      table[slot] = stored
      return true
    }
    if (held === stored) return false
  }
}

function hexPrefix(id: string): number {
  if (id.length < 7) return -1
  let prefix = 0
  for (let k = 0; k < 7; k++) {
    const c = id.charCodeAt(k) | 0x20 // lower case
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1
    if (digit < 0) return -1
    prefix = prefix * 16 + digit
  }
  return prefix
}

/** kloppy: an incomplete dribble whose related duel put the ball out is a take_on `out`. */
function answeredByDuelOut(ctx: Context, e: Json, i: number): boolean {
  const related = e.related_events
  if (!Array.isArray(related)) return false
  for (const id of related) {
    const other = typeof id === 'string' ? findRelated(ctx, id, i) : undefined
    if (other !== undefined && isDuelOut(other)) return true
  }
  return false
}

function isDuelOut(other: Json): boolean {
  const duel = other.duel
  if ((other.type as Json | undefined)?.id !== 4 || typeof duel !== 'object' || duel === null) return false
  const outcome = (duel as Json).outcome
  const outcomeId = typeof outcome === 'object' && outcome !== null ? (outcome as Json).id : undefined
  return STATSBOMB_DUEL_OUT_OUTCOMES.includes(outcomeId as number)
}

/** A related event. StatsBomb writes them side by side: the neighbours first, then an index, built once. */
function findRelated(ctx: Context, id: string, i: number): Json | undefined {
  const items = ctx.items
  for (let j = Math.max(0, i - 8), last = Math.min(items.length - 1, i + 8); j <= last; j++) {
    const item = items[j]
    if (typeof item === 'object' && item !== null && (item as Json).id === id) return item as Json
  }
  if (ctx.byId === undefined) {
    ctx.byId = new Map()
    for (const item of items) {
      if (typeof item === 'object' && item !== null && typeof (item as Json).id === 'string') {
        ctx.byId.set((item as Json).id as string, item as Json)
      }
    }
  }
  return ctx.byId.get(id)
}

function findTeam(ctx: Context, i: number, e: Json): Team {
  const value = e.team
  if (typeof value !== 'object' || value === null)
    return fail(i, e, 'team', `expected { id, name }, got ${describe(value)}`)
  const raw = (value as Json).id
  const teams = ctx.teams
  for (let t = 0; t < teams.length; t++) if (teams[t]!.raw === raw) return teams[t]!
  const key = idKey(raw)
  if (key === undefined) return fail(i, e, 'team.id', `expected a team id, got ${describe(raw)}`)
  for (const team of teams) if (team.key === key) return team
  if (teams.length >= 2) {
    return fail(
      i,
      e,
      'team.id',
      `team ${key} is a third team (the match is ${teams[0]!.key} v ${teams[1]!.key})`,
    )
  }
  // Without a Starting XI event the sides are unknown, and then no side (and no score) is given.
  const name = (value as Json).name
  const team = createTeam(
    raw,
    key,
    typeof name === 'string' ? name : ctx.names?.teams.get(key),
    ctx.sidesKnown ? 'away' : undefined,
  )
  teams.push(team)
  return team
}

function createTeam(raw: unknown, key: string, name: string | undefined, side: Side | undefined): Team {
  return { raw, key, name, side, ref: teamRef(key, name, side), checked: false }
}

function teamRef(id: string, name: string | undefined, side: Side | undefined): TeamRef {
  const ref: TeamRef = { id }
  if (name !== undefined) ref.name = name
  if (side !== undefined) ref.side = side
  return Object.freeze(ref)
}

function playerRef(ctx: Context, i: number, e: Json, value: unknown, field: string): PlayerRef {
  if (typeof value !== 'object' || value === null) {
    return fail(i, e, field, `expected { id, name }, got ${describe(value)}`)
  }
  const raw = (value as Json).id
  const name = (value as Json).name
  if (typeof name === 'string') {
    const shared = ctx.players.get(raw)
    if (shared !== undefined && shared.name === name) return shared
  }
  const key = idKey(raw)
  if (key === undefined) return fail(i, e, `${field}.id`, `expected a player id, got ${describe(raw)}`)
  // A ref is checked when built; the shared ones above were. Names from the lineups file were checked there.
  checkText(i, e, `${field}.id`, key, REF_ID_MAX_LENGTH)
  if (typeof name === 'string') {
    checkText(i, e, `${field}.name`, name, NAME_MAX_LENGTH)
    const ref = Object.freeze({ id: key, name })
    ctx.players.set(raw, ref)
    return ref
  }
  if (name !== undefined) return fail(i, e, `${field}.name`, `expected a string, got ${describe(name)}`)
  const known = ctx.names?.players.get(key)
  return Object.freeze(known === undefined ? { id: key } : { id: key, name: known })
}

/** A StatsBomb id (a whole number, or a non-empty string) as MatchEvent's string id. */
function idKey(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The type-specific object (`pass`, `shot`, …): an object, or undefined when absent and not required. */
function sub(i: number, e: Json, value: unknown, key: string, required: boolean): Json | undefined {
  if (value === undefined) return required ? fail(i, e, key, 'missing') : undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(i, e, key, `expected an object, got ${describe(value)}`)
  }
  return value as Json
}

/** The id of an `{ id, name }` reference (outcome, type, body_part, card), or -1 when absent. */
function refId(i: number, e: Json, value: unknown, field: string): number {
  if (value === undefined) return -1
  if (typeof value === 'object' && value !== null) {
    const id = (value as Json).id
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return id
  }
  return fail(i, e, field, `expected { id, name }, got ${describe(value)}`)
}

/** A raw location: [x, y] on the 120 x 80 pitch, or [x, y, z] for a shot end in the goal mouth. */
function rawPoint(i: number, e: Json, value: unknown, field: string, withZ: boolean): readonly number[] {
  if (Array.isArray(value) && (value.length === 2 || (withZ && value.length === 3))) {
    const x: unknown = value[0]
    const y: unknown = value[1]
    const z: unknown = value.length === 3 ? value[2] : 0
    if (
      typeof x === 'number' &&
      x >= 0 &&
      x <= 120 &&
      typeof y === 'number' &&
      y >= 0 &&
      y <= 80 &&
      typeof z === 'number' &&
      z >= 0 &&
      Number.isFinite(z)
    ) {
      return value as number[]
    }
  }
  const expected = withZ ? '[x, y] or [x, y, z ≥ 0]' : '[x, y]'
  return fail(i, e, field, `expected ${expected} with 0 ≤ x ≤ 120 and 0 ≤ y ≤ 80, got ${describe(value)}`)
}

// A v1 cell at the very edge (raw 0.1 in a whole-yard file) would centre off the pitch; MatchEvent
// coordinates stay on it, so the centre is clamped to the line (kloppy leaves it at -0.4).
function canonicalX(value: number, fidelity: Fidelity): number {
  return onGrid(fidelity === 'v2' ? X_V2 : X_V1, value)
}

function canonicalY(value: number, fidelity: Fidelity): number {
  return onGrid(fidelity === 'v2' ? Y_V2 : Y_V1, value)
}

/**
 * StatsBomb locations sit on a tenth-of-a-yard grid, so an axis of one fidelity has at most 1,201 distinct
 * inputs: their canonical values are computed once, by the same transform, on first use. A value off the
 * grid is transformed directly. `k / 10 === value` holds exactly when the table's entry was computed from
 * this very double, so the table never changes a result.
 */
interface Grid {
  readonly convert: (raw: number) => number
  values: Float64Array | undefined
}

function grid(toCanonical: typeof toCanonicalX, fidelity: Fidelity): Grid {
  return {
    convert: (raw) => toCanonical('statsbomb', Math.max(statsBombCellCentre(raw, fidelity), 0)),
    values: undefined,
  }
}
const X_V1 = grid(toCanonicalX, 'v1')
const X_V2 = grid(toCanonicalX, 'v2')
const Y_V1 = grid(toCanonicalY, 'v1')
const Y_V2 = grid(toCanonicalY, 'v2')

function onGrid(g: Grid, raw: number): number {
  const k = Math.round(raw * 10)
  if (k >= 0 && k <= 1200 && k / 10 === raw) {
    g.values ??= Float64Array.from({ length: 1201 }, (_, j) => g.convert(j / 10))
    return g.values[k]!
  }
  return g.convert(raw)
}

/**
 * "HH:MM:SS.mmm" (time since the period started) in whole milliseconds, or -1 when malformed. Hand-rolled:
 * one call per event, so no regular expression and no split.
 */
function clockMs(text: string): number {
  const n = text.length
  let i = 0
  let hours = 0
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48
    if (d === 10) break // ':'
    if (d < 0 || d > 9 || i > 3) return -1
    hours = hours * 10 + d
  }
  if (i === 0 || i + 6 > n) return -1
  const minutes = twoDigits(text, i + 1)
  if (minutes < 0 || minutes > 59 || text.charCodeAt(i + 3) !== 58) return -1
  const seconds = twoDigits(text, i + 4)
  if (seconds < 0 || seconds > 59) return -1
  let ms = 0
  i += 6
  if (i < n) {
    if (text.charCodeAt(i) !== 46 || i + 1 === n) return -1 // '.' and at least one digit
    let scale = 100
    for (i++; i < n; i++) {
      const d = text.charCodeAt(i) - 48
      if (d < 0 || d > 9) return -1
      if (scale >= 1) ms += d * scale
      else if (scale === 0.1 && d >= 5) ms += 1 // beyond milliseconds: round on the next digit
      scale /= 10
    }
  }
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms
}

function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48
  const b = text.charCodeAt(at + 1) - 48
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

/** `events[12](<uuid>).location`: the index and the id, so the event can be found in the file. */
function at(i: number, item: unknown, field: string): string {
  const id = typeof item === 'object' && item !== null ? (item as Json).id : undefined
  const shown = typeof id === 'string' && id !== '' ? `(${id.length > 64 ? `${id.slice(0, 64)}…` : id})` : ''
  return `events[${i}]${shown}${field === '' ? '' : `.${field}`}`
}

function fail(i: number, item: unknown, field: string, reason: string): never {
  throw new ProviderPayloadError(PROVIDER, at(i, item, field), reason)
}

/** Fails unless `text` is within the storage bounds (length, no NUL, no lone surrogate). */
function checkText(i: number, item: unknown, field: string, text: string, max: number): void {
  const problem = textProblem(text, max)
  if (problem !== undefined) fail(i, item, field, problem)
}
