// StatsBomb files as they arrive (the wire schemas). Events are read by hand in parse-events.ts (a zod
// schema over 3,800 events would cost more than the JSON.parse); the lineups file is checked here.
import { z } from 'zod'
import { NAME_MAX_LENGTH } from '../../event/limits.js'
import { storableText } from '../../event/schema.js'

const name = storableText(NAME_MAX_LENGTH)
const playerId = z.union([z.int(), z.string().min(1)])

/**
 * One team of a StatsBomb lineups file. Only what matchfeed reads is checked; the newer format's `cards`,
 * `positions`, `country`, … pass through unread.
 */
export const StatsBombLineupTeamSchema = z.object({
  team_id: playerId,
  team_name: name,
  lineup: z.array(
    z.object({
      player_id: playerId,
      player_name: name,
      player_nickname: name.nullish(),
    }),
  ),
})
export type StatsBombLineupTeam = z.input<typeof StatsBombLineupTeamSchema>
export const StatsBombLineupsSchema = z.array(StatsBombLineupTeamSchema)
