import { createHash } from 'node:crypto'
import { compile, z } from 'zod'
import { ProviderPayloadError } from '../../errors.js'
import { matchEventId } from '../../event/ids.js'
import type { MatchEvent } from '../../event/schema.js'
import { validatedBatch } from '../../event/validate.js'
import { PITCH_LENGTH, PITCH_WIDTH } from '../../pitch/canonical.js'
import { type PitchSystem, toCanonicalX, toCanonicalY } from '../../pitch/index.js'
import { checkedOptions } from '../options.js'
import {
  CustomEventPayloadSchema,
  type CustomParseOptions,
  CustomParseOptionsSchema,
} from './custom-options.js'
import { CUSTOM_EVENT_TYPES, type CustomTypeMapping, PERIOD_START_MINUTE } from './map-custom.js'

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
const mappings: Record<string, CustomTypeMapping | undefined> = CUSTOM_EVENT_TYPES
const decoder = new TextDecoder('utf-8', { fatal: true })
// Compiled once: a webhook parses a payload per request.
const compiledItem = compile(CustomEventPayloadSchema)
const compiledBatch = compile(z.array(CustomEventPayloadSchema))

/**
 * Turns a body of the integration guide's webhook format (raw bytes, a string, or already parsed) into
 * MatchEvents. Throws ProviderPayloadError naming the field and the reason for anything it cannot read.
 */
export function parseCustomEvents(payload: unknown, options?: CustomParseOptions): MatchEvent[] {
  const opts = options === undefined ? DEFAULT_OPTIONS : checkOptions(options)
  const provider = opts.provider
  const body = decodeJson(provider, payload)
  // Checked by shape rather than as a union, so that an error names the field inside the item.
  const batch = Array.isArray(body)
  const parsed = (batch ? compiledBatch : compiledItem).safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new ProviderPayloadError(provider, formatPath(issue.path), issue.message)
  }
  const items = (batch ? parsed.data : [parsed.data]) as Item[]
  const rawItems = (batch ? body : [body]) as unknown[]
  const events = items.map((item, i) =>
    toMatchEvent(item, opts, batch ? `[${i}].` : '', opts.includeRaw ? rawItems[i] : undefined),
  )
  return validatedBatch(events)
}

const DEFAULT_OPTIONS: Options = CustomParseOptionsSchema.parse({})

function checkOptions(options: CustomParseOptions): Options {
  return checkedOptions('custom', CustomParseOptionsSchema, options)
}

function decodeJson(provider: string, payload: unknown): unknown {
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

function toMatchEvent(item: Item, opts: Options, at: string, raw: unknown): MatchEvent {
  const provider = opts.provider
  const eventType = item.event_type.toLowerCase()
  const mapping = mappings[eventType] ?? { type: 'generic' as const }
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

  const event: MatchEvent = {
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
  return event
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

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('') ||
    '(body)'
  )
}
