// Helpers shared by the two headline-only providers (API-Football, Football-Data): both give a match
// clock in whole minutes, no event ids and no coordinates, so they place, key and order events alike.
import { createHash } from 'node:crypto'
import { ProviderPayloadError } from '../../errors.js'
import type { EventResult, EventType, Period } from '../../event/enums.js'
import { matchEventId } from '../../event/ids.js'
import type { MatchEvent } from '../../event/schema.js'
import { PERIOD_END_MINUTE, PERIOD_START_MINUTE } from '../api-football/map-api-football.js'

export interface ClockPlace {
  period: Period
  minute: number
  addedTime?: number
  periodTime: number
}

/**
 * A provider minute (`elapsed` / `minute`) and its added time on the MatchEvent clock. 45 and 45+2 are
 * the first half, 46 the second, 90+3 the second half, 91-105 the first half of extra time. `maxPeriod`
 * caps the period when the match is known to be in it (a first half running long: 47 with status 1H
 * is 45+2) or to have no extra time (93 in a match without extra time is 90+3).
 */
export function placeOnClock(
  minute: number,
  extra: number | null | undefined,
  maxPeriod: 1 | 2 | 4,
): ClockPlace {
  let period: Period = minute <= 45 ? 1 : minute <= 90 ? 2 : minute <= 105 ? 3 : 4
  let shown = minute
  let added = extra ?? undefined
  if (period > maxPeriod) {
    period = maxPeriod as Period
    shown = PERIOD_END_MINUTE[period]
    added = minute - shown + (extra ?? 0)
  }
  const place: ClockPlace = {
    period,
    minute: shown,
    periodTime: Math.max(0, shown - PERIOD_START_MINUTE[period] + (added ?? 0)) * 60,
  }
  if (added !== undefined && added > 0) place.addedTime = added
  return place
}

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
  const event: MatchEvent = {
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
  return event
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

/** A provider's error text for a message: a string as is, anything else as short JSON (never throws). */
export function providerText(value: unknown): string {
  if (typeof value === 'string') return value
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch {
    text = undefined
  }
  if (text === undefined) return `(${typeof value})`
  return text.length > 200 ? `${text.slice(0, 197)}…` : text
}

export function isoFromUnixSeconds(seconds: number | null | undefined): string | undefined {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return undefined
  return new Date(seconds * 1000).toISOString()
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Bytes, a string, or an already parsed value → the parsed value; bad bytes are a typed error. */
export function decodeJson(provider: string, payload: unknown): unknown {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) return payload
  let text: string
  try {
    text = typeof payload === 'string' ? payload : decoder.decode(payload)
  } catch {
    throw new ProviderPayloadError(provider, '(body)', 'not valid UTF-8')
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ProviderPayloadError(provider, '(body)', `not valid JSON (${(error as Error).message})`)
  }
}

export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  const tail = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')
  const joined = `${prefix}${tail}`
  return joined.replace(/^\./, '') || '(body)'
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

export const SHOOTOUT_COMMENT = /penalty\s*shoot-?\s*out/i

/** One status-derived event: a period start or end, or a match status (final or not). */
export type StatusStep =
  | { type: 'period_start' | 'period_end'; period: Period }
  | { type: 'match_status' | 'generic'; key: string; providerType: string; place: ClockPlace; final: boolean }

/**
 * The period starts and ends a status implies so far: a match in its second half has started and ended
 * the first and started the second. Periods 3 and 4 only with extra time.
 */
export function periodSteps(last: Period, ended: boolean, extraTime: boolean): StatusStep[] {
  const steps: StatusStep[] = []
  for (let p = 1; p <= last; p++) {
    const period = p as Period
    if ((period === 3 || period === 4) && !extraTime) continue
    steps.push({ type: 'period_start', period })
    if (period < last || ended) steps.push({ type: 'period_end', period })
  }
  return steps
}

/** A period's end: its nominal length, or later when events were placed in its added time. */
export function periodEnd(period: Period, lastTime: ReadonlyMap<Period, number>): ClockPlace {
  const nominal = (PERIOD_END_MINUTE[period] - PERIOD_START_MINUTE[period]) * 60
  const periodTime = Math.max(nominal, lastTime.get(period) ?? 0)
  const place: ClockPlace = { period, minute: PERIOD_END_MINUTE[period], periodTime }
  if (periodTime > nominal) place.addedTime = Math.round((periodTime - nominal) / 60)
  return place
}

/** The latest periodTime placed in each period, so that a period's end comes after its added time. */
export function lastTimes(events: readonly MatchEvent[]): Map<Period, number> {
  const last = new Map<Period, number>()
  for (const e of events) last.set(e.period, Math.max(last.get(e.period) ?? 0, e.periodTime))
  return last
}

/**
 * Status steps → MatchEvents keyed `status:period_start:<p>`, `status:period_end:<p>` or `status:<key>`,
 * so each is produced once across polls. Period events carry `periodProviderType`; timestamps come from
 * `startTimes` when the provider gives them.
 */
export function statusStepEvents(args: {
  provider: string
  matchId: string
  steps: readonly StatusStep[]
  lastTime: ReadonlyMap<Period, number>
  periodProviderType: string
  startTimes?: Partial<Record<Period, string | undefined>>
}): MatchEvent[] {
  const { provider, matchId } = args
  return args.steps.map((step) => {
    if ('key' in step) {
      const key = `status:${step.key}`
      return headlineEvent({
        provider,
        matchId,
        key,
        place: step.place,
        seq: step.final
          ? clockSeq(step.place.period, 0, FINAL_STATUS_RANK)
          : clockSeq(step.place.period, step.place.periodTime, 990),
        type: step.type,
        result: null,
        providerType: step.providerType,
      })
    }
    const start = step.type === 'period_start'
    const place = start
      ? { period: step.period, minute: PERIOD_START_MINUTE[step.period], periodTime: 0 }
      : periodEnd(step.period, args.lastTime)
    const key = `status:${step.type}:${step.period}`
    const event = headlineEvent({
      provider,
      matchId,
      key,
      place,
      seq: clockSeq(step.period, 0, start ? 0 : PERIOD_END_RANK),
      type: step.type,
      result: null,
      providerType: args.periodProviderType,
    })
    const timestamp = start ? args.startTimes?.[step.period] : undefined
    if (timestamp) event.timestamp = timestamp
    return event
  })
}
