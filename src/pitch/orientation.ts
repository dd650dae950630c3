import { PITCH_LENGTH, PITCH_WIDTH } from './canonical.js'

/** What orientHomeAttacksRight reads: a MatchEvent fits, and so does any event-like object. */
export interface OrientableEvent {
  team?: { side?: 'home' | 'away' }
  x?: number
  y?: number
  endX?: number
  endY?: number
}

/**
 * MatchEvent coordinates are in the acting team's frame (kloppy's ACTION_EXECUTING_TEAM): each team attacks
 * towards x = 105. For one fixed frame where the home team attacks towards x = 105 (heat maps, plots of
 * both teams), away events are rotated half a turn: x' = 105 - x, y' = 68 - y, and endX/endY likewise.
 * Home events, events without a side and away events without coordinates come back as the same object;
 * otherwise a new object is returned. The input is never mutated.
 */
export function orientHomeAttacksRight<E extends OrientableEvent>(event: E): E {
  if (event.team?.side !== 'away') return event
  const { x, y, endX, endY } = event
  if (x === undefined && y === undefined && endX === undefined && endY === undefined) return event
  const out: OrientableEvent = { ...event }
  if (x !== undefined) out.x = PITCH_LENGTH - x
  if (y !== undefined) out.y = PITCH_WIDTH - y
  if (endX !== undefined) out.endX = PITCH_LENGTH - endX
  if (endY !== undefined) out.endY = PITCH_WIDTH - endY
  return out as E
}
