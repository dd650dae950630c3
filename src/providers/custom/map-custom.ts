import type { Card, EventResult, EventType, SetPiece } from '../../event/enums.js'

export interface CustomTypeMapping {
  type: EventType
  result?: EventResult
  setPiece?: SetPiece
  card?: Card
}

/**
 * The integration guide's `event_type` strings → MatchEvent. Machine-readable, like kloppy's spec.yaml;
 * docs/event-model.md renders the same table. Anything not listed becomes `generic`, with the original
 * string kept in `providerType`.
 */
export const CUSTOM_EVENT_TYPES = {
  goal: { type: 'shot', result: 'goal' },
  own_goal: { type: 'shot', result: 'own_goal' },
  penalty: { type: 'shot', result: 'goal', setPiece: 'penalty' },
  penalty_goal: { type: 'shot', result: 'goal', setPiece: 'penalty' },
  penalty_missed: { type: 'shot', result: 'off_target', setPiece: 'penalty' },
  penalty_saved: { type: 'shot', result: 'saved', setPiece: 'penalty' },
  shot: { type: 'shot' },
  shot_on_target: { type: 'shot', result: 'saved' },
  shot_saved: { type: 'shot', result: 'saved' },
  shot_off_target: { type: 'shot', result: 'off_target' },
  shot_blocked: { type: 'shot', result: 'blocked' },
  shot_post: { type: 'shot', result: 'post' },
  yellow_card: { type: 'card', card: 'yellow' },
  second_yellow: { type: 'card', card: 'second_yellow' },
  second_yellow_card: { type: 'card', card: 'second_yellow' },
  red_card: { type: 'card', card: 'red' },
  substitution: { type: 'substitution' },
  pass: { type: 'pass' },
  cross: { type: 'pass' },
  corner: { type: 'pass', setPiece: 'corner_kick' },
  corner_kick: { type: 'pass', setPiece: 'corner_kick' },
  free_kick: { type: 'pass', setPiece: 'free_kick' },
  throw_in: { type: 'pass', setPiece: 'throw_in' },
  goal_kick: { type: 'pass', setPiece: 'goal_kick' },
  offside: { type: 'pass', result: 'offside' },
  foul: { type: 'foul_committed' },
  tackle: { type: 'duel' },
  duel: { type: 'duel' },
  interception: { type: 'interception' },
  clearance: { type: 'clearance' },
  save: { type: 'goalkeeper' },
  recovery: { type: 'recovery' },
  dribble: { type: 'take_on' },
  take_on: { type: 'take_on' },
  ball_out: { type: 'ball_out' },
  kick_off: { type: 'period_start' },
  period_start: { type: 'period_start' },
  half_time: { type: 'period_end' },
  full_time: { type: 'period_end' },
  period_end: { type: 'period_end' },
  var: { type: 'var' },
  var_check: { type: 'var' },
  match_status: { type: 'match_status' },
} as const satisfies Record<string, CustomTypeMapping>

export type CustomEventType = keyof typeof CUSTOM_EVENT_TYPES
