import { compile, type z } from 'zod'
import { ProviderPayloadError } from '../../errors.js'
import { assertStorable } from '../../event/bounds.js'
import {
  type ClockPlace,
  PERIOD_END_MINUTE,
  placeOnClock,
  PERIOD_START_MINUTE as START_MINUTE,
} from '../../event/clock.js'
import type { Period, Side } from '../../event/enums.js'
import type { MatchEvent, Score, TeamRef } from '../../event/schema.js'
import { markValidated } from '../../event/validate.js'
// The keys, refs and status events are shared with API-Football, the other headline-only provider.
import {
  clockSeq,
  HEADLINE_DIFF_RULES,
  hashRank,
  headlineEvent,
  named,
  playerRef,
  refKey,
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
import { diffSnapshot } from '../snapshot.js'
import {
  type FootballDataParseOptions,
  FootballDataParseOptionsSchema,
  type FootballDataWarning,
} from './football-data-options.js'
import { FOOTBALL_DATA_CARDS, FOOTBALL_DATA_GOAL_TYPES, FOOTBALL_DATA_STATUSES } from './map-football-data.js'
import { FootballDataMatchSchema } from './wire.js'

const PROVIDER = 'football-data'
type Match = z.output<typeof FootballDataMatchSchema>
type Options = z.output<typeof FootballDataParseOptionsSchema>
type Warn = (field: string, message: string, providerType?: string) => void
type Teams = { home: { id: string; name?: string }; away: { id: string; name?: string } }

const compiledMatch = compile(FootballDataMatchSchema)
// Without prototypes: a provider string such as "constructor" is unknown, like any other.
const goalTypes = lookupTable<{ result: 'goal' | 'own_goal'; setPiece?: 'penalty' }>(FOOTBALL_DATA_GOAL_TYPES)
const cards = lookupTable<'yellow' | 'second_yellow' | 'red'>(FOOTBALL_DATA_CARDS)
const statuses = lookupTable<{ kind: string; final: boolean }>(FOOTBALL_DATA_STATUSES)
const MINUTE_MS = 60_000
const HALF_TIME_MINUTES = 15

/**
 * Football-Data.org v4 → MatchEvents, by diffing snapshots. `match` is `/v4/matches/{id}`, a list
 * (`{ matches: [...] }`) or an array of matches; bytes and strings are parsed as JSON.
 *
 * Without `previous`, every event the snapshot implies so far. With `previous` (the snapshot before, same
 * shape), only what changed: new events, corrected ones, and removed ones as `deleted: true`; events of a
 * diff carry `version` = the snapshot's `lastUpdated` in unix seconds, so a later snapshot supersedes.
 *
 * Goals, bookings and substitutions come from the paid-tier arrays. On the free tier, where they are
 * absent, a score change becomes a goal without a scorer, `providerType: 'score_change'`, keyed by its
 * position (`score:home:2`, the second home goal). Status transitions become period starts and ends and
 * match statuses. An error body or a malformed match throws ProviderPayloadError naming the field.
 */
export function parseFootballDataMatch(
  match: unknown,
  previous?: unknown,
  options?: FootballDataParseOptions,
): MatchEvent[] {
  const opts = checkOptions(options)
  const now = snapshotTime(opts)
  const events: MatchEvent[] = []
  for (const read of readSnapshot(match, previous, opts, now)) {
    events.push(...(read.previous ? diffFromPrevious(read, opts, now) : read.events))
  }
  // Valid by construction: the fuzz and conformance suites hold every output event to MatchEventSchema.
  return markValidated(assertStorable(PROVIDER, events))
}

/**
 * For the poller, which diffs against what it delivered: every event each match of `match` implies so far,
 * as `parseFootballDataMatch(match)` gives them, with `previous` (the snapshot before) placing the clock
 * as a diff would (goals seen appear between the two, the half being played).
 */
export function footballDataSnapshotEvents(
  match: unknown,
  previous: unknown,
  options?: FootballDataParseOptions,
): MatchEvent[] {
  const opts = checkOptions(options)
  const events = readSnapshot(match, previous, opts, snapshotTime(opts)).flatMap((read) => read.events)
  return markValidated(assertStorable(PROVIDER, events))
}

/** One match of a snapshot: its events so far, and the same match in the previous snapshot, if any. */
interface MatchRead {
  match: Match
  previous: Match | undefined
  events: MatchEvent[]
}

function readSnapshot(match: unknown, previous: unknown, opts: Options, now: number): MatchRead[] {
  const current = readMatches(decodeJson(PROVIDER, match), '')
  const before = new Map<number, Match>()
  if (previous !== undefined && previous !== null) {
    for (const { match: m } of readMatches(decodeJson(PROVIDER, previous), 'previous')) before.set(m.id, m)
  }
  return current.map(({ match: m, at }) => {
    const matchId = String(m.id)
    const warn: Warn = (field, message, providerType) => {
      const warning: FootballDataWarning = { provider: PROVIDER, matchId, field: `${at}${field}`, message }
      if (providerType !== undefined) warning.providerType = providerType
      opts.onWarning?.(warning)
    }
    const prev = before.get(m.id)
    return { match: m, previous: prev, events: matchEvents(m, prev, now, opts, warn) }
  })
}

function snapshotTime(opts: Options): number {
  return opts.now === undefined ? Date.now() : new Date(opts.now).getTime()
}

/**
 * What changed since the previous snapshot, as it was read then (its `lastUpdated` stands for the time it
 * was taken), with the one snapshot differ: every change at version `lastUpdated` in unix seconds, so a
 * later snapshot supersedes.
 */
function diffFromPrevious(read: MatchRead, opts: Options, now: number): MatchEvent[] {
  const prev = read.previous!
  const prevAt = prev.lastUpdated ? Date.parse(prev.lastUpdated) : Number.NaN
  const silent: Warn = () => {}
  const earlier = matchEvents(prev, undefined, Number.isFinite(prevAt) ? prevAt : now, opts, silent)
  const version = diffVersion(read.match)
  return diffSnapshot(new Map(earlier.map((e) => [e.id, e])), read.events, {
    ...HEADLINE_DIFF_RULES,
    version: () => version,
  })
}

function checkOptions(options: FootballDataParseOptions | undefined): Options {
  return checkedOptions(PROVIDER, FootballDataParseOptionsSchema, options ?? {})
}

/** A match, a list envelope or an array → the matches in it; an error body is a typed error. */
function readMatches(body: unknown, at: string): { match: Match; at: string }[] {
  const prefix = at ? `${at}.` : ''
  let items: { raw: unknown; at: string }[]
  if (Array.isArray(body)) {
    items = body.map((raw, i) => ({ raw, at: `${at}[${i}]` }))
  } else if (body !== null && typeof body === 'object') {
    const obj = body as Record<string, unknown>
    if ('errorCode' in obj || ('message' in obj && !('id' in obj) && !('matches' in obj))) {
      throw new ProviderPayloadError(
        PROVIDER,
        `${prefix}${'errorCode' in obj ? 'errorCode' : 'message'}`,
        `the provider answered an error${obj.errorCode === undefined ? '' : ` ${providerText(obj.errorCode)}`}: ${providerText(obj.message)}`,
      )
    }
    if ('matches' in obj) {
      if (!Array.isArray(obj.matches))
        throw new ProviderPayloadError(PROVIDER, `${prefix}matches`, 'not an array')
      items = obj.matches.map((raw, i) => ({ raw, at: `${prefix}matches[${i}]` }))
    } else if ('id' in obj && 'status' in obj) {
      items = [{ raw: obj, at }]
    } else {
      throw new ProviderPayloadError(
        PROVIDER,
        at || '(body)',
        'not a Football-Data v4 match or list of matches',
      )
    }
  } else {
    throw new ProviderPayloadError(
      PROVIDER,
      at || '(body)',
      'not a Football-Data v4 match or list of matches',
    )
  }
  return items.map(({ raw, at: where }) => {
    const parsed = compiledMatch.safeParse(raw)
    if (!parsed.success) throw shapeError(PROVIDER, where, parsed.error, raw)
    return { match: parsed.data as Match, at: where ? `${where}.` : '' }
  })
}

/** A diff's events supersede what an earlier snapshot gave: version = `lastUpdated` in unix seconds. */
function diffVersion(match: Match): number {
  const at = match.lastUpdated ? Date.parse(match.lastUpdated) : Number.NaN
  return Number.isFinite(at) ? Math.max(1, Math.floor(at / 1000)) : 1
}

interface Draft {
  event: MatchEvent
  /** The side a goal counts for. */
  credited?: Side
}

/** What building one match's events needs: its teams, its clock, and the pieces every event has. */
interface MatchContext {
  m: Match
  opts: Options
  warn: Warn
  teams: Teams | undefined
  sideOf(id: unknown): Side | undefined
  /** The latest period an item's minute may be in (no extra time: 93 is 90+3). */
  cap: 1 | 2 | 4
  /** Where the match is now, when it is on. */
  clock: ClockPlace | undefined
  /** A generic headline event of this match; the caller sets its type and the rest. */
  base(key: string, place: ClockPlace, rank: number, providerType: string): MatchEvent
  team(id: unknown, name: string | null | undefined): TeamRef | undefined
  placeItem(minute: number | undefined, injury: number | null | undefined, field: string): ClockPlace
}

function matchEvents(
  m: Match,
  prev: Match | undefined,
  now: number,
  opts: Options,
  warn: Warn,
): MatchEvent[] {
  const ctx = matchContext(m, prev, now, opts, warn)
  const drafts: Draft[] = [
    ...goalDrafts(ctx),
    ...bookingDrafts(ctx),
    ...substitutionDrafts(ctx),
    ...shootoutKicks(m, ctx.teams, ctx.sideOf, opts, warn, ctx.base),
  ]
  drafts.push(...unlistedGoals(ctx, prev, drafts))

  drafts.sort((a, b) => a.event.seq - b.event.seq)
  const score = { home: 0, away: 0 }
  for (const d of drafts) {
    if (!d.credited || d.event.period === 5) continue
    score[d.credited]++
    d.event.score = { ...score }
  }
  const events = drafts.map((d) => d.event)
  const status = m.status.toUpperCase()
  const duration = (m.score.duration ?? 'REGULAR').toUpperCase()
  const extraTime = playedExtraTime(m)
  events.push(
    ...statusEvents(m, String(m.id), status, duration, extraTime, ctx.clock, lastTimes(events), warn),
  )
  return events.sort((a, b) => a.seq - b.seq)
}

function matchContext(
  m: Match,
  prev: Match | undefined,
  now: number,
  opts: Options,
  warn: Warn,
): MatchContext {
  const matchId = String(m.id)
  const teams: Teams | undefined =
    m.homeTeam.id === null ||
    m.homeTeam.id === undefined ||
    m.awayTeam.id === null ||
    m.awayTeam.id === undefined
      ? undefined
      : {
          home: named(String(m.homeTeam.id), m.homeTeam.name),
          away: named(String(m.awayTeam.id), m.awayTeam.name),
        }
  const sideOf = (id: unknown): Side | undefined =>
    teams && id !== null && id !== undefined
      ? teams.home.id === String(id)
        ? 'home'
        : teams.away.id === String(id)
          ? 'away'
          : undefined
      : undefined
  const status = m.status.toUpperCase()
  const cap: 1 | 2 | 4 =
    playedExtraTime(m) || status === 'EXTRA_TIME' || status === 'PENALTY_SHOOTOUT' ? 4 : 2
  return {
    m,
    opts,
    warn,
    teams,
    sideOf,
    cap,
    clock: currentClock(m, prev, now),
    base: (key, place, rank, providerType) =>
      headlineEvent({
        provider: PROVIDER,
        matchId,
        key,
        place,
        seq: clockSeq(place.period, place.periodTime, rank),
        type: 'generic',
        result: null,
        providerType,
      }),
    team: (id, name) => {
      if (id === null || id === undefined) return undefined
      const ref: TeamRef = { id: String(id) }
      if (name) ref.name = name
      const side = sideOf(id)
      if (side) ref.side = side
      return ref
    },
    placeItem: (minute, injury, field) => {
      if (minute === undefined) throw new ProviderPayloadError(PROVIDER, `${field}.minute`, 'missing')
      return placeOnClock(minute, injury, cap)
    },
  }
}

/** Goals (paid tier). The goal's `score` says which side it counted for: that decides an own goal's team. */
function goalDrafts(ctx: MatchContext): Draft[] {
  const { teams, sideOf } = ctx
  const goals = ctx.m.goals ?? []
  const goalKeys = withOccurrences(
    goals.map(
      (g) =>
        `goal:${refKey(g.team)}:${refKey(g.scorer)}:${g.minute ?? '-'}${g.injuryTime ? `+${g.injuryTime}` : ''}`,
    ),
    goals.map((g) => JSON.stringify(g)),
  )
  const creditedBy = creditedSides(goals)
  return goals.map((g, i) => {
    const field = `goals[${i}]`
    const type = g.type.toUpperCase()
    const mapping = goalTypes[type]
    const place = ctx.placeItem(g.minute, g.injuryTime, field)
    const key = goalKeys[i]!
    const event = ctx.base(key, place, 100 + hashRank(key, 50), type)
    if (!mapping) ctx.warn(`${field}.type`, `unknown goal type "${g.type}": kept as generic`, type)
    else {
      event.type = 'shot'
      event.result = mapping.result
      if (mapping.setPiece) event.setPiece = mapping.setPiece
    }
    let ref = ctx.team(g.team?.id, g.team?.name)
    const given = sideOf(g.team?.id)
    let credited = creditedBy.get(i) ?? (mapping ? given : undefined)
    if (mapping?.result === 'own_goal' && given && teams) {
      const other: Side = given === 'home' ? 'away' : 'home'
      const fromScore = creditedBy.get(i)
      if (fromScore === undefined || fromScore === given) {
        // Listed under the team credited (as API-Football does): matchfeed names the defender's side.
        ref = { ...teams[other], side: other }
        credited = given
      } else {
        credited = other // already the defender's side
      }
    }
    withPeople(ctx, event, { team: ref, player: g.scorer, related: g.assist }, g)
    const draft: Draft = { event }
    if (mapping && credited) draft.credited = credited
    return draft
  })
}

/** The side each goal counted for, from the running score the goals carry (in time order). */
function creditedSides(goals: readonly NonNullable<Match['goals']>[number][]): Map<number, Side | undefined> {
  let running: Score = { home: 0, away: 0 }
  const goalOrder = goals.map((_, i) => i).sort((a, b) => goalTime(goals[a]!) - goalTime(goals[b]!) || a - b)
  const creditedBy = new Map<number, Side | undefined>()
  for (const i of goalOrder) {
    const after = goals[i]!.score
    let credited: Side | undefined
    if (after && typeof after.home === 'number' && typeof after.away === 'number') {
      if (after.home === running.home + 1 && after.away === running.away) credited = 'home'
      else if (after.away === running.away + 1 && after.home === running.home) credited = 'away'
      running = { home: after.home, away: after.away }
    }
    creditedBy.set(i, credited)
  }
  return creditedBy
}

function bookingDrafts(ctx: MatchContext): Draft[] {
  const bookings = ctx.m.bookings ?? []
  const bookingKeys = withOccurrences(
    bookings.map((b) => `card-${slug(b.card)}:${refKey(b.team)}:${refKey(b.player)}:${b.minute ?? '-'}`),
    bookings.map((b) => JSON.stringify(b)),
  )
  return bookings.map((b, i) => {
    const field = `bookings[${i}]`
    const key = bookingKeys[i]!
    const card = cards[b.card.toUpperCase()]
    const event = ctx.base(key, ctx.placeItem(b.minute, undefined, field), 200 + hashRank(key, 50), b.card)
    if (card) {
      event.type = 'card'
      event.card = card
    } else ctx.warn(`${field}.card`, `unknown card "${b.card}": kept as generic`, b.card)
    withPeople(ctx, event, { team: ctx.team(b.team?.id, b.team?.name), player: b.player }, b)
    return { event }
  })
}

function substitutionDrafts(ctx: MatchContext): Draft[] {
  const subs = ctx.m.substitutions ?? []
  const subKeys = withOccurrences(
    subs.map((s) => `subst:${refKey(s.team)}:${refKey(s.playerOut)}:${s.minute ?? '-'}`),
    subs.map((s) => JSON.stringify(s)),
  )
  return subs.map((s, i) => {
    const key = subKeys[i]!
    const event = ctx.base(
      key,
      ctx.placeItem(s.minute, undefined, `substitutions[${i}]`),
      300 + hashRank(key, 50),
      'SUBSTITUTION',
    )
    event.type = 'substitution'
    const team = ctx.team(s.team?.id, s.team?.name)
    withPeople(ctx, event, { team, player: s.playerOut, related: s.playerIn }, s)
    return { event }
  })
}

type Person = Parameters<typeof playerRef>[0]

/** Sets who an item is about (team, player, related player, as far as given) and, when asked, its raw item. */
function withPeople(
  ctx: MatchContext,
  event: MatchEvent,
  people: { team: TeamRef | undefined; player: Person; related?: Person },
  raw: unknown,
): void {
  if (people.team) event.team = people.team
  const player = playerRef(people.player)
  if (player) event.player = player
  const related = playerRef(people.related)
  if (related) event.relatedPlayer = related
  if (ctx.opts.includeRaw) event.raw = raw
}

/** Goals the arrays do not (yet) list: the free tier, or a score updated before its goal. */
function unlistedGoals(ctx: MatchContext, prev: Match | undefined, drafts: readonly Draft[]): Draft[] {
  const { teams, m } = ctx
  if (!teams) return []
  const out: Draft[] = []
  const total = matchScore(m)
  const listed = { home: 0, away: 0 }
  for (const d of drafts) if (d.credited && d.event.period < 5) listed[d.credited]++
  for (const side of ['home', 'away'] as const) {
    const count = total[side]
    if (count === undefined || count <= listed[side]) continue
    for (let n = listed[side] + 1; n <= count; n++) {
      const place = inferredPlace(n, side, m, prev, ctx.clock)
      const key = `score:${side}:${n}`
      const event = ctx.base(key, place, 150 + n, 'score_change')
      event.type = 'shot'
      event.result = 'goal'
      event.team = { ...teams[side], side }
      out.push({ event, credited: side })
    }
  }
  return out
}

function goalTime(g: { minute?: number | undefined; injuryTime?: number | null | undefined }): number {
  return (g.minute ?? 0) * 100 + (g.injuryTime ?? 0)
}

/** Extra time was played: the duration says so, or the score has an extra-time part. */
function playedExtraTime(m: Match): boolean {
  const duration = (m.score.duration ?? '').toUpperCase()
  const et = m.score.extraTime
  const etGiven = (et?.home ?? null) !== null || (et?.away ?? null) !== null
  if (duration === 'EXTRA_TIME' || m.status.toUpperCase() === 'EXTRA_TIME') return true
  if (duration === 'PENALTY_SHOOTOUT') return etGiven || !m.score.regularTime
  return etGiven
}

/**
 * The match score without the shoot-out. v4's `fullTime` includes shoot-out goals when there was one
 * (then `regularTime` + `extraTime` is the match score); without those parts, `fullTime` − `penalties`.
 */
function matchScore(m: Match): { home?: number; away?: number } {
  const { fullTime, regularTime, extraTime, penalties } = m.score
  const duration = (m.score.duration ?? 'REGULAR').toUpperCase()
  const out: { home?: number; away?: number } = {}
  for (const side of ['home', 'away'] as const) {
    const full = fullTime?.[side]
    if (duration !== 'REGULAR' && typeof regularTime?.[side] === 'number') {
      out[side] = regularTime[side]! + (extraTime?.[side] ?? 0)
    } else if (
      duration === 'PENALTY_SHOOTOUT' &&
      typeof full === 'number' &&
      typeof penalties?.[side] === 'number'
    ) {
      out[side] = Math.max(0, full - penalties[side]!)
    } else if (typeof full === 'number') out[side] = full
  }
  return out
}

/** Where the match is now: from `minute` when given, else from the previous snapshot or the time. */
function currentClock(m: Match, prev: Match | undefined, now: number): ClockPlace | undefined {
  const status = m.status.toUpperCase()
  if (status === 'PENALTY_SHOOTOUT') return { period: 5, minute: 120, periodTime: 0 }
  if (!['IN_PLAY', 'PAUSED', 'EXTRA_TIME', 'SUSPENDED'].includes(status)) return undefined
  if (m.minute !== undefined) return placeOnClock(m.minute, m.injuryTime, status === 'IN_PLAY' ? 2 : 4)
  const kickOff = m.utcDate ? Date.parse(m.utcDate) : Number.NaN
  const t = Number.isFinite(kickOff) ? (now - kickOff) / MINUTE_MS : undefined
  const prevStatus = prev?.status.toUpperCase()
  if (status === 'IN_PLAY') {
    // Back from half-time, or already in the second half before: the second half.
    const secondHalf =
      prevStatus === 'PAUSED' || (prev?.minute ?? 0) > 45 || (t !== undefined && t >= 45 + HALF_TIME_MINUTES)
    return secondHalf ? estimate(2, t) : estimate(1, t)
  }
  if (status === 'EXTRA_TIME') {
    return t !== undefined && t >= 90 + HALF_TIME_MINUTES + 5 + 15 + 1 ? estimate(4, t) : estimate(3, t)
  }
  if (status === 'PAUSED') {
    if (t === undefined || t < 90) return { period: 1, minute: 45, periodTime: 45 * 60 }
    return t < 90 + HALF_TIME_MINUTES + 15 + 5
      ? { period: 2, minute: 90, periodTime: 45 * 60 }
      : { period: 3, minute: 105, periodTime: 15 * 60 }
  }
  return t === undefined ? undefined : estimate(t < 45 + HALF_TIME_MINUTES ? 1 : 2, t)
}

/** The running minute from the time since kick-off, with a 15-minute half-time and 5-minute breaks. */
function estimate(period: 1 | 2 | 3 | 4, t: number | undefined): ClockPlace {
  const offsets = { 1: 0, 2: HALF_TIME_MINUTES, 3: HALF_TIME_MINUTES + 5, 4: HALF_TIME_MINUTES + 6 }
  const starts = { 1: 1, 2: 46, 3: 91, 4: 106 }
  const ends = { 1: 45, 2: 90, 3: 105, 4: 120 }
  const running = t === undefined ? starts[period] : Math.max(starts[period], Math.ceil(t - offsets[period]))
  return placeOnClock(
    Math.min(running, ends[period]),
    running > ends[period] ? running - ends[period] : null,
    period === 1 ? 1 : 4,
  )
}

/**
 * Where a goal known only from the score goes. Seen appear (more goals than the previous snapshot): at
 * the current clock. Otherwise in its half by `halfTime` (extra time by `regularTime`), at the current
 * clock while the match is on, else at the end of that period. The order of several goals not seen
 * live is not known, so only the last one's score is exact.
 */
function inferredPlace(
  n: number,
  side: Side,
  m: Match,
  prev: Match | undefined,
  clock: ClockPlace | undefined,
): ClockPlace {
  const live = clock !== undefined && clock.period < 5
  const seenNow = prev !== undefined && n > (matchScore(prev)[side] ?? 0)
  if (live && seenNow) return clock
  const half = m.score.halfTime?.[side]
  const regular = m.score.regularTime?.[side]
  let period: Period = 2
  if (typeof half === 'number' && n <= half) period = 1
  else if (live) return clock
  else if (typeof regular === 'number' && n > regular) period = 4
  return placeOnClock(PERIOD_END_MINUTE[period], null, 4)
}

/**
 * Shoot-out kicks: `penalties[]` of a PENALTY_SHOOTOUT match, except entries matching an in-game PENALTY
 * goal (the list also holds those); on the free tier, `score.penalties` as kicks without a taker. Elsewhere
 * a missed in-game penalty has no minute: it is reported as a warning, not invented.
 */
function shootoutKicks(
  m: Match,
  teams: Teams | undefined,
  sideOf: (id: unknown) => Side | undefined,
  opts: Options,
  warn: Warn,
  base: (key: string, place: ClockPlace, rank: number, providerType: string) => MatchEvent,
): Draft[] {
  const shootout = (m.score.duration ?? '').toUpperCase() === 'PENALTY_SHOOTOUT'
  const kicks = m.penalties ?? []
  const inGame = new Map<string, number>()
  for (const g of m.goals ?? []) {
    if (g.type.toUpperCase() !== 'PENALTY') continue
    const k = refKey(g.scorer)
    inGame.set(k, (inGame.get(k) ?? 0) + 1)
  }
  const drafts: Draft[] = []
  const place: ClockPlace = { period: 5, minute: 120, periodTime: 0 }
  if (!shootout) {
    kicks.forEach((p, i) => {
      if (p.scored === false) {
        warn(`penalties[${i}]`, 'a missed penalty without a minute: not turned into an event', 'PENALTY')
      }
    })
    return drafts
  }
  const lineupSide = (playerId: unknown): Side | undefined => {
    if (playerId === null || playerId === undefined) return undefined
    for (const side of ['home', 'away'] as const) {
      const t = side === 'home' ? m.homeTeam : m.awayTeam
      if ([...(t.lineup ?? []), ...(t.bench ?? [])].some((p) => String(p.id) === String(playerId)))
        return side
    }
    return undefined
  }
  const taken = kicks.filter((p) => {
    const k = refKey(p.player)
    const left = inGame.get(k) ?? 0
    if (p.scored !== false && left > 0) {
      inGame.set(k, left - 1)
      return false
    }
    return true
  })
  const keys = withOccurrences(taken.map((p) => `shootout:${refKey(p.team)}:${refKey(p.player)}`))
  taken.forEach((p, i) => {
    const key = keys[i]!
    const event = base(key, place, (i + 1) * 1000, 'PENALTY_SHOOTOUT')
    event.type = 'shot'
    event.result = p.scored ? 'goal' : null
    event.setPiece = 'penalty'
    const side = sideOf(p.team?.id) ?? lineupSide(p.player?.id)
    if (side && teams) event.team = { ...teams[side], side }
    const player = playerRef(p.player)
    if (player) event.player = player
    if (opts.includeRaw) event.raw = p
    drafts.push({ event })
  })
  if (kicks.length === 0 && teams) {
    for (const side of ['home', 'away'] as const) {
      const scored = m.score.penalties?.[side] ?? 0
      for (let n = 1; n <= scored; n++) {
        const key = `score:shootout-${side}:${n}`
        const event = base(key, place, n * 1000 + (side === 'home' ? 0 : 500), 'score_change')
        event.type = 'shot'
        event.result = 'goal'
        event.setPiece = 'penalty'
        event.team = { ...teams[side], side }
        drafts.push({ event })
      }
    }
  }
  return drafts
}

/**
 * `status` → the period starts and ends implied so far, and `match_status` events: FINISHED, SUSPENDED
 * (`status:SUSPENDED:<period>`), POSTPONED, CANCELLED, AWARDED. Unknown statuses are `generic`.
 */
function statusEvents(
  m: Match,
  matchId: string,
  status: string,
  duration: string,
  extraTime: boolean,
  clock: ClockPlace | undefined,
  lastTime: ReadonlyMap<Period, number>,
  warn: Warn,
): MatchEvent[] {
  const steps: StatusStep[] = []
  const final = (place: ClockPlace): StatusStep => ({
    type: 'match_status',
    key: status,
    providerType: status,
    place,
    final: true,
  })
  switch (status) {
    case 'SCHEDULED':
    case 'TIMED':
      break
    case 'IN_PLAY':
    case 'EXTRA_TIME':
      steps.push(...periodSteps(clock?.period ?? 1, false, extraTime))
      break
    case 'PAUSED':
      steps.push(...periodSteps(clock?.period ?? 1, true, extraTime))
      break
    case 'PENALTY_SHOOTOUT':
      steps.push(...periodSteps(extraTime ? 4 : 2, true, extraTime), { type: 'period_start', period: 5 })
      break
    case 'FINISHED':
      if (duration === 'PENALTY_SHOOTOUT') {
        steps.push(
          ...periodSteps(extraTime ? 4 : 2, true, extraTime),
          { type: 'period_start', period: 5 },
          { type: 'period_end', period: 5 },
          final(periodEnd(5, lastTime)),
        )
      } else {
        const last = duration === 'EXTRA_TIME' || extraTime ? 4 : 2
        steps.push(...periodSteps(last, true, extraTime), final(periodEnd(last, lastTime)))
      }
      break
    case 'SUSPENDED': {
      // Without `minute`, the period's start: an estimate from the time would change on every poll.
      const place =
        m.minute !== undefined && clock
          ? clock
          : { period: clock?.period ?? 1, minute: START_MINUTE[clock?.period ?? 1], periodTime: 0 }
      if (clock) steps.push(...periodSteps(clock.period, false, extraTime))
      steps.push({
        type: 'match_status',
        key: `${status}:${place.period}`,
        providerType: status,
        place,
        final: false,
      })
      break
    }
    default: {
      const place =
        m.minute !== undefined && clock
          ? clock
          : {
              period: clock?.period ?? (1 as Period),
              minute: START_MINUTE[clock?.period ?? 1],
              periodTime: 0,
            }
      if (statuses[status]) {
        steps.push({ type: 'match_status', key: status, providerType: status, place, final: false })
      } else {
        warn('status', `unknown status "${m.status}": kept as generic`, status)
        steps.push({ type: 'generic', key: status, providerType: status, place, final: false })
      }
    }
  }
  return statusStepEvents({ provider: PROVIDER, matchId, steps, lastTime, periodProviderType: 'status' })
}
