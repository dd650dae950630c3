import { createHash } from 'node:crypto'
import { compile, type z } from 'zod'
import { PayloadTooLargeError, ProviderPayloadError } from '../../errors.js'
import { assertStorable } from '../../event/bounds.js'
import { PERIOD_START_MINUTE } from '../../event/clock.js'
import { matchEventId } from '../../event/ids.js'
import type { AnyMatchEvent, MatchEvent } from '../../event/schema.js'
import { validatedBatch } from '../../event/validate.js'
import { PITCH_LENGTH, PITCH_WIDTH } from '../../pitch/canonical.js'
import { type PitchSystem, toCanonicalX, toCanonicalY } from '../../pitch/index.js'
import { lookupTable } from '../lookup.js'
import { checkedOptions } from '../options.js'
import { decodeText, parseJsonText, shapeError } from '../payload.js'
import { type CustomParseOptions, CustomParseOptionsSchema } from './custom-options.js'
import { CUSTOM_EVENT_TYPES, type CustomTypeMapping } from './map-custom.js'
import { CustomEventPayloadSchema } from './wire.js'

type Item = z.output<typeof CustomEventPayloadSchema>
type Options = z.output<typeof CustomParseOptionsSchema>
type Pitch = Options['pitch']

const PITCH_BOUNDS: Record<Pitch, readonly [number, number]> = {
  opta: [100, 100],
  statsbomb: [120, 80],
  normalized: [1, 1],
  kloppy: [1, 1],
  metres: [PITCH_LENGTH, PITCH_WIDTH],
}
const mappings = lookupTable<CustomTypeMapping>(CUSTOM_EVENT_TYPES)
// Compiled once: a webhook parses a payload per request.
const compiledItem = compile(CustomEventPayloadSchema)

/**
 * Turns a body of the integration guide's webhook format (raw bytes, a string, or already parsed) into
 * MatchEvents. Throws ProviderPayloadError naming the field and the reason for anything it cannot read,
 * at the first bad item (the items after it are not read); PayloadTooLargeError for more than
 * `maxEvents` items, counted before any item is read (on the text, before JSON.parse).
 */
export function parseCustomEvents(payload: unknown, options?: CustomParseOptions): MatchEvent[] {
  const opts = options === undefined ? DEFAULT_OPTIONS : checkOptions(options)
  const provider = opts.provider
  const body = decodeBody(provider, payload, opts.maxEvents)
  const batch = Array.isArray(body)
  const rawItems = (batch ? body : [body]) as unknown[]
  if (rawItems.length > opts.maxEvents) throw tooManyEvents(provider, opts.maxEvents)
  const events = new Array<MatchEvent>(rawItems.length)
  for (let i = 0; i < rawItems.length; i++) {
    // One item at a time, by shape (not as a union), so that an error names the field inside the item.
    const parsed = compiledItem.safeParse(rawItems[i])
    if (!parsed.success) throw shapeError(provider, batch ? `[${i}]` : '', parsed.error, rawItems[i])
    const raw = opts.includeRaw ? rawItems[i] : undefined
    events[i] = toMatchEvent(parsed.data, opts, batch ? `[${i}].` : '', raw)
  }
  return validatedBatch(assertStorable(provider, events))
}

const DEFAULT_OPTIONS: Options = CustomParseOptionsSchema.parse({})
const GENERIC: CustomTypeMapping = { type: 'generic' }

function checkOptions(options: CustomParseOptions): Options {
  return checkedOptions('custom', CustomParseOptionsSchema, options)
}

/** Bytes or text → the parsed body, an array of more than `maxEvents` items refused before parsing. */
function decodeBody(provider: string, payload: unknown, maxEvents: number): unknown {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) return payload
  const text = decodeText(provider, payload)
  if (moreItemsThan(text, maxEvents)) throw tooManyEvents(provider, maxEvents)
  return parseJsonText(provider, text)
}

/**
 * Whether `text` is a JSON array of more than `max` items, told without parsing it: the commas between its
 * items are counted (strings skipped), and the count stops at the bound. Anything else: false.
 */
function moreItemsThan(text: string, max: number): boolean {
  const n = text.length
  let i = 0
  while (i < n && text.charCodeAt(i) <= 32) i++
  if (text.charCodeAt(i) !== 91 /* [ */) return false
  let depth = 0
  let commas = 0
  for (; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c === 34 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i)
        if (d === 92 /* \ */) i++
        else if (d === 34) break
      }
    } else if (c === 91 || c === 123 /* { */) depth++
    else if (c === 93 /* ] */ || c === 125 /* } */) {
      if (--depth === 0) return false
    } else if (c === 44 /* , */ && depth === 1 && ++commas >= max) return true
  }
  return false
}

