import type { BodyPart, Card, EventResult, EventType, SetPiece } from '../../event/enums.js'

/**
 * How a StatsBomb event type becomes a MatchEvent `type`. `resolve` names the rule that reads the
 * type's own object when the type alone does not decide (kloppy 3.19 semantics); docs/providers/statsbomb.md
 * renders the same table, and a test checks that it lists every entry.
 */
export interface StatsBombTypeMapping {
  /** StatsBomb's `type.name`. */
  name: string
  type: EventType
  resolve?:
    | 'pass'
    | 'shot'
    | 'dribble'
    | 'duel'
    | 'fifty_fifty'
    | 'interception'
    | 'ball_recovery'
    | 'goalkeeper'
    | 'foul_committed'
    | 'bad_behaviour'
    | 'own_goal_against'
    | 'drop'
    | 'carry'
    | 'clearance'
    | 'substitution'
}

/** Every StatsBomb `type.id` (open data 1.1.0 / API v8). An id that is not listed becomes `generic`. */
export const STATSBOMB_EVENT_TYPES = {
  2: { name: 'Ball Recovery', type: 'recovery', resolve: 'ball_recovery' },
  3: { name: 'Dispossessed', type: 'generic' },
  4: { name: 'Duel', type: 'duel', resolve: 'duel' },
  5: { name: 'Camera On', type: 'generic' },
  6: { name: 'Block', type: 'generic' },
  8: { name: 'Offside', type: 'generic' },
  9: { name: 'Clearance', type: 'clearance', resolve: 'clearance' },
  10: { name: 'Interception', type: 'interception', resolve: 'interception' },
  14: { name: 'Dribble', type: 'take_on', resolve: 'dribble' },
  16: { name: 'Shot', type: 'shot', resolve: 'shot' },
  17: { name: 'Pressure', type: 'pressure' },
  18: { name: 'Half Start', type: 'period_start' },
  19: { name: 'Substitution', type: 'substitution', resolve: 'substitution' },
  20: { name: 'Own Goal Against', type: 'shot', resolve: 'own_goal_against' },
  21: { name: 'Foul Won', type: 'generic' },
  22: { name: 'Foul Committed', type: 'foul_committed', resolve: 'foul_committed' },
  23: { name: 'Goal Keeper', type: 'goalkeeper', resolve: 'goalkeeper' },
  24: { name: 'Bad Behaviour', type: 'generic', resolve: 'bad_behaviour' },
  25: { name: 'Own Goal For', type: 'generic', resolve: 'drop' },
  26: { name: 'Player On', type: 'player_on' },
  27: { name: 'Player Off', type: 'player_off' },
  28: { name: 'Shield', type: 'generic' },
  29: { name: 'Camera off', type: 'generic' },
  30: { name: 'Pass', type: 'pass', resolve: 'pass' },
  33: { name: '50/50', type: 'duel', resolve: 'fifty_fifty' },
  34: { name: 'Half End', type: 'period_end' },
  35: { name: 'Starting XI', type: 'generic' },
  36: { name: 'Tactical Shift', type: 'formation_change' },
  37: { name: 'Error', type: 'generic' },
  38: { name: 'Miscontrol', type: 'miscontrol' },
  39: { name: 'Dribbled Past', type: 'generic' },
  40: { name: 'Injury Stoppage', type: 'generic' },
  41: { name: 'Referee Ball-Drop', type: 'generic' },
  42: { name: 'Ball Receipt*', type: 'generic' },
  43: { name: 'Carry', type: 'carry', resolve: 'carry' },
} as const satisfies Record<number, StatsBombTypeMapping>

/** `pass.outcome.id` → result. No outcome means complete (and the `recipient` is the receiver). */
export const STATSBOMB_PASS_OUTCOMES = {
  9: 'incomplete', // Incomplete
  74: 'out', // Injury Clearance: kicked out on purpose
  75: 'out', // Out
  76: 'offside', // Pass Offside
  77: null, // Unknown
} as const satisfies Record<number, EventResult | null>

/** `shot.outcome.id` → result. */
export const STATSBOMB_SHOT_OUTCOMES = {
  96: 'blocked', // Blocked
  97: 'goal', // Goal
  98: 'off_target', // Off T
  99: 'post', // Post
  100: 'saved', // Saved
  101: 'off_target', // Wayward
  115: 'saved', // Saved Off T
  116: 'saved', // Saved To Post
} as const satisfies Record<number, EventResult>

/** `dribble.outcome.id` → take_on result. No outcome means complete; `out: true` makes it `out`. */
export const STATSBOMB_DRIBBLE_OUTCOMES = {
  8: 'complete', // Complete
  9: 'incomplete', // Incomplete
} as const satisfies Record<number, EventResult>

/**
 * `duel.outcome.id` → duel result (kloppy): won on Won / Success / Success In Play / Success Out, lost on
 * anything else, and always lost for an "Aerial Lost" duel (`duel.type.id` 10).
 */
