import { z } from 'zod'
import { DEFAULT_MAX_ATTRIBUTES, DEFAULT_MAX_ELEMENTS } from './document-bounds.js'
import type { OptaF7 } from './parse-f7.js'

// Typed as any Uint8Array (a Buffer from a SharedArrayBuffer too), not zod's Uint8Array<ArrayBuffer>.
const xmlInput = z.union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes')])

/** The F7s readOptaF7 made: only those are taken as an already-read F7. */
export const readF7s = new WeakSet<object>()
const alreadyRead = z.custom<OptaF7>((v) => typeof v === 'object' && v !== null && readF7s.has(v), 'an F7')

/**
 * How much of a document (the feed, and each companion) a reader takes on, counted before parsing: more
 * is a PayloadTooLargeError (a webhook's 413). See document-bounds.ts for how they are counted.
 */
export const OptaDocumentBoundsSchema = z.object({
  /** XML elements; in JSON, objects and arrays. Default 40,000 (a full real F24 has 9,480). */
  maxElements: z.int().positive().default(DEFAULT_MAX_ELEMENTS),
  /** XML attributes; in JSON, members and array items. Default 200,000 (a full real F24 has 45,256). */
  maxAttributes: z.int().positive().default(DEFAULT_MAX_ATTRIBUTES),
})
export type OptaDocumentBounds = z.input<typeof OptaDocumentBoundsSchema>
const matchId = z
  .union([z.string().min(1), z.int().nonnegative()])
  .transform(String)
  .refine((v) => !v.includes(':'), 'must not contain ":"')

/** Options of parseOptaF24. */
export const OptaF24OptionsSchema = OptaDocumentBoundsSchema.extend({
  /**
   * The match's F7 (match results) XML: player and team names (`PlayerRef="p111319"` is player `111319`),
   * the home / away sides, and the match id, when the F24 does not carry them. Or the F7 as `readOptaF7`
   * read it, to read it once for all the F24s of a match.
   */
  f7: z.union([xmlInput, alreadyRead]).optional(),
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
export const StatsPerformMA3OptionsSchema = OptaDocumentBoundsSchema.extend({
  /**
   * The match's MA1 (match details), JSON or XML, as bytes, text or the parsed JSON: full player names from
   * the line-ups, and the sides when the MA3 lacks them.
   */
  ma1: z.union([xmlInput, z.record(z.string(), z.unknown())]).optional(),
  /** Keep the original MA3 event in `raw`. */
  includeRaw: z.boolean().default(false),
})
export type StatsPerformMA3Options = z.input<typeof StatsPerformMA3OptionsSchema>