function tooManyEvents(provider: string, max: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    provider,
    '(body)',
    `more than ${max} events in one payload (the bound set by option maxEvents)`,
  )
}

function toMatchEvent(item: Item, opts: Options, at: string, raw: unknown): MatchEvent {
  const provider = opts.provider
  const eventType = item.event_type.toLowerCase()
  const mapping = mappings[eventType] ?? GENERIC
  const addedTime = item.added_time ?? undefined
  const period = item.period ?? periodFromClock(item.minute, addedTime)
  const startMinute = PERIOD_START_MINUTE[period]
  if (item.minute < startMinute) {
    throw new ProviderPayloadError(
      provider,
      `${at}minute`,
      `minute ${item.minute} is before period ${period} starts (${startMinute})`,
    )
  }
  const second = item.second ?? 0
  const periodTime = (item.minute - startMinute + (addedTime ?? 0)) * 60 + second
  const providerEventId = item.event_id ?? derivedEventId(item)

  const event: AnyMatchEvent = {
    id: matchEventId(provider, item.match_id, providerEventId),
    provider,
    providerEventId,
    matchId: item.match_id,
    seq: item.seq ?? period * 10_000_000 + periodTime * 1000,
    version: item.version ?? 0,
    deleted: item.deleted ?? false,
    type: mapping.type,
    result: mapping.result ?? null,
    period,
    periodTime,
    minute: item.minute,
    second,
    providerType: item.event_type,
  }
  if (addedTime !== undefined) event.addedTime = addedTime
  if (item.timestamp) event.timestamp = new Date(item.timestamp).toISOString()
  if (item.team_id)
    event.team = item.team_side ? { id: item.team_id, side: item.team_side } : { id: item.team_id }
  if (item.player_id) event.player = { id: item.player_id }
  if (item.related_player_id) event.relatedPlayer = { id: item.related_player_id }
  if (mapping.setPiece) event.setPiece = mapping.setPiece
  if (mapping.card) event.card = mapping.card
  if (item.score) event.score = item.score
  const start = point(provider, opts.pitch, at, 'position', item.position_x, item.position_y)
  if (start) [event.x, event.y] = start
  const end = point(provider, opts.pitch, at, 'end_position', item.end_position_x, item.end_position_y)
  if (end) [event.endX, event.endY] = end
  if (raw !== undefined) event.raw = raw
  return event as MatchEvent // type and result agree: both come from one mapping row
}

/** Without an explicit `period`, the clock decides: 45+2 is first-half added time, 46 is the second half. */
function periodFromClock(minute: number, addedTime: number | undefined): 1 | 2 | 3 | 4 {
  if (addedTime !== undefined && addedTime > 0) {
    if (minute === 45) return 1
    if (minute === 90) return 2
    if (minute === 105) return 3
    if (minute === 120) return 4
  }
  return minute < 45 ? 1 : minute < 90 ? 2 : minute < 105 ? 3 : 4
}

function point(
  provider: string,
  pitch: Pitch,
  at: string,
  name: string,
  x: number | null | undefined,
  y: number | null | undefined,
): [number, number] | undefined {
  if ((x ?? undefined) === undefined && (y ?? undefined) === undefined) return undefined
  const [maxX, maxY] = PITCH_BOUNDS[pitch]
  for (const [axis, value, max] of [
    ['x', x, maxX],
    ['y', y, maxY],
  ] as const) {
    if (value === null || value === undefined) {
      throw new ProviderPayloadError(
        provider,
        `${at}${name}_${axis}`,
        `missing: ${name}_x and ${name}_y come together`,
      )
    }
    if (value < 0 || value > max) {
      throw new ProviderPayloadError(
        provider,
        `${at}${name}_${axis}`,
        `${value} is outside 0..${max} (pitch "${pitch}")`,
      )
    }
  }
  if (pitch === 'metres') return [x!, y!]
  const system: PitchSystem = pitch
  return [toCanonicalX(system, x!), toCanonicalY(system, y!)]
}

/**
 * The integration guide's payload has no event id. Without `event_id`, the id is a hash of what
 * identifies the event, so a re-delivery of the same event gets the same id (and changes nothing).
 */
function derivedEventId(item: Item): string {
  const key = JSON.stringify([
    item.event_type,
    item.period ?? null,
    item.minute,
    item.second ?? null,
    item.added_time ?? null,
    item.team_id ?? null,
    item.player_id ?? null,
    item.related_player_id ?? null,
    item.timestamp ?? null,
    item.position_x ?? null,
    item.position_y ?? null,
  ])
  return `h${createHash('sha256').update(key).digest('hex').slice(0, 20)}`
}
