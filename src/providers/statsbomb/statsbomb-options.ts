// What a user passes to parseStatsBombEvents (the options schema). The wire schemas are in wire.ts.
import { z } from 'zod'
import { MATCH_ID_MAX_LENGTH } from '../../event/limits.js'
import { storableText } from '../../event/schema.js'

const id = z.union([z.string().min(1), z.int()]).transform(String)

/**
 * Options of parseStatsBombEvents. `matchId` is required: a StatsBomb event file does not carry its match id
 * (it is in the file name, `events/{match_id}.json`, or the API path), and MatchEvent ids are built from it.
 */
export const StatsBombParseOptionsSchema = z.object({
  /** The match id (`match_id` of the matches file), used in MatchEvent `matchId` and `id`. */
  matchId: id.pipe(storableText(MATCH_ID_MAX_LENGTH)).refine((v) => !v.includes(':'), 'must not contain ":"'),
  /** The match's lineups file (v4 lineups JSON, old or new format): names for refs the events lack. */
  lineups: z
    .union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array), z.array(z.unknown())])
    .optional(),
  /** Keep the original StatsBomb event in `raw`. */
  includeRaw: z.boolean().default(false),
})
export type StatsBombParseOptions = z.input<typeof StatsBombParseOptionsSchema>
