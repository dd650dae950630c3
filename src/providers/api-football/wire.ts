// API-Football v3 as it arrives (the wire schemas): what matchfeed reads of a fixture and its events.
import { z } from 'zod'
import {
  addedMinutes,
  goalCount,
  minuteOfMatch,
  nullableString,
  ProviderRefSchema,
  providerRefId,
  unixSeconds,
} from '../headline/wire.js'

/** One item of `response[]` in `fixtures/events`, or of `events[]` in a fixture. */
export const ApiFootballEventSchema = z.object({
  time: z.object({ elapsed: minuteOfMatch, extra: addedMinutes }),
  team: ProviderRefSchema,
  player: ProviderRefSchema,
  assist: ProviderRefSchema,
  type: z.string().min(1),
  detail: nullableString,
  comments: nullableString,
})
export type ApiFootballEvent = z.input<typeof ApiFootballEventSchema>

const LineupPlayerSchema = z.object({ player: ProviderRefSchema })

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
