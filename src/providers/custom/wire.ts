// The integration guide's webhook payload as it arrives (the wire schemas).
import { z } from 'zod'
import { tooLarge } from '../../event/bounds.js'
import { PERIODS, SIDES } from '../../event/enums.js'
import {
  INT4_MAX,
  MATCH_ID_MAX_LENGTH,
  PROVIDER_EVENT_ID_MAX_LENGTH,
  PROVIDER_TYPE_MAX_LENGTH,
  REF_ID_MAX_LENGTH,
  TIMESTAMP_MAX_MS,
  TIMESTAMP_MIN_MS,
} from '../../event/limits.js'
import { ScoreSchema, storableText } from '../../event/schema.js'

// MatchEvent's storage bounds (src/event/bounds.ts), checked here so that an error names the payload's field.
const id = (max: number) =>
  z
    .union([z.string().min(1), z.int()])
    .transform(String)
    .pipe(storableText(max))
const optionalId = id(REF_ID_MAX_LENGTH).nullish()
const clock = z.int().nonnegative().max(INT4_MAX, tooLarge(INT4_MAX))
// z.number() refuses NaN and ±Infinity itself (zod 4): a finiteness refinement here would never fail.
const coordinate = z.number().nullish()

/**
 * One event of the integration guide's webhook payload. Only `match_id`, `event_type` and `minute`
 * are required; the rest is optional so that feeds can send what they have. Unknown fields (such as the
 * guide's in-body `signature`) are ignored: the signature belongs in a header, over the raw bytes.
 */
export const CustomEventPayloadSchema = z.object({
  match_id: id(MATCH_ID_MAX_LENGTH).refine((v) => !v.includes(':'), 'must not contain ":"'),
  event_type: storableText(PROVIDER_TYPE_MAX_LENGTH, z.string().trim().min(1)),
  minute: clock,
  second: z.int().min(0).max(59).optional(),
  added_time: clock.nullish(),
  period: z.union(PERIODS.map((p) => z.literal(p))).optional(),
  event_id: id(PROVIDER_EVENT_ID_MAX_LENGTH).nullish(),
  version: z.int().nonnegative().optional(),
  deleted: z.boolean().optional(),
  seq: z.number().nonnegative().optional(),
  team_id: optionalId,
  team_side: z.enum(SIDES).nullish(),
  player_id: optionalId,
  related_player_id: optionalId,
  position_x: coordinate,
  position_y: coordinate,
  end_position_x: coordinate,
  end_position_y: coordinate,
  score: ScoreSchema.nullish(),
  metadata: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  timestamp: z.iso
    .datetime({ offset: true })
    .refine((v) => {
      const ms = Date.parse(v)
      return ms >= TIMESTAMP_MIN_MS && ms <= TIMESTAMP_MAX_MS
    }, 'is outside the years 0001 to 9999 (UTC)')
    .nullish(),
})
export type CustomEventPayload = z.input<typeof CustomEventPayloadSchema>

/** A webhook body: one event or an array of them. */
export const CustomPayloadSchema = z.union([CustomEventPayloadSchema, z.array(CustomEventPayloadSchema)])
