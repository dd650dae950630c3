import type { Card, EventResult, SetPiece } from '../../event/enums.js'

/** `goals[].type` → shot result. OWN's team convention is read from the goal's `score` (see parse-match.ts). */
export const FOOTBALL_DATA_GOAL_TYPES = {
  REGULAR: { result: 'goal' },
  PENALTY: { result: 'goal', setPiece: 'penalty' },
  OWN: { result: 'own_goal' },
} as const satisfies Record<string, { result: EventResult; setPiece?: SetPiece }>

/** `bookings[].card` → MatchEvent `card`. */
export const FOOTBALL_DATA_CARDS = {
  YELLOW: 'yellow',
  YELLOW_RED: 'second_yellow',
  RED: 'red',
} as const satisfies Record<string, Card>

/**
 * Match `status` values (the docs' lookup table; the match page omits EXTRA_TIME and PENALTY_SHOOTOUT).
 * `final` ends polling after one last poll.
 */
export const FOOTBALL_DATA_STATUSES = {
  SCHEDULED: { kind: 'scheduled', final: false },
  TIMED: { kind: 'scheduled', final: false },
  IN_PLAY: { kind: 'live', final: false },
  PAUSED: { kind: 'break', final: false },
  EXTRA_TIME: { kind: 'live', final: false },
  PENALTY_SHOOTOUT: { kind: 'live', final: false },
  FINISHED: { kind: 'finished', final: true },
  SUSPENDED: { kind: 'interrupted', final: false },
  POSTPONED: { kind: 'off', final: true },
  CANCELLED: { kind: 'off', final: true },
  AWARDED: { kind: 'off', final: true },
} as const
export type FootballDataStatus = keyof typeof FOOTBALL_DATA_STATUSES

/** Requests per minute by plan (docs policies page); no daily quota on these plans. */
export const FOOTBALL_DATA_PLANS = {
  free: { perMinute: 10 },
  standard: { perMinute: 30 },
  advanced: { perMinute: 60 },
  pro: { perMinute: 60 },
} as const
