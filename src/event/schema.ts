import { z } from 'zod'
import { PITCH_LENGTH, PITCH_WIDTH } from '../pitch/canonical.js'
import { PROVIDER_NAME_PATTERN, storableProblem, textProblem, tooLarge, tooLong } from './bounds.js'
import {
  BODY_PARTS,
  CARDS,
  EVENT_TYPES,
  type EventType,
  PERIODS,
  RESULTS,
  RESULTS_BY_TYPE,
  SET_PIECES,
  SIDES,
} from './enums.js'
import * as limits from './limits.js'

const resultsByType: Partial<Record<EventType, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(RESULTS_BY_TYPE).map(([type, results]) => [type, new Set<string>(results)]),
)

/**
 * id === `${provider}:${providerMatchId ?? matchId}:${providerEventId}`, checked without building the string (a
 * hot path). Built from the provider's own match id, so an id mapping never changes an event's id.
 */
function isComposedId(e: {
  id: string
  provider: string
  matchId: string
  providerMatchId?: string | undefined
  providerEventId: string
}): boolean {
  const { id, provider: p, providerEventId: pe } = e
  const m = e.providerMatchId ?? e.matchId
  return (
    id.length === p.length + m.length + pe.length + 2 &&
    id.startsWith(p) &&
    id.charCodeAt(p.length) === 58 &&
    id.startsWith(m, p.length + 1) &&
    id.charCodeAt(p.length + 1 + m.length) === 58 &&
    id.endsWith(pe)
  )
}

// The character rules every string of an event follows (checked by storableProblem, in the plain loop).
const TEXT_RULE = 'No NUL (U+0000) and no lone surrogates: well-formed Unicode, as Postgres stores it.'

/** A string of at most `max` characters (UTF-16 units), in MatchEventShape; the characters are checked apart. */
function text(max: number, description = TEXT_RULE, pattern?: [RegExp, string]) {
  const bounded = z.string().min(1).max(max, tooLong(max))
  return (pattern ? bounded.regex(...pattern) : bounded).describe(description)
}

/**
 * A string of at most `max` characters with the character rules checked too: for provider payload schemas
 * (the custom feed, StatsBomb options), so a bad value is refused naming the payload's own field.
 */
export const storableText = (max: number, base: z.ZodString = z.string()) =>
  base.max(max, tooLong(max)).superRefine((value, ctx) => {
    const problem = textProblem(value, max)
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem })
  })

/** A provider name: lower-case, no `:` (it separates the parts of an event id), at most 64 characters. */
export const ProviderNameSchema = z
  .string()
  .max(limits.PROVIDER_NAME_MAX_LENGTH, tooLong(limits.PROVIDER_NAME_MAX_LENGTH))
  .regex(PROVIDER_NAME_PATTERN, 'a lower-case name of letters, digits, ".", "_" or "-"')

const name = z
  .string()
  .max(limits.NAME_MAX_LENGTH, tooLong(limits.NAME_MAX_LENGTH))
  .describe(TEXT_RULE)
  .optional()

// Set by an id mapping (matchfeed/id-mapping): `id` is then the user's id, this the provider's own.
const providerRefId = text(limits.REF_ID_MAX_LENGTH).optional()

export const TeamRefSchema = z.strictObject({
  id: text(limits.REF_ID_MAX_LENGTH),
  name,
  side: z.enum(SIDES).optional(),
  providerId: providerRefId,
})

export const PlayerRefSchema = z.strictObject({
  id: text(limits.REF_ID_MAX_LENGTH),
  name,
  providerId: providerRefId,
})

export const ScoreSchema = z.strictObject({
  home: z.int().nonnegative(),
  away: z.int().nonnegative(),
})

const pitchX = z.number().min(0).max(PITCH_LENGTH)
const pitchY = z.number().min(0).max(PITCH_WIDTH)

