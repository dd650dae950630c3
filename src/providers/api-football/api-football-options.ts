import { z } from 'zod'
import {
  addedMinutes,
  goalCount,
  minuteOfMatch,
  ProviderRefSchema,
  providerRefId,
  unixSeconds,
} from '../headline/headline-fields.js'

const id = z.union([z.string().min(1), z.int()]).transform(String)
const matchId = id.refine((v) => !v.includes(':'), 'must not contain ":"')
const nullableString = z.string().nullish()

const RefSchema = ProviderRefSchema

/** One item of `response[]` in `fixtures/events`, or of `events[]` in a fixture. */
export const ApiFootballEventSchema = z.object({
  time: z.object({ elapsed: minuteOfMatch, extra: addedMinutes }),
  team: RefSchema,
  player: RefSchema,
  assist: RefSchema,
  type: z.string().min(1),
  detail: nullableString,
  comments: nullableString,
})
export type ApiFootballEvent = z.input<typeof ApiFootballEventSchema>

const LineupPlayerSchema = z.object({ player: RefSchema })

/** One team of `lineups[]`: only the players are read, to check substitutions. */
export const ApiFootballLineupSchema = z.object({
  team: z.object({ id: providerRefId }).nullish(),
  startXI: z.array(LineupPlayerSchema).nullish(),
  substitutes: z.array(LineupPlayerSchema).nullish(),
})

const TeamSchema = z.object({ id: z.int(), name: nullableString })
const GoalsSchema = z.object({ home: goalCount, away: goalCount })

/**
 * One item of `fixtures?id=`, `fixtures?ids=` or `fixtures?live=all`. `status.extra` appears only in
 * 2025+ captures; `events` and `lineups` may be absent (a fixture not started, a league without coverage).
 */
export const ApiFootballFixtureSchema = z.object({
  fixture: z.object({
    id: z.int(),
    date: nullableString,
    timestamp: unixSeconds,
    periods: z.object({ first: unixSeconds, second: unixSeconds }).nullish(),
    status: z.object({
      long: nullableString,
      short: z.string().min(1),
      elapsed: minuteOfMatch.nullish(),
      extra: addedMinutes,
    }),
  }),
  teams: z.object({ home: TeamSchema, away: TeamSchema }),
  goals: GoalsSchema.nullish(),
  score: z
    .object({
      halftime: GoalsSchema.nullish(),
      fulltime: GoalsSchema.nullish(),
      extratime: GoalsSchema.nullish(),
      penalty: GoalsSchema.nullish(),
    })
    .nullish(),
  events: z.array(z.unknown()).nullish(),
  lineups: z.array(z.unknown()).nullish(),
})
export type ApiFootballFixture = z.input<typeof ApiFootballFixtureSchema>

/** What a parse warning says: the event was kept (as `generic` when it could not be mapped). */
export interface ApiFootballWarning {
  provider: 'api-football'
  matchId: string
  /** Dotted path of the item in the payload, e.g. `response[0].events[3].detail`. */
  field: string
  message: string
  providerType?: string
}

const TeamRefOption = z.object({ id, name: z.string().optional() })

export const ApiFootballParseOptionsSchema = z.object({
  /** The fixture id: required for a `fixtures/events` response whose `parameters.fixture` is missing. */
  fixtureId: matchId.optional(),
  /**
   * The two teams, for a `fixtures/events` response (it has no `teams`): gives `team.side`, the score on
   * goals, and the defending side of an own goal when only one team appears in the events.
   */
  teams: z.object({ home: TeamRefOption, away: TeamRefOption }).optional(),
  /** Keep the original event item in `raw` (events derived from the status have none). */
  includeRaw: z.boolean().default(false),
  /** Called for each unknown type, detail or status (kept as `generic`) and each lineup mismatch. */
  onWarning: z.custom<(warning: ApiFootballWarning) => void>((v) => typeof v === 'function').optional(),
})
export type ApiFootballParseOptions = z.input<typeof ApiFootballParseOptionsSchema>
