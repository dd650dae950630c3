// The vocabularies of MatchEvent v1 as const tuples: usable as types, as zod enums and at run time.
// Names follow kloppy (lower-cased) so analysts can move between the two without a mapping table.

/** Providers matchfeed ships a parser for. A custom feed may use any other lower-case name. */
export const PROVIDERS = ['statsbomb', 'opta', 'statsperform', 'api-football', 'football-data'] as const
export type KnownProvider = (typeof PROVIDERS)[number]

export const EVENT_TYPES = [
  'pass',
  'shot',
  'take_on',
  'carry',
  'clearance',
  'interception',
  'duel',
  'recovery',
  'miscontrol',
  'ball_out',
  'foul_committed',
  'card',
  'substitution',
  'player_on',
  'player_off',
  'goalkeeper',
  'pressure',
  'formation_change',
  'generic',
  // Live-feed types, beyond kloppy's event-data vocabulary.
  'period_start',
  'period_end',
  'var',
  'match_status',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

export const PASS_RESULTS = ['complete', 'incomplete', 'out', 'offside'] as const
export const SHOT_RESULTS = ['goal', 'own_goal', 'saved', 'blocked', 'off_target', 'post'] as const
export const TAKE_ON_RESULTS = ['complete', 'incomplete', 'out'] as const
export const CARRY_RESULTS = ['complete', 'incomplete'] as const
export const DUEL_RESULTS = ['won', 'lost', 'neutral'] as const
export const INTERCEPTION_RESULTS = ['success', 'lost', 'out'] as const

/** Which results a type may carry (kloppy's per-type result enums); every other type has `result: null`. */
export const RESULTS_BY_TYPE = {
  pass: PASS_RESULTS,
  shot: SHOT_RESULTS,
  take_on: TAKE_ON_RESULTS,
  carry: CARRY_RESULTS,
  duel: DUEL_RESULTS,
  interception: INTERCEPTION_RESULTS,
} as const satisfies Partial<Record<EventType, readonly string[]>>

export const RESULTS = [
  ...new Set([
    ...PASS_RESULTS,
    ...SHOT_RESULTS,
    ...TAKE_ON_RESULTS,
    ...CARRY_RESULTS,
    ...DUEL_RESULTS,
    ...INTERCEPTION_RESULTS,
  ]),
] as unknown as readonly [EventResult, ...EventResult[]]
export type EventResult = (typeof RESULTS_BY_TYPE)[keyof typeof RESULTS_BY_TYPE][number]

/** 1 and 2 are the halves, 3 and 4 extra time, 5 the penalty shoot-out. */
export const PERIODS = [1, 2, 3, 4, 5] as const
export type Period = (typeof PERIODS)[number]

export const SET_PIECES = [
  'kick_off',
  'free_kick',
  'corner_kick',
  'throw_in',
  'goal_kick',
  'penalty',
] as const
export type SetPiece = (typeof SET_PIECES)[number]

export const BODY_PARTS = [
  'right_foot',
  'left_foot',
  'head',
  'other',
  'head_other',
  'both_hands',
  'chest',
  'left_hand',
  'right_hand',
  'drop_kick',
  'keeper_arm',
  'no_touch',
] as const
export type BodyPart = (typeof BODY_PARTS)[number]

export const CARDS = ['yellow', 'second_yellow', 'red'] as const
export type Card = (typeof CARDS)[number]

export const SIDES = ['home', 'away'] as const
export type Side = (typeof SIDES)[number]
