// Event building shared by the two headline-only providers (API-Football, Football-Data): both give a
// match clock in whole minutes, no event ids and no coordinates, so they key and order events alike.
// Status-derived events (period starts and ends, statuses) are in status-events.ts; polling (loop, budget,
// clock, ledger) is in ../polling/.
import { createHash } from 'node:crypto'
import type { ClockPlace } from '../../event/clock.js'
import type { EventResult, EventType, Period } from '../../event/enums.js'
import { matchEventId } from '../../event/ids.js'
import type { AnyMatchEvent, MatchEvent } from '../../event/schema.js'
import type { DiffRules } from '../snapshot.js'

/** The fields every headline event has: keyed, placed on the match clock, version 0, no coordinates. */
export function headlineEvent(args: {
  provider: string
  matchId: string
  key: string
  place: ClockPlace
  seq: number
  type: EventType
  result: EventResult | null
  providerType: string
}): MatchEvent {
  const { place } = args
  const event: AnyMatchEvent = {
    id: matchEventId(args.provider, args.matchId, args.key),
    provider: args.provider,
    providerEventId: args.key,
    matchId: args.matchId,
    seq: args.seq,
    version: 0,
    deleted: false,
    type: args.type,
    result: args.result,
    period: place.period,
    periodTime: place.periodTime,
    minute: place.minute,
    second: 0,
    providerType: args.providerType,
  }
  if (place.addedTime !== undefined) event.addedTime = place.addedTime
  return event as MatchEvent // type and result agree: callers pass one mapping row
}

/**
 * `seq` from the clock, not from the list position, so that a provider re-ordering its list changes
 * nothing: period × 10⁷ + periodTime in ms + a rank (< 1000) that orders events within the same minute.
 * Period ends sit at +9,000,000 and the final status at +9,500,000, after everything in the period.
 */
export function clockSeq(period: Period, periodTime: number, rank: number): number {
  return period * 10_000_000 + Math.round(periodTime * 1000) + rank
}
export const PERIOD_END_RANK = 9_000_000
export const FINAL_STATUS_RANK = 9_500_000

/** A short stable hash, for names inside keys and for tie-breaking ranks. */
export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}

export function hashRank(text: string, modulo: number): number {
  return Number.parseInt(shortHash(text, 6), 16) % modulo
}

/** An id or a name as a key part: ids as they are, names hashed (`n` + 8 hex), nothing as `-`. */
export function refKey(ref: { id?: unknown; name?: string | null } | null | undefined): string {
  if (ref?.id !== null && ref?.id !== undefined && ref.id !== '') return String(ref.id)
  if (ref?.name) return `n${shortHash(ref.name)}`
  return '-'
}

/**
 * Appends an occurrence counter to each key, counted within identical keys: two items with the same key
 * (the same team's two unnamed yellow cards in the same minute) get `:0` and `:1`. Within a key the
 * counter follows the items' content (`tieBreak`), then list order, so inserting or re-ordering items
 * changes no key.
 */
export function withOccurrences(keys: readonly string[], tieBreak?: readonly string[]): string[] {
  const order = keys.map((_, i) => i)
  order.sort((a, b) => {
    const byKey = keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0
    if (byKey !== 0 || !tieBreak) return byKey || a - b
    const ta = tieBreak[a]!
    const tb = tieBreak[b]!
    return ta < tb ? -1 : ta > tb ? 1 : a - b
  })
  const out: string[] = new Array(keys.length)
  let previous: string | undefined
  let n = 0
  for (const i of order) {
    n = keys[i] === previous ? n + 1 : 0
    previous = keys[i]
    out[i] = `${keys[i]}:${n}`
  }
  return out
}

/** A player or team reference for MatchEvent: an id (or a name-derived one, marked `name:`) and the name. */
export function playerRef(
  ref: { id?: number | string | null; name?: string | null } | null | undefined,
): { id: string; name?: string } | undefined {
  if (!ref) return undefined
  const name = ref.name ?? undefined
  if (ref.id !== null && ref.id !== undefined && ref.id !== '') {
    return name ? { id: String(ref.id), name } : { id: String(ref.id) }
  }
  // Lower leagues give names without ids: keep the name rather than lose the player.
  return name ? { id: `name:${name}`, name } : undefined
}

/** A team as MatchEvent refers to it: its id, and its name when there is one. */
export function named(id: string, name: string | null | undefined): { id: string; name?: string } {
  return name ? { id, name } : { id }
}

/** A provider label as a key part: lower case, runs of anything but a-z and 0-9 as one `_`, none at the ends. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
}

export function isoFromUnixSeconds(seconds: number | null | undefined): string | undefined {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return undefined
  return new Date(seconds * 1000).toISOString()
}

/** Status-derived events (period starts and ends, statuses) are never withdrawn by a later poll. */
export function isStatusEvent(event: Pick<MatchEvent, 'providerEventId'>): boolean {
  return event.providerEventId.startsWith('status:')
}

/**
 * Events keyed by position rather than content (goals inferred from a score change, `score:<side>:<n>`):
 * a later snapshot re-derives them at another observation time, which is not a correction.
 */
export function isKeyedByPosition(event: Pick<MatchEvent, 'providerEventId'>): boolean {
  return event.providerEventId.startsWith('score:')
}

/** How headline snapshots are diffed: status events are never withdrawn, positional keys compare by id. */
export const HEADLINE_DIFF_RULES: DiffRules = {
  neverWithdrawn: isStatusEvent,
  byIdOnly: isKeyedByPosition,
}

export const SHOOTOUT_COMMENT = /penalty\s*shoot-?\s*out/i
