// Football-Data.org v4 as it arrives (the wire schemas): what matchfeed reads of a match.
import { z } from 'zod'
import {
  addedMinutes,
  goalCount,
  MAX_MINUTE,
  minuteOfMatch,
  nullableString,
  ProviderRefSchema,
  providerRefId,
} from '../headline/wire.js'

/** `minute` was a string ("90") in older responses and is an int in v4. */
const minute = z
  .union([
    minuteOfMatch,
    z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().max(MAX_MINUTE)),
  ])
  .nullish()
  .transform((v) => (v === null || v === undefined ? undefined : Number(v)))

const PairSchema = z.object({ home: goalCount, away: goalCount }).nullish()
const PersonSchema = z.object({ id: providerRefId, name: nullableString })

const TeamSchema = z.object({
  id: z.int().nullish(),
  name: nullableString,
  lineup: z.array(PersonSchema).nullish(),
  bench: z.array(PersonSchema).nullish(),
})

/**
 * A v4 match: `/v4/matches/{id}` or an item of a list. Paid-tier nodes (`goals`, `bookings`,
 * `substitutions`, `penalties`, `minute`) are optional: on the free tier they are absent, not empty.
 */
export const FootballDataMatchSchema = z.object({
  id: z.int(),
  utcDate: nullableString,
  status: z.string().min(1),
  minute,
  injuryTime: addedMinutes,
  lastUpdated: nullableString,
  homeTeam: TeamSchema,
  awayTeam: TeamSchema,
  score: z.object({
    winner: nullableString,
    duration: nullableString,
    fullTime: PairSchema,
    halfTime: PairSchema,
    regularTime: PairSchema,
    extraTime: PairSchema,
    penalties: PairSchema,
  }),
  goals: z
    .array(
      z.object({
        minute,
        injuryTime: addedMinutes,
        type: z.string().min(1),
        team: ProviderRefSchema,
        scorer: ProviderRefSchema,
        assist: ProviderRefSchema,
        score: PairSchema,
      }),
    )
    .nullish(),
  bookings: z
    .array(z.object({ minute, team: ProviderRefSchema, player: ProviderRefSchema, card: z.string().min(1) }))
    .nullish(),
  substitutions: z
    .array(
      z.object({
        minute,
        team: ProviderRefSchema,
        playerOut: ProviderRefSchema,
        playerIn: ProviderRefSchema,
      }),
    )
    .nullish(),
  penalties: z
    .array(z.object({ player: ProviderRefSchema, team: ProviderRefSchema, scored: z.boolean().nullish() }))
    .nullish(),
})
export type FootballDataMatch = z.input<typeof FootballDataMatchSchema>
