import { z } from 'zod'

// Typed as any Uint8Array (a Buffer from a SharedArrayBuffer too), not zod's Uint8Array<ArrayBuffer>.
const xmlInput = z.union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes')])
const matchId = z
  .union([z.string().min(1), z.int().nonnegative()])
  .transform(String)
  .refine((v) => !v.includes(':'), 'must not contain ":"')

/** Options of parseOptaF24. */
export const OptaF24OptionsSchema = z.object({
  /**
   * The match's F7 (match results) XML: player and team names (`PlayerRef="p111319"` is player `111319`),
   * the home / away sides, and the match id, when the F24 does not carry them.
   */
  f7: xmlInput.optional(),
  /**
   * The match id, for an F24 whose `<Game>` has no `id` (and no F7 with a `uID`): hand-edited samples. A real
   * feed always carries it; when both are given they must agree.
   */
  matchId: matchId.optional(),
  /** Keep the original `<Event>` (attributes under `$`, qualifiers under `Q`) in `raw`. */
  includeRaw: z.boolean().default(false),
})
export type OptaF24Options = z.input<typeof OptaF24OptionsSchema>

/** Options of parseStatsPerformMA3. */
export const StatsPerformMA3OptionsSchema = z.object({
  /**
   * The match's MA1 (match details), JSON or XML, as bytes, text or the parsed JSON: full player names from
   * the line-ups, and the sides when the MA3 lacks them.
   */
  ma1: z.union([xmlInput, z.record(z.string(), z.unknown())]).optional(),
  /** Keep the original MA3 event in `raw`. */
  includeRaw: z.boolean().default(false),
})
export type StatsPerformMA3Options = z.input<typeof StatsPerformMA3OptionsSchema>
