import { delay } from '../../time.js'

/**
 * Time as a poller sees it. The default reads `Date.now` and sleeps with `delay` (`setTimeout`, so
 * vitest's fake timers drive it too); `matchfeed/testing`'s virtual clock makes a whole match run in
 * milliseconds.
 */
export interface PollClock {
  now(): number
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export const systemClock: PollClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, signal),
}

export const MINUTE = 60_000
const DAY_MS = 86_400_000

/** The next 00:00 UTC after `now`: API-Football's daily quota resets then. */
export function nextUtcMidnight(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS
}

export function utcDay(now: number): number {
  return Math.floor(now / DAY_MS)
}

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}
