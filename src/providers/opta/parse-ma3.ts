import { ProviderPayloadError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { checkedOptions } from '../options.js'
import { describe } from '../payload.js'
import type { DocumentBounds } from './document-bounds.js'
import { label, normaliseOptaEvents, type OptaMatchContext, type OptaRawEvent } from './normalise-opta.js'
import { type StatsPerformMA3Options, StatsPerformMA3OptionsSchema } from './opta-options.js'
import { parseOptaTime } from './opta-time.js'
import {
  asElement,
  assertComplete,
  attrs,
  countElements,
  parseXmlDocument,
  type XmlElement,
} from './opta-xml.js'
import { emptyMatchInfo, type OptaMatchInfo } from './parse-f7.js'
import {
  decodeStatsPerform,
  list,
  readContestants,
  readMA1,
  readPeriods,
  unwrapMatch,
  xmlOrJson,
} from './parse-ma1.js'
import { type FieldFailure, fieldFailure, readEventCore, toId, toInteger } from './read-fields.js'

const PROVIDER = 'statsperform'
const fail: FieldFailure = fieldFailure(PROVIDER)
const DEFAULT_OPTIONS = StatsPerformMA3OptionsSchema.parse({})
const qualifierLabel = (id: number) => `qualifier(qualifierId=${id})`
type Json = Readonly<Record<string, unknown>>

/**
 * A Stats Perform MA3 (match events) feed to MatchEvents (provider `statsperform`): JSON as bytes, text or
 * the parsed object (also the older `{ match: [ … ] }` layout), or the XML variant (`<matchEvents>`, a UTF-8
 * byte-order mark allowed). Same type and qualifier tables as F24 (map-opta.ts); `timeStamp` is UTC, the
 * goal time (qualifier 374) London time. `ma1` (the match's MA1, JSON or XML) adds the line-ups' full names.
 *
 * Throws ProviderPayloadError naming the field (`event[12](id=2328589789).x`) and the reason for anything it
 * cannot read, never a partial result. The output is sorted by `seq`, valid MatchEvents by construction.
 */
export function parseStatsPerformMA3(
  json: string | Uint8Array | object,
  options?: StatsPerformMA3Options,
): MatchEvent[] {
  const opts = options === undefined ? DEFAULT_OPTIONS : checkOptions(options)
  const decoded = decodeStatsPerform(json, '(body)', opts)
  const meta = emptyMatchInfo()
  let items: readonly unknown[]
  let xml: boolean
  if ('xml' in decoded) {
    items = readXml(decoded.xml, meta, opts)
    xml = true
  } else {
    items = readJson(decoded.json, meta)
    xml = false
  }
  if (meta.matchId === undefined) throw new ProviderPayloadError(PROVIDER, 'matchInfo.id', 'missing')
  if (meta.matchId.includes(':')) {
    throw new ProviderPayloadError(
      PROVIDER,
      'matchInfo.id',
      `must not contain ":", got ${describe(meta.matchId)}`,
    )
  }
  if (opts.ma1 !== undefined) mergeMA1(meta, readMA1(opts.ma1, opts))
  const ctx: OptaMatchContext = {
    provider: PROVIDER,
    matchId: meta.matchId,
    home: meta.home,
    away: meta.away,
    teamNames: meta.teamNames,
    playerNames: meta.playerNames,
    periodStarts: meta.periodStarts,
    includeRaw: opts.includeRaw,
    eventLabel: 'event',
    qualifierLabel,
  }
  const events = new Array<OptaRawEvent>(items.length)
  for (let i = 0; i < items.length; i++) events[i] = readEvent(items[i], i, xml)
  return normaliseOptaEvents(events, ctx)
}

function checkOptions(options: StatsPerformMA3Options) {
  return checkedOptions('statsperform', StatsPerformMA3OptionsSchema, options)
}

function readJson(body: unknown, meta: OptaMatchInfo): readonly unknown[] {
  const match = unwrapMatch(body, '(root)', 'MA3')
  const matchInfo = match.matchInfo as Json | undefined
  if (typeof matchInfo !== 'object' || matchInfo === null || Array.isArray(matchInfo)) {
    throw new ProviderPayloadError(PROVIDER, 'matchInfo', `expected an object, got ${describe(matchInfo)}`)
  }
  meta.matchId = toId(matchInfo.id)
  readContestants(meta, list(matchInfo.contestant))
  const liveData = match.liveData as Json | undefined
  if (typeof liveData !== 'object' || liveData === null || Array.isArray(liveData)) {
    throw new ProviderPayloadError(PROVIDER, 'liveData', `expected an object, got ${describe(liveData)}`)
  }
  const details = liveData.matchDetails as Json | undefined
  if (typeof details === 'object' && details !== null) readPeriods(meta, list(details.period))
  const events = liveData.event
  if (!Array.isArray(events)) {
    const hint = liveData.lineUp !== undefined ? ' (an MA1? pass it as options.ma1)' : ''
    throw new ProviderPayloadError(
      PROVIDER,
      'liveData.event',
      `expected an array of events, got ${describe(events)}${hint}`,
    )
  }
  return events
}

function readXml(text: string, meta: OptaMatchInfo, bounds: DocumentBounds): readonly unknown[] {
  const [root, doc] = parseXmlDocument(PROVIDER, text, '(body)', bounds)
  if (root !== 'matchEvents') {
    const hint =
      root === 'Games'
        ? ' (an Opta F24: use parseOptaF24)'
        : root === 'match'
          ? ' (an MA1: pass it as options.ma1)'
          : ''
    throw new ProviderPayloadError(
      PROVIDER,
      '(root)',
      `expected an MA3 <matchEvents>, found <${root}>${hint}`,
    )
  }
  assertComplete(PROVIDER, text, root, '(body)')
  const matchInfo = asElement(doc.matchInfo)
  meta.matchId = toId(attrs(matchInfo).id)
  readContestants(meta, list(asElement(matchInfo.contestants).contestant))
  const liveData = asElement(doc.liveData)
  readPeriods(meta, list(asElement(asElement(liveData.matchDetails).periods).period))
  const eventsElement = asElement(liveData.events)
  onlyChildren(eventsElement, 'liveData.events', 'event')
  const events = list(eventsElement.event)
  const counted = countElements(text, 'event')
  if (counted !== events.length) {
    throw new ProviderPayloadError(
      PROVIDER,
      '(body)',
      `malformed: the text opens ${counted} <event> elements but ${events.length} sit in <liveData><events> (a tag is missing or misplaced)`,
    )
  }
  return events
}

/**
 * The MA1 adds names (its line-ups) and, where the MA3 lacks them, the sides and period starts. An MA1 of
 * another match is refused, unless it names the same two teams (socceraction's edited sample pair carries
 * different match ids for one match).
 */
function mergeMA1(meta: OptaMatchInfo, ma1: OptaMatchInfo): void {
  if (ma1.matchId !== undefined && ma1.matchId !== meta.matchId) {
    const ours = [meta.home, meta.away].sort().join(' ')
    const theirs = [ma1.home, ma1.away].sort().join(' ')
    if (meta.home === undefined || ours !== theirs) {
      throw new ProviderPayloadError(
        PROVIDER,
        'ma1',
        `is for match ${ma1.matchId}, the MA3 for match ${meta.matchId}`,
      )
    }
  }
  if (meta.home === undefined && meta.away === undefined) {
    meta.home = ma1.home
    meta.away = ma1.away
  }
  for (const [id, name] of ma1.teamNames) if (!meta.teamNames.has(id)) meta.teamNames.set(id, name)
  for (const [id, name] of ma1.playerNames) meta.playerNames.set(id, name)
  for (const [p, start] of ma1.periodStarts) if (!meta.periodStarts.has(p)) meta.periodStarts.set(p, start)
}

function readEvent(value: unknown, index: number, xml: boolean): OptaRawEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProviderPayloadError(
      PROVIDER,
      `event[${index}]`,
      `expected an event object, got ${describe(value)}`,
    )
  }
  const a = xmlOrJson(value)
  const id = toId(a.id)
  const at = id === undefined ? `event[${index}]` : label({ eventLabel: 'event' }, { index, id })
  if (id === undefined) fail(at, 'id', a.id, 'the event id')
  const { typeId, periodId, min, sec, outcome, x, y } = readEventCore(
    a,
    { typeId: 'typeId', periodId: 'periodId', min: 'timeMin', sec: 'timeSec' },
    (field, value, expected) => fail(at, field, value, expected),
  )
  const time = typeof a.timeStamp === 'string' ? parseOptaTime(a.timeStamp, 'decimal', 'utc') : undefined
  if (time === undefined) fail(at, 'timeStamp', a.timeStamp, 'a UTC date-time "YYYY-MM-DDTHH:MM:SS.mmmZ"')
  // MA3 has no version attribute: its last-modified time (epoch ms) orders revisions of an event.
  let version = 0
  if (a.lastModified !== undefined) {
    const modified =
      typeof a.lastModified === 'string' ? parseOptaTime(a.lastModified, 'decimal', 'utc') : undefined
    if (modified === undefined) fail(at, 'lastModified', a.lastModified, 'a UTC date-time')
    version = Math.max(0, Math.round(modified))
  }
  const teamId = optionalId(at, 'contestantId', a.contestantId, 'a contestant id')
  const playerId = optionalId(at, 'playerId', a.playerId, 'a player id')
  const eventId = optionalId(at, 'eventId', a.eventId, 'a per-team event number')
  const name = a.playerName
  if (name !== undefined && typeof name !== 'string') fail(at, 'playerName', name, 'text')

  if (xml) onlyChildren(value as XmlElement, at, 'qualifier')
  const qs = xml ? (value as XmlElement).qualifier : (value as Json).qualifier
  const qIds: number[] = []
  const qValues: (string | undefined)[] = []
  if (qs !== undefined) {
    if (!Array.isArray(qs)) fail(at, 'qualifier', qs, 'an array of qualifiers')
    for (let k = 0; k < qs.length; k++) {
      const q = qs[k]
      if (typeof q !== 'object' || q === null) fail(at, `qualifier[${k}]`, q, 'a qualifier object')
      const qa = xmlOrJson(q)
      const qid = toInteger(qa.qualifierId)
      if (!(qid >= 0)) fail(at, `qualifier[${k}].qualifierId`, qa.qualifierId, 'a qualifier id')
      const v = qa.value
      if (v !== undefined && typeof v !== 'string' && typeof v !== 'number')
        fail(at, `qualifier[${k}].value`, v, 'text')
      qIds.push(qid)
      qValues.push(v === undefined ? undefined : String(v))
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
    playerName: name === '' ? undefined : (name as string | undefined),
    outcome,
    x,
    y,
    time: time!,
    version,
    qIds,
    qValues,
    raw: value,
  }
}

/** In the XML, an element this reader does not know inside <events> or <event> is damage, not news. */
function onlyChildren(element: XmlElement, field: string, child: string): void {
  for (const key in element) {
    if (key !== '$' && key !== '#text' && key !== child) {
      throw new ProviderPayloadError(
        PROVIDER,
        field,
        `unexpected <${key}> inside <${child === 'event' ? 'events' : 'event'}>`,
      )
    }
  }
}

function optionalId(at: string, field: string, value: unknown, expected: string): string | undefined {
  if (value === undefined || value === null) return undefined
  const id = toId(value)
  if (id === undefined) fail(at, field, value, expected)
  return id
}