export const STATSBOMB_DUEL_OUTCOMES = {
  1: 'lost', // Lost
  4: 'won', // Won
  13: 'lost', // Lost In Play
  14: 'lost', // Lost Out
  15: 'won', // Success
  16: 'won', // Success In Play
  17: 'won', // Success Out
} as const satisfies Record<number, EventResult>
export const STATSBOMB_DUEL_AERIAL_LOST = 10

/** `50_50.outcome.id` → duel result (kloppy). */
export const STATSBOMB_FIFTY_FIFTY_OUTCOMES = {
  1: 'lost', // Lost
  2: 'lost', // Success To Opponent
  3: 'won', // Success To Team
  4: 'won', // Won
} as const satisfies Record<number, EventResult>

/** `interception.outcome.id` → interception result (kloppy). */
export const STATSBOMB_INTERCEPTION_OUTCOMES = {
  1: 'lost', // Lost
  4: 'success', // Won
  13: 'lost', // Lost In Play
  14: 'out', // Lost Out
  15: 'success', // Success
  16: 'success', // Success In Play
  17: 'out', // Success Out
} as const satisfies Record<number, EventResult>

/** The duel outcomes that put the ball out: an incomplete dribble they answer is a take_on `out` (kloppy). */
export const STATSBOMB_DUEL_OUT_OUTCOMES: readonly number[] = [14, 17]

/**
 * `goalkeeper.type.id` → MatchEvent type (kloppy). `keeper_sweeper` depends on the outcome and the body part:
 * a claim with the hands (or no body part) is `goalkeeper`, with a foot or the head a `recovery`; a clearance
 * ("Clear" / "Success") with a foot or the head is a `clearance`, otherwise `goalkeeper`; any other outcome
 * is `generic`. Shot Faced, Goal Conceded and Penalty Conceded are `generic`, as in kloppy.
 */
export const STATSBOMB_GOALKEEPER_TYPES = {
  25: 'goalkeeper', // Collected (claim)
  26: 'generic', // Goal Conceded
  27: 'keeper_sweeper', // Keeper Sweeper
  28: 'generic', // Penalty Conceded
  29: 'goalkeeper', // Penalty Saved (kloppy 3.19 leaves it generic: see the deliberate differences)
  30: 'goalkeeper', // Punch
  31: 'goalkeeper', // Save (kloppy 3.19 leaves it generic: see the deliberate differences)
  32: 'generic', // Shot Faced
  33: 'goalkeeper', // Shot Saved
  34: 'goalkeeper', // Smother
  109: 'goalkeeper', // Penalty Saved To Post
  110: 'goalkeeper', // Saved To Post
  113: 'goalkeeper', // Shot Saved Off T
  114: 'goalkeeper', // Shot Saved To Post
} as const satisfies Record<number, EventType | 'keeper_sweeper'>

/** Keeper Sweeper outcomes (`goalkeeper.outcome.id`). */
export const STATSBOMB_KEEPER_SWEEPER_CLAIM = 47
export const STATSBOMB_KEEPER_SWEEPER_CLEAR: readonly number[] = [48, 15] // Clear, Success

/** `pass.type.id` / `shot.type.id` → set piece. Open Play (87), Interception (64), Recovery (66) are none. */
export const STATSBOMB_SET_PIECES = {
  61: 'corner_kick', // Corner
  62: 'free_kick', // Free Kick
  63: 'goal_kick', // Goal Kick
  65: 'kick_off', // Kick Off
  67: 'throw_in', // Throw-in
  88: 'penalty', // Penalty
} as const satisfies Record<number, SetPiece>

/** `body_part.id` (on pass, shot, clearance, goalkeeper) → body part. */
export const STATSBOMB_BODY_PARTS = {
  35: 'both_hands', // Both Hands
  36: 'chest', // Chest
  37: 'head', // Head
  38: 'left_foot', // Left Foot
  39: 'left_hand', // Left Hand
  40: 'right_foot', // Right Foot
  41: 'right_hand', // Right Hand
  68: 'drop_kick', // Drop Kick
  69: 'keeper_arm', // Keeper Arm
  70: 'other', // Other
  106: 'no_touch', // No Touch
} as const satisfies Record<number, BodyPart>

/** `foul_committed.card.id` / `bad_behaviour.card.id` → card (65–67 are the same cards in older files). */
export const STATSBOMB_CARDS = {
  5: 'red', // Red Card
  6: 'second_yellow', // Second Yellow
  7: 'yellow', // Yellow Card
  65: 'red',
  66: 'second_yellow',
  67: 'yellow',
} as const satisfies Record<number, Card>

/** Type ids the per-file fidelity rule looks at (kloppy): Pass, Carry, Dribble for xy; Shot for shots. */
export const STATSBOMB_XY_FIDELITY_TYPES: readonly number[] = [30, 43, 14]
export const STATSBOMB_SHOT_TYPE = 16
export const STATSBOMB_STARTING_XI_TYPE = 35

/**
 * StatsBomb's goal is 2.66 yd high on its 120 x 80 pitch (kloppy's ImperialPitchDimensions) and 2.44 m on
 * the metric one: a shot end height is scaled by that ratio, as kloppy does.
 */
export const STATSBOMB_Z_TO_METRES = 2.44 / 2.66
