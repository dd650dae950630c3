import { z } from 'zod'
import type { HttpTimeouts } from '../../http/transport.js'
import { fn } from '../options.js'
import { MINUTE, type PollClock } from './poll-clock.js'

/** A fixture, match or league id for a poller: a positive integer, as a number or as digits. */
export const pollId = z.union([z.int().positive(), z.string().regex(/^\d+$/)]).transform(String)

/** The options every headline poller (API-Football, Football-Data) shares; each extends them. */
export const HeadlinePollerOptionsSchema = z.object({
  fetch: fn<typeof globalThis.fetch>().optional(),
  clock: z
    .custom<PollClock>((v) => typeof v === 'object' && v !== null && 'now' in v && 'sleep' in v)
    .optional(),
  timeouts: z.custom<HttpTimeouts>((v) => typeof v === 'object' && v !== null).optional(),
  /** Between polls during half-time, breaks and interruptions. Default 5 min. */
  breakIntervalMs: z
    .int()
    .positive()
    .default(5 * MINUTE),
  /** Before a kick-off that is late. Default 2 min. */
  prematchIntervalMs: z
    .int()
    .positive()
    .default(2 * MINUTE),
  /** The final poll comes this long after a match is seen finished (late corrections). Default 60 s. */
  finalPollDelayMs: z.int().nonnegative().default(MINUTE),
  /** Failed polls in a row (network, timeouts, 5xx) before `start` gives up. Default 20. */
  maxConsecutiveFailures: z.int().positive().default(20),
  includeRaw: z.boolean().default(false),
  /** Every failed request, with when the poller tries again: retries are visible. */
  onError: fn<(error: Error, info: { retryAt: string }) => void>().optional(),
  /** Jitter source for backoff, [0, 1). */
  random: fn<() => number>().optional(),
})
