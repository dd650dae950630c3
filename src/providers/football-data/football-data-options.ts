// What a user passes to Football-Data's parser and poller (the options schemas). The wire schemas are in wire.ts.
import { z } from 'zod'
import { fn } from '../options.js'
import { MINUTE } from '../polling/poll-clock.js'
import { HeadlinePollerOptionsSchema, pollId } from '../polling/poller-options.js'

/** What a parse warning says: the event was kept (as `generic` when it could not be mapped), or why not. */
export interface FootballDataWarning {
  provider: 'football-data'
  matchId: string
  /** Dotted path in the payload, e.g. `matches[3].bookings[0].card`. */
  field: string
  message: string
  providerType?: string
}

export const FootballDataParseOptionsSchema = z.object({
  /**
   * When the snapshot was taken (default: now). Places goals inferred from a score change on the free
   * tier, which has no `minute`: minutes since kick-off, with a 15-minute half-time.
   */
  now: z.union([z.date(), z.number(), z.string()]).optional(),
  /** Keep the original item (goal, booking, substitution) in `raw`. */
  includeRaw: z.boolean().default(false),
  /** Called for each unknown type, card or status (kept as `generic`) and each item not turned into an event. */
  onWarning: fn<(warning: FootballDataWarning) => void>().optional(),
})
export type FootballDataParseOptions = z.input<typeof FootballDataParseOptionsSchema>

/** Options of createFootballDataPoller. */
export const FootballDataPollerOptionsSchema = HeadlinePollerOptionsSchema.extend({
  token: z.string().min(1),
  /** Match ids to follow until each has finished. */
  matches: z.array(pollId).min(1).optional(),
  /** Competition codes or ids (PL, CL, 2021): follow today's matches of these. */
  competitions: z
    .array(z.union([z.string().min(1), z.int().positive()]).transform(String))
    .min(1)
    .optional(),
  /** The plan: free (10/min), standard (30/min), advanced or pro (60/min), or your own numbers. Default free. */
  plan: z
    .union([z.enum(['free', 'standard', 'advanced', 'pro']), z.object({ perMinute: z.int().positive() })])
    .default('free'),
  /** Never poll a match more often than this. Default 20 s. */
  minIntervalMs: z.int().positive().default(20_000),
  /** Competitions mode: how often today's list is read again. Default 15 min. */
  discoveryIntervalMs: z
    .int()
    .positive()
    .default(15 * MINUTE),
  /** Competitions mode: stop once every match of the day has finished. */
  stopWhenIdle: z.boolean().default(false),
  onWarning: fn<(warning: FootballDataWarning) => void>().optional(),
  name: z.string().min(1).default('football-data'),
}).refine((o) => (o.matches === undefined) !== (o.competitions === undefined), {
  message: 'give exactly one of matches or competitions',
})
export type FootballDataPollerOptions = z.input<typeof FootballDataPollerOptionsSchema>
