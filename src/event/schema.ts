import { z } from 'zod'
import { PITCH_LENGTH, PITCH_WIDTH } from '../pitch/canonical.js'
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

const resultsByType: Partial<Record<EventType, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(RESULTS_BY_TYPE).map(([type, results]) => [type, new Set<string>(results)]),
)

/** id === `${provider}:${matchId}:${providerEventId}`, checked without building the string (a hot path). */
function isComposedId(e: {
  id: string
  provider: string
  matchId: string
  providerEventId: string
}): boolean {
  const { id, provider: p, matchId: m, providerEventId: pe } = e
  return (
    id.length === p.length + m.length + pe.length + 2 &&
    id.startsWith(p) &&
    id.charCodeAt(p.length) === 58 &&
    id.startsWith(m, p.length + 1) &&
    id.charCodeAt(p.length + 1 + m.length) === 58 &&
    id.endsWith(pe)
  )
}

/** A provider name: lower-case, no `:` (it separates the parts of an event id). */
export const ProviderNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'a lower-case name of letters, digits, ".", "_" or "-"')

export const TeamRefSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  side: z.enum(SIDES).optional(),
})

export const PlayerRefSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
})

export const ScoreSchema = z.strictObject({
  home: z.int().nonnegative(),
  away: z.int().nonnegative(),
})

const pitchX = z.number().min(0).max(PITCH_LENGTH)
const pitchY = z.number().min(0).max(PITCH_WIDTH)

/** The fields of MatchEvent v1, without the rules that relate them (see MatchEventSchema). */
export const MatchEventShape = z.strictObject({
  id: z.string().min(1),
  provider: ProviderNameSchema,
  providerEventId: z.string().min(1),
  matchId: z
    .string()
    .min(1)
    .regex(/^[^:]*$/, 'must not contain ":"'),
  seq: z.number().nonnegative(),
  version: z.int().nonnegative(),
  deleted: z.boolean(),
  type: z.enum(EVENT_TYPES),
  result: z.enum(RESULTS).nullable(),
  period: z.union(PERIODS.map((p) => z.literal(p))),
  periodTime: z.number().nonnegative(),
  minute: z.int().nonnegative(),
  second: z.int().min(0).max(59),
  addedTime: z.int().nonnegative().optional(),
  timestamp: z.iso.datetime().optional(),
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
  providerType: z.string().min(1),
  raw: z.unknown().optional(),
})

/**
 * The rules across fields: the first one an event breaks, or undefined. Shared by MatchEventSchema and the
 * batch validator, which runs them in a plain loop (cheaper than a refinement inside the compiled schema).
 */
export function brokenEventRule(
  event: z.output<typeof MatchEventShape>,
): { path: string; message: string } | undefined {
  if (!isComposedId(event)) return { path: 'id', message: 'must be "<provider>:<matchId>:<providerEventId>"' }
  if (event.result !== null && !resultsByType[event.type]?.has(event.result)) {
    return { path: 'result', message: `"${event.result}" is not a ${event.type} result` }
  }
  if ((event.x === undefined) !== (event.y === undefined)) {
    return { path: event.x === undefined ? 'x' : 'y', message: 'x and y come together' }
  }
  if ((event.endX === undefined) !== (event.endY === undefined)) {
    return { path: event.endX === undefined ? 'endX' : 'endY', message: 'endX and endY come together' }
  }
  return undefined
}

/** MatchEvent v1: the one shape every provider is normalised to. See docs/event-model.md. */
export const MatchEventSchema = MatchEventShape.superRefine((event, ctx) => {
  const broken = brokenEventRule(event)
  if (broken) ctx.addIssue({ code: 'custom', path: [broken.path], message: broken.message })
})

export type MatchEvent = z.output<typeof MatchEventSchema>
export type TeamRef = z.output<typeof TeamRefSchema>
export type PlayerRef = z.output<typeof PlayerRefSchema>
export type Score = z.output<typeof ScoreSchema>
