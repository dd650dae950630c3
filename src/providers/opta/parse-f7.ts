import { ProviderPayloadError } from '../../errors.js'
import type { Side } from '../../event/enums.js'
import { checkedOptions } from '../options.js'
import { DEFAULT_DOCUMENT_BOUNDS, type DocumentBounds } from './document-bounds.js'
import { type OptaDocumentBounds, OptaDocumentBoundsSchema, readF7s } from './opta-options.js'
import {
  asElement,
  assertComplete,
  attrs,
  decodeXmlText,
  parseXmlDocument,
  textOf,
  type XmlElement,
} from './opta-xml.js'

/** What an F7 (or an MA1) adds to an event feed: names, sides, the match id. */
export interface OptaMatchInfo {
  matchId: string | undefined
  home: string | undefined
  away: string | undefined
  teamNames: Map<string, string>
  playerNames: Map<string, string>
  /** UTC epoch ms by period id, when the companion gives them. */
  periodStarts: Map<number, number>
}

/** An F7 as readOptaF7 read it: what parseOptaF24 takes from it (`options.f7`). */
export interface OptaF7 {
  /** `SoccerDocument@uID` without its `f`. */
  readonly matchId: string | undefined
  readonly home: string | undefined
  readonly away: string | undefined
  readonly teamNames: ReadonlyMap<string, string>
  readonly playerNames: ReadonlyMap<string, string>
}

/**
 * Reads and checks an F7 (match results) XML once, for all the F24s of its match (`parseOptaF24(f24, { f7 })`):
 * a damaged F7 is a ProviderPayloadError (field `f7…`) here, not in every later F24. Bounded like the F24
 * (`maxElements`, `maxAttributes`).
 */
export function readOptaF7(xml: string | Uint8Array, options?: OptaDocumentBounds): OptaF7 {
  const bounds = checkedOptions('opta', OptaDocumentBoundsSchema, options ?? {})
  const info = readF7(xml, bounds)
  const f7: OptaF7 = Object.freeze({
    matchId: info.matchId,
    home: info.home,
    away: info.away,
    teamNames: info.teamNames,
    playerNames: info.playerNames,
  })
  readF7s.add(f7)
  return f7
}

export function emptyMatchInfo(): OptaMatchInfo {
  return {
    matchId: undefined,
    home: undefined,
    away: undefined,
    teamNames: new Map(),
    playerNames: new Map(),
    periodStarts: new Map(),
  }
}

/**
 * An F7 (match results) XML: `SoccerDocument@uID` (`f1009316`), `TeamData@Side` / `@TeamRef` and each
 * `Team`'s `Name` and `Player` names. F7 refs carry a type prefix (`t569`, `p111319`) that F24 ids do not:
 * it is stripped, as kloppy does. A player's name is `Known` when given, else `First Last`.
 */
export function readF7(input: unknown, bounds: DocumentBounds = DEFAULT_DOCUMENT_BOUNDS): OptaMatchInfo {
  const field = 'f7'
  const text = decodeXmlText('opta', input, field)
  const [root, feed] = parseXmlDocument('opta', text, field, bounds)
  if (root !== 'SoccerFeed') {
    const hint = root === 'Games' ? ' (this is an F24: pass it as the first argument)' : ''
    throw new ProviderPayloadError('opta', field, `expected an F7 <SoccerFeed>, found <${root}>${hint}`)
  }
  assertComplete('opta', text, root, field)
  const info = emptyMatchInfo()
  const docs = feed.SoccerDocument
  const doc = Array.isArray(docs) ? asElement(docs[0]) : undefined
  if (doc === undefined) throw new ProviderPayloadError('opta', `${field}.SoccerDocument`, 'missing')
  info.matchId = stripPrefix(attrs(doc).uID, 'f')
  const matchData = asElement(doc.MatchData)
  for (const teamData of list(matchData.TeamData)) {
    const a = attrs(teamData)
    const team = stripPrefix(a.TeamRef, 't')
    const side = sideOf(a.Side)
    if (team === undefined || side === undefined) continue
    info[side] = team
  }
  for (const team of list(doc.Team)) {
    const teamId = stripPrefix(attrs(team).uID, 't')
    const name = textOf(team.Name)
    if (teamId !== undefined && name !== undefined) info.teamNames.set(teamId, name)
    for (const player of list(team.Player)) {
      const playerId = stripPrefix(attrs(player).uID, 'p')
      const person = asElement(player.PersonName)
      const known = textOf(person.Known)
      const first = textOf(person.First)
      const last = textOf(person.Last)
      const name = known ?? ([first, last].filter(Boolean).join(' ') || undefined)
      if (playerId !== undefined && name !== undefined) info.playerNames.set(playerId, name)
    }
  }
  return info
}

export function sideOf(value: unknown): Side | undefined {
  if (typeof value !== 'string') return undefined
  const side = value.toLowerCase()
  return side === 'home' ? 'home' : side === 'away' ? 'away' : undefined
}

function list(value: unknown): XmlElement[] {
  return Array.isArray(value)
    ? (value as unknown[]).map(asElement)
    : value === undefined
      ? []
      : [asElement(value)]
}

/** `t569` → `569`, `p111319` → `111319`, `f1009316` → `1009316`; an id without the prefix as it is. */
function stripPrefix(value: unknown, prefix: string): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  return value.startsWith(prefix) && value.length > 1 ? value.slice(1) : value
}
