import { z } from 'zod'
import type { HttpTimeouts } from '../../http/transport.js'
import { checkedOptions } from '../options.js'
import { iso, type PollClock } from './poll-clock.js'

export const MINUTE = 60_000

/** A zod field holding a function of type T (checked as a function; its signature is the type's). */
export const fn = <T>() => z.custom<T>((v) => typeof v === 'function')

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

/** What a headline poller reports per match for health: its status and when it polls next. */
export interface NextPoll {
  matchId: string
  /** The status seen last. */
  status?: string
  /** When the next poll of this match is due (ISO); absent once done. */
  dueAt?: string
  lastPolledAt?: string
  /** `final`: finished, one last poll to come; `done`: no more polls. */
  phase: 'active' | 'final' | 'done'
}

/** A followed match, as both headline pollers track it (each adds its own fields). */
export interface TrackedMatch {
  id: string
  status?: string
  kickOff?: number
  due: number
  lastPolledAt?: number
  phase: NextPoll['phase']
}

/** A tracked match as `nextPolls()` reports it. */
export function nextPollOf(
  t: { id: string; status?: string; phase: NextPoll['phase']; due: number; lastPolledAt?: number },
  now: number,
): NextPoll {
  const next: NextPoll = { matchId: t.id, phase: t.phase }
  if (t.status) next.status = t.status
  if (t.phase !== 'done') next.dueAt = iso(Math.max(t.due, now))
  if (t.lastPolledAt !== undefined) next.lastPolledAt = iso(t.lastPolledAt)
  return next
}

/** A poller's options checked against its schema: the first issue as a typed `invalid_option` error. */
export function parsePollerOptions<S extends z.ZodType>(
  provider: string,
  schema: S,
  options: unknown,
): z.output<S> {
  return checkedOptions(provider, schema, options, 'poller option')
}

/** Each poll re-reads the whole match: a warning is passed on once (per match, field and message). */
export function warnOnce<W extends { matchId: string; field: string; message: string }>(
  onWarning: ((warning: W) => void) | undefined,
): (warning: W) => void {
  const warned = new Set<string>()
  return (warning) => {
    const key = `${warning.matchId}|${warning.field}|${warning.message}`
    if (warned.has(key)) return
    warned.add(key)
    onWarning?.(warning)
  }
}