/** The fields of MatchEvent v1, without the rules that relate them (see MatchEventSchema). */
export const MatchEventShape = z.strictObject({
  id: text(
    limits.EVENT_ID_MAX_LENGTH,
    `${TEXT_RULE} Its parts joined: at most 64 + 128 + 256 + 2 characters.`,
  ),
  provider: ProviderNameSchema,
  providerEventId: text(limits.PROVIDER_EVENT_ID_MAX_LENGTH),
  matchId: text(limits.MATCH_ID_MAX_LENGTH, TEXT_RULE, [/^[^:]*$/, 'must not contain ":"']),
  providerMatchId: text(
    limits.MATCH_ID_MAX_LENGTH,
    `${TEXT_RULE} The provider's own match id, set by an id mapping when matchId is the user's id.`,
    [/^[^:]*$/, 'must not contain ":"'],
  ).optional(),
  seq: z.number().nonnegative(),
  version: z.int().nonnegative(),
  deleted: z.boolean(),
  type: z.enum(EVENT_TYPES),
  result: z.enum(RESULTS).nullable(),
  period: z.union(PERIODS.map((p) => z.literal(p))),
  periodTime: z.number().nonnegative(),
  minute: z.int().nonnegative().max(limits.INT4_MAX, tooLarge(limits.INT4_MAX)),
  second: z.int().min(0).max(59),
  addedTime: z.int().nonnegative().max(limits.INT4_MAX, tooLarge(limits.INT4_MAX)).optional(),
  timestamp: z.iso
    .datetime()
    .max(limits.TIMESTAMP_MAX_LENGTH, tooLong(limits.TIMESTAMP_MAX_LENGTH))
    .describe('UTC, years 0001 to 9999 (Postgres has no year 0), at most nanoseconds.')
    .optional(),
  team: TeamRefSchema.optional(),
  player: PlayerRefSchema.optional(),
  relatedPlayer: PlayerRefSchema.optional(),
  x: pitchX.optional(),
  y: pitchY.optional(),
  endX: pitchX.optional(),
  endY: pitchY.optional(),
  endZ: z.number().nonnegative().optional(),
  setPiece: z.enum(SET_PIECES).optional(),
  bodyPart: z.enum(BODY_PARTS).optional(),
  card: z.enum(CARDS).optional(),
  score: ScoreSchema.optional(),
  providerType: text(limits.PROVIDER_TYPE_MAX_LENGTH),
  raw: z
    .unknown()
    .describe(
      `JSON values only (null, booleans, finite numbers, strings, arrays, plain objects), nested at most ` +
        `${limits.RAW_MAX_DEPTH} deep, at most ${limits.RAW_MAX_JSON_LENGTH} characters as JSON. Its strings and keys too: ${TEXT_RULE}`,
    )
    .optional(),
})

/**
 * The rules across fields: the first one an event breaks, or undefined. Shared by MatchEventSchema and the
 * batch validator, which runs them in a plain loop (cheaper than a refinement inside the compiled schema).
 */
export function brokenEventRule(
  event: z.output<typeof MatchEventShape>,
): { path: (string | number)[]; message: string } | undefined {
  if (!isComposedId(event))
    return {
      path: ['id'],
      message: 'must be "<provider>:<providerMatchId, or matchId without it>:<providerEventId>"',
    }
  if (event.result !== null && !resultsByType[event.type]?.has(event.result)) {
    return { path: ['result'], message: `"${event.result}" is not a ${event.type} result` }
  }
  if ((event.x === undefined) !== (event.y === undefined)) {
    return { path: [event.x === undefined ? 'x' : 'y'], message: 'x and y come together' }
  }
  if ((event.endX === undefined) !== (event.endY === undefined)) {
    return { path: [event.endX === undefined ? 'endX' : 'endY'], message: 'endX and endY come together' }
  }
  // What the shape cannot say cheaply: the characters of every string, the year, raw (src/event/bounds.ts).
  return storableProblem(event)
}

/**
 * MatchEvent v1: the one shape every provider is normalised to, within the bounds every sink stores. See
 * docs/event-model.md.
 */
export const MatchEventSchema = MatchEventShape.superRefine((event, ctx) => {
  const broken = brokenEventRule(event)
  if (broken) ctx.addIssue({ code: 'custom', path: broken.path, message: broken.message })
}).describe(
  'One football match event from any provider, within the bounds every sink stores (docs/event-model.md, "Bounds"): ' +
    `every string well-formed Unicode without NUL, the lengths and integer ranges given here, timestamps in years ` +
    `0001 to 9999, raw as JSON values. id is "<provider>:<providerMatchId ?? matchId>:<providerEventId>".`,
)

/** A MatchEvent with `type` and `result` as loose as the schema's fields: what code builds before it knows the type. */
export type AnyMatchEvent = z.output<typeof MatchEventSchema>

/** The results a type can have: `pass` → `complete | incomplete | out | offside`; types without results → never. */
export type ResultOf<T extends EventType> = T extends keyof typeof RESULTS_BY_TYPE
  ? (typeof RESULTS_BY_TYPE)[T][number]
  : never

/** The MatchEvent of one type: `result` narrowed to that type's results. */
export type MatchEventOf<T extends EventType> = Omit<AnyMatchEvent, 'type' | 'result'> & {
  type: T
  result: ResultOf<T> | null
}

/**
 * MatchEvent v1, discriminated on `type`: after `if (e.type === 'shot')`, `e.result` is a shot result.
 * See docs/event-model.md.
 */
export type MatchEvent = { [T in EventType]: MatchEventOf<T> }[EventType]
export type TeamRef = z.output<typeof TeamRefSchema>
export type PlayerRef = z.output<typeof PlayerRefSchema>
export type Score = z.output<typeof ScoreSchema>
