// When each event of a file happened, relative to the first: the pace of a replay.
import type { MatchEvent } from '../event/schema.js'

// Match-clock seconds at which each period starts, the breaks left out: a replay without wall-clock
// timestamps plays the football, not the half-time interval.
const PERIOD_START_S: Record<number, number> = { 1: 0, 2: 45 * 60, 3: 90 * 60, 4: 105 * 60, 5: 120 * 60 }

/**
 * Milliseconds from the first event to each one, never going back: the providers' wall clock (`timestamp`)
 * when every event has one, else the match clock (period start + `periodTime`). Files list events in the
 * order they were sent; an event stamped earlier than the one before it goes out right after it.
 */
export function replayOffsetsMs(events: readonly MatchEvent[]): number[] {
  const wall = events.every((e) => e.timestamp !== undefined)
  const at = (e: MatchEvent) =>
    wall ? Date.parse(e.timestamp!) : ((PERIOD_START_S[e.period] ?? 0) + e.periodTime) * 1000
  const first = events.length > 0 ? at(events[0]!) : 0
  let last = 0
  return events.map((e) => {
    last = Math.max(last, at(e) - first)
    return last
  })
}
