import { ProviderPayloadError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { checkedOptions } from '../options.js'
import { describe } from '../payload.js'
import { label, normaliseOptaEvents, type OptaMatchContext, type OptaRawEvent } from './normalise-opta.js'
import { type OptaF24Options, OptaF24OptionsSchema } from './opta-options.js'
import { parseOptaTime } from './opta-time.js'
import {
  assertComplete,
  attrs,
  countElements,
  decodeXmlText,
  parseXmlDocument,
  type XmlElement,
} from './opta-xml.js'
import { emptyMatchInfo, type OptaF7, readF7 } from './parse-f7.js'
import { type FieldFailure, fieldFailure, readEventCore, toId, toInteger } from './read-fields.js'

const PROVIDER = 'opta'
const fail: FieldFailure = fieldFailure(PROVIDER)
const DEFAULT_OPTIONS = OptaF24OptionsSchema.parse({})
const qualifierLabel = (id: number) => `Q(qualifier_id=${id})`

/**
 * An Opta F24 (event details) XML feed, as bytes or text, to MatchEvents (provider `opta`), with kloppy's
 * semantics and the documented differences (docs/providers/opta.md). `f7` (the match's F7) adds player
 * and team names, and the sides and match id when the F24 lacks them.
 *
 * Throws ProviderPayloadError naming the field (`Event[12](id=1510681159).x`) and the reason for anything it
 * cannot read — a DTD or entity declaration, malformed or truncated XML, another feed, a missing or garbled
 * attribute — never a partial result. The output is sorted by `seq`, valid MatchEvents by construction.
 */
export function parseOptaF24(xml: string | Uint8Array, options?: OptaF24Options): MatchEvent[] {
  const opts = options === undefined ? DEFAULT_OPTIONS : checkOptions(options)
  const text = decodeXmlText(PROVIDER, xml, '(body)')
  const [root, games] = parseXmlDocument(PROVIDER, text, '(body)', opts)
  if (root !== 'Games') throw new ProviderPayloadError(PROVIDER, '(root)', wrongRoot(root))
  assertComplete(PROVIDER, text, root, '(body)')
  onlyChildren(games, 'Games', 'Game')
  const gameList = games.Game
  if (!Array.isArray(gameList) || gameList.length !== 1) {
    throw new ProviderPayloadError(
      PROVIDER,
      'Games.Game',
      `expected one <Game>, found ${Array.isArray(gameList) ? gameList.length : 0}`,
    )
  }
  const game = gameList[0] as XmlElement
  if (typeof game !== 'object' || game === null) throw new ProviderPayloadError(PROVIDER, 'Game', 'empty')
  onlyChildren(game, 'Game', 'Event')
  const elements = (game.Event ?? []) as XmlElement[]
  const counted = countElements(text, 'Event')
  if (counted !== elements.length) {
    throw new ProviderPayloadError(
      PROVIDER,
      '(body)',
      `malformed: the text opens ${counted} <Event> elements but ${elements.length} sit in <Game> (a tag is missing or misplaced)`,
    )
  }

  const given = opts.f7
  const f7: OptaF7 =
    given === undefined
      ? emptyMatchInfo()
      : typeof given === 'string' || given instanceof Uint8Array
        ? readF7(given, opts)
        : given
  const g = attrs(game)
  const matchId = resolveMatchId(toId(g.id), f7, opts.matchId)
  const home = toId(g.home_team_id) ?? f7.home
  const away = toId(g.away_team_id) ?? f7.away
  const teamNames = new Map(f7.teamNames) // an F7 read once serves every F24 of its match: not changed here
  if (home !== undefined && typeof g.home_team_name === 'string') teamNames.set(home, g.home_team_name)
  if (away !== undefined && typeof g.away_team_name === 'string') teamNames.set(away, g.away_team_name)
  const periodStarts = new Map<number, number>()
  for (let p = 1; p <= 5; p++) {
    const start = g[`period_${p}_start`]
    if (typeof start !== 'string') continue
    const t = parseOptaTime(start, 'unpadded', 'london')
    if (t === undefined)
      throw new ProviderPayloadError(
        PROVIDER,
        `Game.period_${p}_start`,
        `expected a date-time, got ${describe(start)}`,
      )
    periodStarts.set(p, t)
  }
  const ctx: OptaMatchContext = {
    provider: PROVIDER,
    matchId,
    home,
    away,
    teamNames,
    playerNames: f7.playerNames,
    periodStarts,
    includeRaw: opts.includeRaw,
    eventLabel: 'Event',
    qualifierLabel,
  }
  const events = new Array<OptaRawEvent>(elements.length)
  for (let i = 0; i < elements.length; i++) events[i] = readEvent(elements[i], i)
  return normaliseOptaEvents(events, ctx)
}

function checkOptions(options: OptaF24Options) {
  return checkedOptions(PROVIDER, OptaF24OptionsSchema, options)
}

function wrongRoot(root: string): string {
  if (root === 'SoccerFeed')
    return 'expected an F24 <Games>, found <SoccerFeed> (an F7: pass it as options.f7)'
  if (root === 'matchEvents')
    return 'expected an F24 <Games>, found <matchEvents> (a Stats Perform MA3: use parseStatsPerformMA3)'
  return `expected an F24 <Games>, found <${root}>`
}

/** F24 is a fixed two-level format: anything else inside <Games> / <Game> / <Event> is damage. */
function onlyChildren(element: XmlElement, name: string, child: string): void {
  for (const key in element) {
    if (key !== '$' && key !== '#text' && key !== child) {
      throw new ProviderPayloadError(PROVIDER, name, `unexpected <${key}> inside <${name}>`)
    }
  }
}

/** The match id: the F24's `Game@id`, else the F7's, else the option; two that disagree are an error. */
function resolveMatchId(fromF24: string | undefined, f7: OptaF7, fromOption: string | undefined): string {
  const id = fromF24 ?? f7.matchId ?? fromOption
  if (id === undefined) {
    throw new ProviderPayloadError(PROVIDER, 'Game.id', 'missing (and no F7 uID): pass options.matchId')
  }
  if (fromF24 !== undefined && f7.matchId !== undefined && fromF24 !== f7.matchId) {
    throw new ProviderPayloadError(PROVIDER, 'f7', `is for match ${f7.matchId}, the F24 for match ${fromF24}`)
  }
  if (fromOption !== undefined && fromOption !== id) {
    throw new ProviderPayloadError(
      PROVIDER,
      'Game.id',
      `the feed says match ${id}, options.matchId says ${fromOption}`,
    )
  }
  if (id.includes(':'))
    throw new ProviderPayloadError(PROVIDER, 'Game.id', `must not contain ":", got ${describe(id)}`)
  return id
}

function readEvent(value: unknown, index: number): OptaRawEvent {
  const element = (typeof value === 'object' && value !== null ? value : {}) as XmlElement
  const a = attrs(element)
  const id = toId(a.id)
  const at = id === undefined ? `Event[${index}]` : label({ eventLabel: 'Event' }, { index, id })
  if (id === undefined) fail(at, 'id', a.id, 'the event id')
  const { typeId, periodId, min, sec, outcome, x, y } = readEventCore(
    a,
    { typeId: 'type_id', periodId: 'period_id', min: 'min', sec: 'sec' },
    (field, value, expected) => fail(at, field, value, expected),
  )
  // `timestamp_utc` (newer feeds) is explicit; `timestamp` is London wall-clock time.
  const utc = a.timestamp_utc
  const stamp = utc !== undefined ? utc : a.timestamp
  const time =
    typeof stamp === 'string'
      ? parseOptaTime(stamp, 'unpadded', utc !== undefined ? 'utc' : 'london')
      : undefined
  if (time === undefined) {
    fail(
      at,
      utc !== undefined ? 'timestamp_utc' : 'timestamp',
      stamp,
      'a date-time "YYYY-MM-DDTHH:MM:SS.mmm"',
    )
  }
  let version = 0
  if (a.version !== undefined) {
    version = toInteger(a.version)
    if (!(version >= 0)) fail(at, 'version', a.version, 'a version (epoch milliseconds)')
  } else if (a.last_modified !== undefined) {
    const modified =
      typeof a.last_modified === 'string' ? parseOptaTime(a.last_modified, 'unpadded', 'london') : undefined
    if (modified === undefined) fail(at, 'last_modified', a.last_modified, 'a date-time')
    version = Math.max(0, Math.round(modified))
  }
  let teamId: string | undefined
  if (a.team_id !== undefined) {
    teamId = toId(a.team_id)
    if (teamId === undefined) fail(at, 'team_id', a.team_id, 'a team id')
  }
  let playerId: string | undefined
  if (a.player_id !== undefined) {
    playerId = toId(a.player_id)
    if (playerId === undefined) fail(at, 'player_id', a.player_id, 'a player id')
  }
  let eventId: string | undefined
  if (a.event_id !== undefined) {
    eventId = toId(a.event_id)
    if (eventId === undefined) fail(at, 'event_id', a.event_id, 'a per-team event number')
  }

  const qIds: number[] = []
  const qValues: (string | undefined)[] = []
  for (const key in element) {
    if (key === 'Q') {
      const qs = element.Q as unknown[]
      for (let k = 0; k < qs.length; k++) {
        const q = qs[k]
        const qa = typeof q === 'object' && q !== null ? attrs(q as XmlElement) : {}
        const qid = toInteger(qa.qualifier_id)
        if (!(qid >= 0)) fail(at, `Q[${k}].qualifier_id`, qa.qualifier_id, 'a qualifier id')
        const v = qa.value
        if (v !== undefined && typeof v !== 'string') fail(at, `Q[${k}].value`, v, 'text')
        qIds.push(qid)
        qValues.push(v)
      }
    } else if (key !== '$' && key !== '#text') {
      throw new ProviderPayloadError(PROVIDER, at, `unexpected <${key}> inside <Event>`)
    }
  }
  return {
    index,
    id: id!,
    eventId,
    typeId,
    periodId,
    min,
    sec,
    teamId,
    playerId,
    playerName: undefined,
    outcome,
    x,
    y,
    time: time!,
    version,
    qIds,
    qValues,
    raw: element,
  }
}
