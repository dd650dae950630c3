// The match clock as MatchEvent shows it (`period`, `periodTime`, `minute`, `addedTime`): the TV clock,
// where the second half starts at 45 and 90+3 is minute 90 with 3 minutes of added time. Every provider
// places its events on it with these numbers.
import type { Period } from './enums.js'

/** Minute on the match clock at which each period starts (TV clock: the second half starts at 45). */
export const PERIOD_START_MINUTE = { 1: 0, 2: 45, 3: 90, 4: 105, 5: 120 } as const
/** Minute at which each period's regular time ends: a later minute is added time. */
export const PERIOD_END_MINUTE = { 1: 45, 2: 90, 3: 105, 4: 120, 5: 120 } as const

/**
 * The minute after which a period's clock is added time, indexed by period (0 and anything past 5: none).
 * The shoot-out (5) has no added time: its kicks keep the minute the provider gives.
 */
export const ADDED_TIME_AFTER: readonly (number | undefined)[] = [
  undefined,
  PERIOD_END_MINUTE[1],
  PERIOD_END_MINUTE[2],
  PERIOD_END_MINUTE[3],
  PERIOD_END_MINUTE[4],
  undefined,
]

/** A place on the match clock: the period, the minute shown, its added time, and seconds into the period. */
export interface ClockPlace {
  period: Period
  minute: number
  addedTime?: number
  periodTime: number
}

/**
 * A provider minute and its added time (`elapsed` / `minute` + `extra`) on the MatchEvent clock. 45 and
 * 45+2 are the first half, 46 the second, 90+3 the second half, 91-105 the first half of extra time.
 * `maxPeriod` caps the period when the match is known to be in it (a first half running long: 47 with
 * status 1H is 45+2) or to have no extra time (93 in a match without extra time is 90+3).
 */
export function placeOnClock(
  minute: number,
  extra: number | null | undefined,
  maxPeriod: 1 | 2 | 4,
): ClockPlace {
  let period: Period = minute <= 45 ? 1 : minute <= 90 ? 2 : minute <= 105 ? 3 : 4
  let shown = minute
  let added = extra ?? undefined
  if (period > maxPeriod) {
    period = maxPeriod as Period
    shown = PERIOD_END_MINUTE[period]
    added = minute - shown + (extra ?? 0)
  }
  const place: ClockPlace = {
    period,
    minute: shown,
    periodTime: Math.max(0, shown - PERIOD_START_MINUTE[period] + (added ?? 0)) * 60,
  }
  if (added !== undefined && added > 0) place.addedTime = added
  return place
}
