import { ProviderPayloadError } from '../../errors.js'
import { describe, parseJsonText } from '../payload.js'
import { checkJsonBounds, DEFAULT_DOCUMENT_BOUNDS, type DocumentBounds } from './document-bounds.js'
import { parseOptaTime } from './opta-time.js'
import { asElement, attrs, decodeXmlText, parseXmlDocument, textOf, type XmlElement } from './opta-xml.js'
import { emptyMatchInfo, type OptaMatchInfo, sideOf } from './parse-f7.js'
import { toId, toInteger } from './read-fields.js'

const PROVIDER = 'statsperform'
type Json = Readonly<Record<string, unknown>>

/**
 * Bytes or text: JSON or XML, told apart by the first character; an object: parsed JSON. JSON text beyond
 * `bounds` is refused before JSON.parse (XML is checked by parseXmlDocument).
 */
export function decodeStatsPerform(
  input: unknown,
  field: string,
  bounds: DocumentBounds,
): { json: unknown } | { xml: string } {
  if (typeof input === 'object' && input !== null && !(input instanceof Uint8Array)) return { json: input }
  const text = decodeXmlText(PROVIDER, input, field)
  let i = 0
  while (i < text.length && text.charCodeAt(i) <= 32) i++
  if (text.charCodeAt(i) === 60) return { xml: text } // '<'
  checkJsonBounds(PROVIDER, text, field, bounds)
  return { json: parseJsonText(PROVIDER, text, field, notJsonOrXml) }
}

function notJsonOrXml(_text: string, error: unknown): string {
  return `not valid JSON or XML (${(error as Error).message})`
}

/**
 * The `{ matchInfo, liveData }` of a Stats Perform feed. The older layout wraps it in `{ match: [ … ] }`
 * (socceraction's MA1 sample): unwrapped here.
 */
export function unwrapMatch(body: unknown, field: string, feed: string): Json {
  if (Array.isArray(body)) {
    throw new ProviderPayloadError(
      PROVIDER,
      field,
      `a JSON array (a StatsBomb events file?): expected a Stats Perform ${feed} object { matchInfo, liveData }`,
    )
  }
  if (typeof body !== 'object' || body === null) {
    throw new ProviderPayloadError(
      PROVIDER,
      field,
      `expected a Stats Perform ${feed} object { matchInfo, liveData }, got ${describe(body)}`,
    )
  }
  const match = (body as Json).match
  if (Array.isArray(match) && (body as Json).matchInfo === undefined) {
    if (match.length !== 1 || typeof match[0] !== 'object' || match[0] === null) {
      throw new ProviderPayloadError(PROVIDER, `${field}.match`, `expected one match, found ${match.length}`)
    }
    return match[0] as Json
  }
  return body as Json
}

/** Contestants by side, and their names, from `matchInfo.contestant[]` (JSON) or `contestants.contestant` (XML). */
export function readContestants(info: OptaMatchInfo, contestants: readonly unknown[]): void {
  for (const c of contestants) {
    if (typeof c !== 'object' || c === null) continue
    const fields = xmlOrJson(c)
    const id = toId(fields.id)
    if (id === undefined) continue
    const side = sideOf(fields.position)
    if (side !== undefined) info[side] = id
    if (typeof fields.name === 'string') info.teamNames.set(id, fields.name)
  }
}

/** Period starts from `liveData.matchDetails.period[]` (UTC, whole seconds). */
export function readPeriods(info: OptaMatchInfo, periods: readonly unknown[]): void {
  for (const p of periods) {
    if (typeof p !== 'object' || p === null) continue
    const fields = xmlOrJson(p)
    const id = toInteger(fields.id)
    const start = typeof fields.start === 'string' ? parseOptaTime(fields.start, 'decimal', 'utc') : undefined
    if (id >= 1 && id <= 5 && start !== undefined) info.periodStarts.set(id, start)
  }
}

/**
 * An MA1 (match details), JSON or XML, bytes, text or parsed: the match id, the sides, the team names and
 * the line-ups' player names (`knownName` when given, else `firstName lastName`, else `matchName`).
 */
export function readMA1(input: unknown, bounds: DocumentBounds = DEFAULT_DOCUMENT_BOUNDS): OptaMatchInfo {
  const field = 'ma1'
  const decoded = decodeStatsPerform(input, field, bounds)
  const info = emptyMatchInfo()
  if ('xml' in decoded) {
    const [root, doc] = parseXmlDocument(PROVIDER, decoded.xml, field, bounds)
    if (root === 'matchEvents') {
      throw new ProviderPayloadError(
        PROVIDER,
        field,
        'found <matchEvents> (an MA3): pass it as the first argument',
      )
    }
    const matchInfo = asElement(doc.matchInfo)
    info.matchId = toId(attrs(matchInfo).id)
    readContestants(info, list(asElement(matchInfo.contestants).contestant))
    const liveData = asElement(doc.liveData)
    readPeriods(info, list(asElement(asElement(liveData.matchDetails).periods).period))
    for (const lineUp of list(liveData.lineUp))
      for (const player of list(asElement(lineUp).player)) addPlayer(info, player)
    return info
  }
  const body = unwrapMatch(decoded.json, field, 'MA1')
  const matchInfo = body.matchInfo as Json | undefined
  const liveData = body.liveData as Json | undefined
  if (typeof matchInfo !== 'object' || matchInfo === null)
    throw new ProviderPayloadError(PROVIDER, `${field}.matchInfo`, 'missing')
  if (
    typeof liveData === 'object' &&
    liveData !== null &&
    Array.isArray(liveData.event) &&
    liveData.lineUp === undefined
  ) {
    throw new ProviderPayloadError(
      PROVIDER,
      field,
      'has liveData.event but no line-ups (an MA3?): pass it as the first argument',
    )
  }
  info.matchId = toId(matchInfo.id)
  readContestants(info, list(matchInfo.contestant))
  const details = liveData?.matchDetails as Json | undefined
  readPeriods(info, list(details?.period))
  for (const lineUp of list(liveData?.lineUp)) {
    if (typeof lineUp === 'object' && lineUp !== null)
      for (const player of list((lineUp as Json).player)) addPlayer(info, player)
  }
  return info
}

function addPlayer(info: OptaMatchInfo, player: unknown): void {
  if (typeof player !== 'object' || player === null) return
  const p = xmlOrJson(player)
  const id = toId(p.playerId)
  if (id === undefined) return
  const full = [p.firstName, p.lastName].filter((s) => typeof s === 'string' && s !== '').join(' ')
  const name = str(p.knownName) ?? (full || undefined) ?? str(p.matchName)
  if (name !== undefined) info.playerNames.set(id, name)
}

function str(value: unknown): string | undefined {
  const text = textOf(value)
  return text === undefined || text === '' ? undefined : text
}

/** A JSON object's fields, or an XML element's attributes. */
export function xmlOrJson(value: object): Json {
  const $ = (value as XmlElement).$
  return typeof $ === 'object' && $ !== null ? $ : (value as Json)
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value]
}
