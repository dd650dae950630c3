import { compile, type z } from 'zod'
import { ProviderPayloadError } from '../../errors.js'
import { assertStorable } from '../../event/bounds.js'
import { type ClockPlace, placeOnClock } from '../../event/clock.js'
import type { Period, Side } from '../../event/enums.js'
import type { MatchEvent, Score, TeamRef } from '../../event/schema.js'
import { markValidated } from '../../event/validate.js'
import {
  clockSeq,
  hashRank,
  headlineEvent,
  isoFromUnixSeconds,
  named,
  playerRef,
  refKey,
  SHOOTOUT_COMMENT,
  slug,
  withOccurrences,
} from '../headline/headline.js'
import {
  lastTimes,
  periodEnd,
  periodSteps,
  type StatusStep,
  statusStepEvents,
} from '../headline/status-events.js'
import { lookupTable } from '../lookup.js'
import { checkedOptions } from '../options.js'
import { decodeJson, providerText, shapeError } from '../payload.js'
import {
  type ApiFootballParseOptions,
  ApiFootballParseOptionsSchema,
  type ApiFootballWarning,
} from './api-football-options.js'
import {
  API_FOOTBALL_EVENT_TYPES,
  API_FOOTBALL_STATUSES,
  type ApiFootballMapping,
  SUBSTITUTION_DETAIL,
} from './map-api-football.js'
import { ApiFootballEventSchema, ApiFootballFixtureSchema, ApiFootballLineupSchema } from './wire.js'

const PROVIDER = 'api-football'
type Options = z.output<typeof ApiFootballParseOptionsSchema>
type Fixture = z.output<typeof ApiFootballFixtureSchema>
type Item = z.output<typeof ApiFootballEventSchema>
type Teams = { home: { id: string; name?: string }; away: { id: string; name?: string } }
type Warn = (field: string, message: string, providerType?: string) => void

const compiledFixture = compile(ApiFootballFixtureSchema)
const compiledEvent = compile(ApiFootballEventSchema)
const compiledLineup = compile(ApiFootballLineupSchema)
// Without prototypes: a type or detail such as "constructor" is unknown, like any other.
const mappings = lookupTable(
  Object.fromEntries(
    Object.entries(API_FOOTBALL_EVENT_TYPES).map(([type, details]) => [
      type,
      lookupTable<ApiFootballMapping>(details),
    ]),
  ),
)
const statuses = lookupTable<{ kind: string }>(API_FOOTBALL_STATUSES)

/**
 * API-Football v3 → MatchEvents. Accepts a `fixtures` response (`?id=`, `?ids=`, `?live=all`: the envelope,
 * its `response` array, or one item) and a `fixtures/events` response (the fixture id comes from
 * `parameters.fixture` or `options.fixtureId`). Bytes and strings are parsed as JSON.
 *
 * Goals, cards, substitutions, VAR and shoot-out kicks come from `events[]`; period starts and ends and
 * match statuses from `fixture.status`. Events have no ids in API-Football: `providerEventId` is a key
 * built from the event itself (see docs/providers/api-football.md), stable when the provider inserts
 * or re-orders events between polls. Unknown types, details and statuses become `generic` events and a
 * warning. An error envelope or a malformed payload throws ProviderPayloadError naming the field. The
 * output is valid by construction: the fuzz and conformance suites hold every event to MatchEventSchema.
 */
