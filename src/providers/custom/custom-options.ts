// What a user passes to parseCustomEvents (the options schema). The wire schemas are in wire.ts.
import { z } from 'zod'
import { ProviderNameSchema } from '../../event/schema.js'

/** Options of parseCustomEvents. */
export const CustomParseOptionsSchema = z.object({
  /** The feed's name, used as MatchEvent `provider` (and in ids). */
  provider: ProviderNameSchema.default('custom'),
  /**
   * How `position_*` are expressed: `opta` (0-100, bottom-left, the default), `statsbomb` (120 x 80,
   * top-left), `normalized` (0..1, bottom-left), `kloppy` (0..1, top-left) or `metres` (105 x 68, as is).
   */
  pitch: z.enum(['opta', 'statsbomb', 'normalized', 'kloppy', 'metres']).default('opta'),
  /** Keep the original payload item in `raw`. */
  includeRaw: z.boolean().default(false),
  /**
   * The most events one payload may carry: a longer array is a PayloadTooLargeError (a webhook's 413),
   * counted before any item is read. Default 10,000.
   */
  maxEvents: z.int().positive().default(10_000),
})
export type CustomParseOptions = z.input<typeof CustomParseOptionsSchema>