export function parseApiFootballFixture(payload: unknown, options?: ApiFootballParseOptions): MatchEvent[] {
  const opts = checkOptions(options)
  const body = decodeJson(PROVIDER, payload)
  const events: MatchEvent[] = []

  if (Array.isArray(body)) {
    if (body.length === 0) return []
    const first = body[0] as Record<string, unknown> | null
    if (first && typeof first === 'object' && 'fixture' in first) {
      body.forEach((item, i) => {
        events.push(...fixtureEvents(item, `[${i}]`, opts))
      })
    } else {
      events.push(...eventsResponse(body, '', undefined, opts))
    }
    return markValidated(assertStorable(PROVIDER, events))
  }
  if (body === null || typeof body !== 'object') {
    throw new ProviderPayloadError(
      PROVIDER,
      '(body)',
      'not an API-Football fixtures or fixtures/events response',
    )
  }
  const envelope = body as Record<string, unknown>
  checkErrors(envelope.errors)
  if ('fixture' in envelope) return markValidated(assertStorable(PROVIDER, fixtureEvents(envelope, '', opts)))
  if (!('response' in envelope)) {
    throw new ProviderPayloadError(PROVIDER, 'response', 'missing: not an API-Football response envelope')
  }
  if (!Array.isArray(envelope.response)) throw new ProviderPayloadError(PROVIDER, 'response', 'not an array')
  const get = typeof envelope.get === 'string' ? envelope.get.replace(/^\//, '') : undefined
  if (get === 'fixtures/events') {
    const parameters = envelope.parameters as Record<string, unknown> | undefined
    const fromQuery = typeof parameters?.fixture === 'string' ? parameters.fixture : undefined
    events.push(...eventsResponse(envelope.response, 'response', fromQuery, opts))
  } else if (get === 'fixtures' || get === undefined) {
    envelope.response.forEach((item, i) => {
      events.push(...fixtureEvents(item, `response[${i}]`, opts))
    })
  } else {
    throw new ProviderPayloadError(
      PROVIDER,
      'get',
      `"${get}" is not a fixtures or fixtures/events response (no match events in it)`,
    )
  }
  return markValidated(assertStorable(PROVIDER, events))
}

function checkOptions(options: ApiFootballParseOptions | undefined): Options {
  return checkedOptions(PROVIDER, ApiFootballParseOptionsSchema, options ?? {})
}

/** API-Football reports failures in `errors` (an object) with HTTP 200; success has `[]` or `{}`. */
function checkErrors(errors: unknown): void {
  if (errors === undefined || errors === null || Array.isArray(errors)) return
  if (typeof errors !== 'object') return
  const entries = Object.entries(errors as Record<string, unknown>)
  if (entries.length === 0) return
  const [key, message] = entries[0]!
  throw new ProviderPayloadError(
    PROVIDER,
    `errors.${key}`,
    `the provider answered an error: ${providerText(message)}`,
  )
}

function eventsResponse(
  items: unknown[],
  at: string,
  fromQuery: string | undefined,
  opts: Options,
): MatchEvent[] {
  const matchId = opts.fixtureId ?? fromQuery
  if (!matchId) {
    throw new ProviderPayloadError(
      PROVIDER,
      'parameters.fixture',
      'missing: a fixtures/events response needs the fixture id (pass options.fixtureId)',
    )
  }
  if (matchId.includes(':'))
    throw new ProviderPayloadError(PROVIDER, 'parameters.fixture', 'must not contain ":"')
  return buildEvents({ matchId, at, items, lineups: undefined, teams: opts.teams, opts })
}

function fixtureEvents(item: unknown, at: string, opts: Options): MatchEvent[] {
  const parsed = compiledFixture.safeParse(item)
  if (!parsed.success) throw shapeError(PROVIDER, at, parsed.error, item)
  const fixture = parsed.data as Fixture
  const teams: Teams = {
    home: named(String(fixture.teams.home.id), fixture.teams.home.name),
    away: named(String(fixture.teams.away.id), fixture.teams.away.name),
  }
  const items = fixture.events ?? []
  return buildEvents({
    matchId: String(fixture.fixture.id),
    at: `${at}${at ? '.' : ''}events`,
    items,
    lineups: fixture.lineups ?? undefined,
    lineupsAt: `${at}${at ? '.' : ''}lineups`,
    teams,
    fixture,
    opts,
  })
}

interface BuildContext {
  matchId: string
  at: string
  items: readonly unknown[]
  lineups: readonly unknown[] | undefined
  lineupsAt?: string
  teams: Teams | undefined
  fixture?: Fixture
  opts: Options
}

/** One event being built, with what the later passes (VAR, score, lineups) need to know about it. */
interface Draft {
  event: MatchEvent
  index: number
  item: Item
  mapping: ApiFootballMapping | undefined
  /** The team as the provider gave it (the beneficiary of an own goal). */
  providerTeamId: string | undefined
  /** Which side the goal counts for, when known. */
  creditedSide?: Side
}

function buildEvents(ctx: BuildContext): MatchEvent[] {
  const { matchId, opts } = ctx
  const warn: Warn = (field, message, providerType) => {
    const warning: ApiFootballWarning = { provider: PROVIDER, matchId, field, message }
    if (providerType !== undefined) warning.providerType = providerType
    opts.onWarning?.(warning)
  }
  const items = ctx.items.map((raw, i) => {
    const parsed = compiledEvent.safeParse(raw)
    if (!parsed.success) throw shapeError(PROVIDER, `${ctx.at}[${i}]`, parsed.error, raw)
    return parsed.data as Item
  })
  const status = ctx.fixture?.fixture.status
  const code = status?.short.toUpperCase()
  const maxPeriod = clockCap(ctx.fixture)
  const sideOf = sideLookup(ctx.teams)
  const teamIds = new Set(items.map((item) => item.team?.id).filter((v) => v !== null && v !== undefined))

  const lineups = ctx.lineups ? readLineups(ctx.lineups, ctx.lineupsAt ?? 'lineups') : undefined
  const keys = withOccurrences(
    items.map(eventKey),
    items.map((it) => JSON.stringify(it)),
  )
  const drafts: Draft[] = items.map((item, i) => {
    const field = `${ctx.at}[${i}]`
    const typeKey = item.type.trim().toLowerCase()
    const detail = (item.detail ?? '').trim().replace(/\s+/g, ' ')
    const providerType = detail ? `${item.type}/${detail}` : item.type
    let mapping: ApiFootballMapping | undefined
    let substitutionNumber = 0
    if (typeKey === 'subst') {
      const match = SUBSTITUTION_DETAIL.exec(detail)
      if (match) {
        mapping = { type: 'substitution' }
        substitutionNumber = Number(match[1] ?? 0)
      }
    } else {
      mapping = mappings[typeKey]?.[detail.toLowerCase()]
    }
    if (!mapping) {
      const what = mappings[typeKey] || typeKey === 'subst' ? `detail "${detail}"` : `type "${item.type}"`
      warn(
        `${field}.${mappings[typeKey] || typeKey === 'subst' ? 'detail' : 'type'}`,
        `unknown ${what}: kept as generic`,
        providerType,
      )
    }
    const shootout =
      typeKey === 'goal' &&
      (SHOOTOUT_COMMENT.test(item.comments ?? '') ||
        ((code === 'P' || code === 'PEN') &&
          item.time.elapsed >= 120 &&
          (item.time.extra ?? 0) > 0 &&
          mapping?.setPiece === 'penalty'))
    const place: ClockPlace = shootout
      ? { period: 5, minute: 120, periodTime: 0 }
      : placeOnClock(item.time.elapsed, item.time.extra, maxPeriod)
    const key = keys[i]!
    const rank = shootout
      ? (item.time.extra ?? 0) * 1000 + hashRank(key, 100)
      : typeRank(mapping) + (substitutionNumber > 0 ? Math.min(substitutionNumber, 49) : hashRank(key, 50))
    const providerTeamId =
      item.team?.id === null || item.team?.id === undefined ? undefined : String(item.team.id)
    const event = headlineEvent({
      provider: PROVIDER,
      matchId,
      key,
      place,
      seq: clockSeq(place.period, place.periodTime, rank),
      type: mapping?.type ?? 'generic',
      result: mapping?.result ?? null,
      providerType,
    })
    let team = teamRef(providerTeamId, item.team?.name, sideOf)
    // The side a goal counts for: the team given, except for an own goal that names the defender's side.
    let creditedSide: Side | undefined = team?.side
    if (mapping?.ownGoal && ownGoalNamesDefender(item, providerTeamId, lineups)) {
      // The lineups place the player in the team given: this item already names the defender's side.
      warn(
        `${field}.team`,
        'own goal: the player is in this team per the lineups: team kept as given',
        providerType,
      )
      const side = team?.side
      creditedSide = side === 'home' ? 'away' : side === 'away' ? 'home' : undefined
    } else if (mapping?.ownGoal) {
      // API-Football names the team credited with an own goal; matchfeed names the defender's side.
      const other = otherTeam(providerTeamId, ctx.teams, teamIds)
      if (!other) {
        throw new ProviderPayloadError(
          PROVIDER,
          `${field}.team`,
          'own goal: cannot tell the defending team (only one team in the events); pass options.teams',
        )
      }
      team = teamRef(other.id, other.name, sideOf)
    }
    if (team) event.team = team
    const player = playerRef(item.player)
    if (player) event.player = player
    const related = playerRef(item.assist)
    if (related) event.relatedPlayer = related
    if (mapping?.setPiece) event.setPiece = mapping.setPiece
    if (mapping?.card) event.card = mapping.card
    if (opts.includeRaw) event.raw = ctx.items[i]
    const draft: Draft = { event, index: i, item, mapping, providerTeamId }
    if (creditedSide && !shootout && isGoal(event)) draft.creditedSide = creditedSide
    return draft
  })
  drafts.sort((a, b) => a.event.seq - b.event.seq || a.index - b.index)

  if (lineups) checkSubstitutions(drafts, lineups, ctx.at, warn)
  cancelGoals(drafts)
  const events = drafts.map((d) => d.event)
  if (ctx.teams) {
    const score = applyScores(drafts)
    if (ctx.fixture) events.push(...scoreGapGoals(ctx.fixture, score, matchId, ctx.teams, maxPeriod, warn))
  }
  if (ctx.fixture) events.push(...statusEvents(ctx.fixture, matchId, maxPeriod, lastTimes(events), warn))
  return events.sort((a, b) => a.seq - b.seq)
}

function eventKey(item: Item): string {
  const typeKey = item.type.trim().toLowerCase()
  const detail = (item.detail ?? '').trim().toLowerCase().replace(/\s+/g, ' ')
  const cls = keyClass(typeKey, detail)
  const time = `${item.time.elapsed}${item.time.extra ? `+${item.time.extra}` : ''}`
  return `${cls}:${refKey(item.team)}:${refKey(item.player)}:${time}`
}

/**
 * The type part of the key: coarse where the provider edits the detail of the same event (a goal
 * re-labelled penalty or own goal; `Substitution 3` renumbered), fine where one minute can hold two
 * distinct events of the player (a second yellow and the red card it brings).
 */
function keyClass(typeKey: string, detail: string): string {
  const mapping = mappings[typeKey]?.[detail]
  if (typeKey === 'goal') return detail === 'missed penalty' ? 'miss' : 'goal'
  if (typeKey === 'card') return mapping?.card ? `card-${mapping.card}` : `card-${slug(detail)}`
  if (typeKey === 'subst') return 'subst'
  if (typeKey === 'var') return `var-${slug(detail)}`
  return slug(typeKey) || 'event'
}

function typeRank(mapping: ApiFootballMapping | undefined): number {
  if (!mapping) return 600
  if (mapping.type === 'shot') return 100
  if (mapping.type === 'card') return 200
  if (mapping.type === 'substitution') return 300
  return 500 // var: after the goal it may cancel in the same minute
}

function isGoal(event: MatchEvent): boolean {
  return event.type === 'shot' && (event.result === 'goal' || event.result === 'own_goal')
}

/** The latest period the match can be in, from its status: caps the clock of long halves. */
function clockCap(fixture: Fixture | undefined): 1 | 2 | 4 {
  if (!fixture) return 4
  const code = fixture.fixture.status.short.toUpperCase()
  if (code === '1H') return 1
  const et = fixture.score?.extratime
  const extraTimePlayed = (et?.home ?? null) !== null || (et?.away ?? null) !== null
  if ((code === 'HT' || code === '2H' || code === 'FT') && !extraTimePlayed) return 2
  return 4
}

function sideLookup(teams: Teams | undefined): (id: string | undefined) => Side | undefined {
  return (id) => {
    if (!teams || id === undefined) return undefined
    if (teams.home.id === id) return 'home'
    if (teams.away.id === id) return 'away'
    return undefined
  }
}

function teamRef(
  id: string | undefined,
  name: string | null | undefined,
  sideOf: (id: string | undefined) => Side | undefined,
): TeamRef | undefined {
  if (id === undefined) return undefined
  const ref: TeamRef = { id }
  if (name) ref.name = name
  const side = sideOf(id)
  if (side) ref.side = side
  return ref
}

function otherTeam(
  id: string | undefined,
  teams: Teams | undefined,
  seen: Set<number | string | null | undefined>,
): { id: string; name?: string } | undefined {
  if (id === undefined) return undefined
  if (teams) {
    if (teams.home.id === id) return teams.away
    if (teams.away.id === id) return teams.home
  }
  const others = [...seen].map(String).filter((v) => v !== id)
  return others.length === 1 ? { id: others[0]! } : undefined
}

interface Lineups {
  /** Starting XI per team id (player keys). */
  starters: Map<string, Set<string>>
  /** Everyone named in the team sheet per team id. */
  rosters: Map<string, Set<string>>
}

function readLineups(rawLineups: readonly unknown[], at: string): Lineups {
  const starters = new Map<string, Set<string>>()
  const rosters = new Map<string, Set<string>>()
  rawLineups.forEach((raw, i) => {
    const parsed = compiledLineup.safeParse(raw)
    if (!parsed.success) throw shapeError(PROVIDER, `${at}[${i}]`, parsed.error, raw)
    const team = parsed.data.team?.id
    if (team === null || team === undefined) return
    const xi = new Set<string>()
    const roster = new Set<string>()
    for (const entry of parsed.data.startXI ?? []) {
      for (const key of playerKeys(entry.player)) {
        xi.add(key)
        roster.add(key)
      }
    }
    for (const entry of parsed.data.substitutes ?? []) {
      for (const key of playerKeys(entry.player)) roster.add(key)
    }
    if (xi.size > 0) starters.set(String(team), xi)
    if (roster.size > 0) rosters.set(String(team), roster)
  })
  return { starters, rosters }
}

/** True when the lineups put an own goal's player in the team the item names (not the usual convention). */
function ownGoalNamesDefender(item: Item, teamId: string | undefined, lineups: Lineups | undefined): boolean {
  if (!lineups || teamId === undefined) return false
  const keys = playerKeys(item.player)
  if (keys.length === 0) return false
  let inGiven = false
  let inOther = false
  for (const [team, roster] of lineups.rosters) {
    const found = keys.some((k) => roster.has(k))
    if (team === teamId) inGiven ||= found
    else inOther ||= found
  }
  return inGiven && !inOther
}

/**
 * API-Football's `player` leaves and `assist` comes on; third-party code disagrees, so each substitution
 * is checked against the lineups, walking the match in order: a pair that is the wrong way round
 * (the leaving player not on the pitch, the incoming one on it) is swapped, with a warning.
 */
function checkSubstitutions(drafts: Draft[], lineups: Lineups, at: string, warn: Warn): void {
  // Copies: the walk changes who is on the pitch.
  const onPitch = new Map([...lineups.starters].map(([team, xi]) => [team, new Set(xi)]))
  if (onPitch.size === 0) return
  for (const draft of drafts) {
    if (draft.event.type !== 'substitution' || draft.providerTeamId === undefined) continue
    const pitch = onPitch.get(draft.providerTeamId)
    if (!pitch) continue
    const off = playerKeys(draft.item.player)
    const on = playerKeys(draft.item.assist)
    const offOnPitch = off.some((k) => pitch.has(k))
    const onOnPitch = on.some((k) => pitch.has(k))
    let leaving = off
    let coming = on
    if (!offOnPitch && onOnPitch) {
      warn(
        `${at}[${draft.index}]`,
        'substitution looks reversed against the lineups (assist is on the pitch, player is not): swapped',
        draft.event.providerType,
      )
      const { player, relatedPlayer } = draft.event
      if (relatedPlayer) draft.event.player = relatedPlayer
      else delete draft.event.player
      if (player) draft.event.relatedPlayer = player
      else delete draft.event.relatedPlayer
      leaving = on
      coming = off
    } else if (!offOnPitch && off.length > 0) {
      warn(
        `${at}[${draft.index}]`,
        'substitution: the leaving player is not on the pitch per the lineups',
        draft.event.providerType,
      )
    }
    for (const k of leaving) pitch.delete(k)
    for (const k of coming) pitch.add(k)
  }
}

function playerKeys(ref: { id?: number | string | null; name?: string | null } | null | undefined): string[] {
  const keys: string[] = []
  if (ref?.id !== null && ref?.id !== undefined) keys.push(`id:${ref.id}`)
  if (ref?.name) keys.push(`name:${ref.name}`)
  return keys
}

/**
 * A VAR decision that withdraws a goal (`Goal cancelled`) deletes the latest goal before it by the same
 * team, preferring the same player: `deleted: true` at version 1, which supersedes the version 0 a live
 * consumer saw. When the provider has already removed the goal, there is nothing to delete here (the
 * poller turns the removal into the deletion).
 */
function cancelGoals(drafts: Draft[]): void {
  for (let i = 0; i < drafts.length; i++) {
    const decision = drafts[i]!
    if (!decision.mapping?.cancelsGoal) continue
    let fallback: Draft | undefined
    let chosen: Draft | undefined
    for (let j = i - 1; j >= 0; j--) {
      const goal = drafts[j]!
      if (!isGoal(goal.event) || goal.event.deleted || goal.event.period === 5) continue
      if (goal.providerTeamId !== decision.providerTeamId) continue
      if (samePlayer(goal.item.player, decision.item.player)) {
        chosen = goal
        break
      }
      fallback ??= goal
    }
    const target = chosen ?? fallback
    if (target) {
      target.event.deleted = true
      target.event.version = 1
      delete target.creditedSide
    }
  }
}

function samePlayer(a: Item['player'], b: Item['player']): boolean {
  if (a?.id !== null && a?.id !== undefined && b?.id !== null && b?.id !== undefined) return a.id === b.id
  return !!a?.name && a.name === b?.name
}

/** `score` after each goal (and after a VAR decision withdrawing one); shoot-out kicks never count. */
function applyScores(drafts: Draft[]): Score {
  const score = { home: 0, away: 0 }
  for (const draft of drafts) {
    if (draft.creditedSide && !draft.event.deleted) {
      score[draft.creditedSide]++
      draft.event.score = { ...score }
    } else if (draft.mapping?.cancelsGoal) {
      draft.event.score = { ...score }
    }
  }
  return score
}

/**
 * When `goals` is ahead of the events (the score is updated before the event, or the league has no event
 * coverage), the missing goals become goal events without a scorer, `providerType: 'score_change'`, keyed
 * `score:<side>:<n>` (the n-th goal of that side). When the event arrives, the key is no longer produced
 * and the poller withdraws it.
 */
function scoreGapGoals(
  fixture: Fixture,
  fromEvents: Score,
  matchId: string,
  teams: Teams,
  maxPeriod: 1 | 2 | 4,
  warn: Warn,
): MatchEvent[] {
  const goals = fixture.goals
  if (!goals) return []
  const status = fixture.fixture.status
  const out: MatchEvent[] = []
  for (const side of ['home', 'away'] as const) {
    const total = goals[side]
    if (total === null || total === undefined) continue
    if (total < fromEvents[side]) {
      warn(`goals.${side}`, `the events count ${fromEvents[side]} ${side} goals, the fixture ${total}`)
      continue
    }
    for (let n = fromEvents[side] + 1; n <= total; n++) {
      const place = placeOnClock(status.elapsed ?? 0, status.extra, maxPeriod)
      const key = `score:${side}:${n}`
      const event = headlineEvent({
        provider: PROVIDER,
        matchId,
        key,
        place,
        seq: clockSeq(place.period, place.periodTime, 150 + n),
        type: 'shot',
        result: 'goal',
        providerType: 'score_change',
      })
      event.team = { ...teams[side], side }
      out.push(event)
    }
  }
  // Scores on the inferred goals continue from the events' count, home goals first.
  const running = { ...fromEvents }
  for (const event of out) {
    running[event.team!.side!]++
    event.score = { ...running }
  }
  return out
}

/**
 * `fixture.status` → the period starts and ends it implies so far, plus a `match_status` for FT/AET/PEN
 * and for interruptions, abandonment, postponement and cancellation (`status:<CODE>`, or
 * `status:<CODE>:<elapsed>` for SUSP/INT/ABD, which can happen more than once).
 */
function statusEvents(
  fixture: Fixture,
  matchId: string,
  maxPeriod: 1 | 2 | 4,
  lastTime: ReadonlyMap<Period, number>,
  warn: Warn,
): MatchEvent[] {
  const status = fixture.fixture.status
  const code = status.short.toUpperCase()
  const elapsed = status.elapsed ?? 0
  const et = fixture.score?.extratime
  const extraTime =
    (et?.home ?? null) !== null ||
    (et?.away ?? null) !== null ||
    elapsed > 90 ||
    ['ET', 'BT', 'AET'].includes(code)
  const steps: StatusStep[] = []
  const status_ = (place: ClockPlace, final: boolean, key = code): StatusStep => ({
    type: 'match_status',
    key,
    providerType: code,
    place,
    final,
  })
  switch (code) {
    case 'TBD':
    case 'NS':
      break
    case '1H':
    case 'LIVE':
      steps.push(...periodSteps(1, false, extraTime))
      break
    case 'HT':
      steps.push(...periodSteps(1, true, extraTime))
      break
    case '2H':
      steps.push(...periodSteps(2, false, extraTime))
      break
    case 'BT':
      steps.push(...periodSteps(elapsed >= 105 ? 3 : 2, true, extraTime))
      break
    case 'ET':
      steps.push(...periodSteps(elapsed > 105 ? 4 : 3, false, extraTime))
      break
    case 'P':
      steps.push(...periodSteps(extraTime ? 4 : 2, true, extraTime), { type: 'period_start', period: 5 })
      break
    case 'FT':
      steps.push(...periodSteps(2, true, extraTime), status_(periodEnd(2, lastTime), true))
      break
    case 'AET':
      steps.push(...periodSteps(4, true, extraTime), status_(periodEnd(4, lastTime), true))
      break
    case 'PEN':
      steps.push(
        ...periodSteps(extraTime ? 4 : 2, true, extraTime),
        { type: 'period_start', period: 5 },
        { type: 'period_end', period: 5 },
        status_(periodEnd(5, lastTime), true),
      )
      break
    case 'SUSP':
    case 'INT':
    case 'ABD': {
      const place = placeOnClock(elapsed, status.extra, maxPeriod)
      if (status.elapsed !== null && status.elapsed !== undefined) {
        steps.push(...periodSteps(place.period, false, extraTime))
      }
      steps.push(status_(place, false, `${code}:${elapsed}`))
      break
    }
    default: {
      const place =
        status.elapsed === null || status.elapsed === undefined
          ? { period: 1 as Period, minute: 0, periodTime: 0 }
          : placeOnClock(elapsed, status.extra, maxPeriod)
      if (statuses[code]) steps.push(status_(place, false))
      else {
        warn('fixture.status.short', `unknown status "${status.short}": kept as generic`, code)
        steps.push({ type: 'generic', key: code, providerType: code, place, final: false })
      }
    }
  }
  return statusStepEvents({
    provider: PROVIDER,
    matchId,
    steps,
    lastTime,
    periodProviderType: 'fixture.status',
    startTimes: {
      1: isoFromUnixSeconds(fixture.fixture.periods?.first),
      2: isoFromUnixSeconds(fixture.fixture.periods?.second),
    },
  })
}
