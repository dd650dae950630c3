import type { BodyPart, Card, EventType, SetPiece } from '../../event/enums.js'

/**
 * How an Opta type_id becomes a MatchEvent `type`. Shared by F24 (XML) and Stats Perform MA3 (JSON / XML),
 * which use the same ids. `resolve` names the rule that reads the event's outcome, qualifiers or
 * neighbours when the type alone does not decide (kloppy 3.19 semantics). `spatial: false` marks types
 * Opta sends without a location (their `x="0.0" y="0.0"` is a placeholder, not the corner flag).
 * docs/providers/opta.md renders the same table, and a test checks that it lists every entry.
 */
export interface OptaTypeMapping {
  /** Opta's name for the type (kloppy's / socceraction's spelling). */
  name: string
  type: EventType
  resolve?:
    | 'pass'
    | 'offside_pass'
    | 'take_on'
    | 'foul'
    | 'duel'
    | 'interception'
    | 'save'
    | 'shot'
    | 'card'
    | 'player_off'
    | 'player_on'
    | 'ball_touch'
  spatial?: false
}

/** Every Opta event type_id matchfeed knows. An id that is not listed becomes `generic`, its id kept. */
export const OPTA_EVENT_TYPES = {
  1: { name: 'pass', type: 'pass', resolve: 'pass' },
  2: { name: 'offside pass', type: 'pass', resolve: 'offside_pass' },
  3: { name: 'take on', type: 'take_on', resolve: 'take_on' },
  4: { name: 'foul', type: 'foul_committed', resolve: 'foul' },
  5: { name: 'out', type: 'ball_out' },
  6: { name: 'corner awarded', type: 'ball_out' },
  7: { name: 'tackle', type: 'duel', resolve: 'duel' },
  8: { name: 'interception', type: 'interception', resolve: 'interception' },
  9: { name: 'turnover', type: 'generic' },
  10: { name: 'save', type: 'goalkeeper', resolve: 'save' },
  11: { name: 'claim', type: 'goalkeeper' },
  12: { name: 'clearance', type: 'clearance' },
  13: { name: 'miss', type: 'shot', resolve: 'shot' },
  14: { name: 'post', type: 'shot', resolve: 'shot' },
  15: { name: 'attempt saved', type: 'shot', resolve: 'shot' },
  16: { name: 'goal', type: 'shot', resolve: 'shot' },
  17: { name: 'card', type: 'card', resolve: 'card', spatial: false },
  18: { name: 'player off', type: 'substitution', resolve: 'player_off', spatial: false },
  19: { name: 'player on', type: 'player_on', resolve: 'player_on', spatial: false },
  20: { name: 'player retired', type: 'generic', spatial: false },
  21: { name: 'player returns', type: 'generic', spatial: false },
  22: { name: 'player becomes goalkeeper', type: 'generic', spatial: false },
  23: { name: 'goalkeeper becomes player', type: 'generic', spatial: false },
  24: { name: 'condition change', type: 'generic', spatial: false },
  25: { name: 'official change', type: 'generic', spatial: false },
  27: { name: 'start delay', type: 'generic', spatial: false },
  28: { name: 'end delay', type: 'generic', spatial: false },
  30: { name: 'end', type: 'period_end', spatial: false },
  32: { name: 'start', type: 'period_start', spatial: false },
  34: { name: 'team set up', type: 'generic', spatial: false },
  35: { name: 'player changed position', type: 'generic', spatial: false },
  36: { name: 'player changed jersey number', type: 'generic', spatial: false },
  37: { name: 'collection end', type: 'generic', spatial: false },
  38: { name: 'temp_goal', type: 'generic' },
  39: { name: 'temp_attempt', type: 'generic' },
  40: { name: 'formation change', type: 'formation_change', spatial: false },
  41: { name: 'punch', type: 'goalkeeper' },
  42: { name: 'good skill', type: 'generic' },
  43: { name: 'deleted event', type: 'generic' },
  44: { name: 'aerial', type: 'duel', resolve: 'duel' },
  45: { name: 'challenge', type: 'generic' },
  47: { name: 'rescinded card', type: 'generic', spatial: false },
  49: { name: 'ball recovery', type: 'recovery' },
  50: { name: 'dispossessed', type: 'generic' },
  51: { name: 'error', type: 'generic' },
  52: { name: 'keeper pick-up', type: 'goalkeeper' },
  53: { name: 'cross not claimed', type: 'generic' },
  54: { name: 'smother', type: 'goalkeeper' },
  55: { name: 'offside provoked', type: 'generic' },
  56: { name: 'shield ball opp', type: 'generic' },
  57: { name: 'foul throw in', type: 'generic' },
  58: { name: 'penalty faced', type: 'generic' },
  59: { name: 'keeper sweeper', type: 'generic' },
  60: { name: 'chance missed', type: 'generic' },
  61: { name: 'ball touch', type: 'generic', resolve: 'ball_touch' },
  63: { name: 'temp_save', type: 'generic' },
  64: { name: 'resume', type: 'generic', spatial: false },
  65: { name: 'contentious referee decision', type: 'generic', spatial: false },
  66: { name: 'possession data', type: 'generic' },
  67: { name: '50/50', type: 'duel', resolve: 'duel' },
  68: { name: 'referee drop ball', type: 'generic' },
  69: { name: 'failed to block', type: 'generic' },
  70: { name: 'injury time announcement', type: 'generic', spatial: false },
  71: { name: 'coach setup', type: 'generic', spatial: false },
  72: { name: 'caught offside', type: 'generic' },
  73: { name: 'other ball contact', type: 'generic' },
  74: { name: 'blocked pass', type: 'interception', resolve: 'interception' },
  75: { name: 'delayed start', type: 'generic', spatial: false },
  76: { name: 'early end', type: 'generic', spatial: false },
  77: { name: 'player off pitch', type: 'generic', spatial: false },
  83: { name: 'attempted tackle', type: 'generic' },
  84: { name: 'deleted after review', type: 'generic' },
} as const satisfies Record<number, OptaTypeMapping>

/** The qualifier ids matchfeed reads (Opta's numbering, shared by F24 and MA3). */
export const OPTA_QUALIFIERS = {
  longBall: 1,
  cross: 2,
  headPass: 3,
  throughBall: 4,
  freeKick: 5,
  corner: 6,
  penalty: 9,
  head: 15,
  rightFoot: 20,
  otherBodyPart: 21,
  counterAttack: 23,
  directFreeKick: 26,
  ownGoal: 28,
  yellowCard: 31,
  secondYellow: 32,
  redCard: 33,
  relatedEvent: 55,
  leftFoot: 72,
  flickOn: 168,
  blocked: 82,
  defensiveBlock: 94,
  goalMouthY: 102,
  goalMouthZ: 103,
  throwIn: 107,
  goalKick: 124,
  passEndX: 140,
  passEndY: 141,
  deletedEventType: 144,
  blockedX: 146,
  blockedY: 147,
  kickOff: 279,
  goalTime: 374,
} as const

/** Set pieces, first match wins (kloppy's order: a corner taken as a free kick is a corner). */
export const OPTA_SET_PIECES: readonly (readonly [qualifier: number, setPiece: SetPiece])[] = [
  [OPTA_QUALIFIERS.corner, 'corner_kick'],
  [OPTA_QUALIFIERS.freeKick, 'free_kick'],
  [OPTA_QUALIFIERS.directFreeKick, 'free_kick'],
  [OPTA_QUALIFIERS.penalty, 'penalty'],
  [OPTA_QUALIFIERS.throwIn, 'throw_in'],
  [OPTA_QUALIFIERS.kickOff, 'kick_off'],
  [OPTA_QUALIFIERS.goalKick, 'goal_kick'],
]

/** Body parts, first match wins (kloppy's order; a foot named explicitly outranks a flick-on). */
export const OPTA_BODY_PARTS: readonly (readonly [qualifier: number, bodyPart: BodyPart])[] = [
  [OPTA_QUALIFIERS.headPass, 'head'],
  [OPTA_QUALIFIERS.head, 'head'],
  [OPTA_QUALIFIERS.leftFoot, 'left_foot'],
  [OPTA_QUALIFIERS.rightFoot, 'right_foot'],
  [OPTA_QUALIFIERS.otherBodyPart, 'other'],
  [OPTA_QUALIFIERS.flickOn, 'head'], // a flick-on is a header (kloppy 3.19)
]

/** Cards on type 17, first match wins (kloppy's order: a straight red outranks anything else). */
export const OPTA_CARDS: readonly (readonly [qualifier: number, card: Card])[] = [
  [OPTA_QUALIFIERS.redCard, 'red'],
  [OPTA_QUALIFIERS.yellowCard, 'yellow'],
  [OPTA_QUALIFIERS.secondYellow, 'second_yellow'],
]

/**
 * Opta period_id values. 1-5 are match periods (MatchEvent `period`); the rest are not, and their events
 * are dropped by rule (they are not match events: team line-ups, the post-match "collection end", …),
 * except deletions, which are kept so that a withdrawal always reaches the consumer (see the docs).
 */
export const OPTA_PERIODS = {
  1: 'first half',
  2: 'second half',
  3: 'extra time, first half',
  4: 'extra time, second half',
  5: 'penalty shoot-out',
  10: 'half time (break)',
  11: 'end of second half, before extra time (break)',
  12: 'extra time half time (break)',
  13: 'end of extra time, before the shoot-out (break)',
  14: 'post-match',
  16: 'pre-match',
} as const

/** Type ids the parsers treat specially (see the rules in the docs). */
export const OPTA_PLAYER_ON_TYPE = 19
export const OPTA_PLAYER_OFF_TYPE = 18
export const OPTA_DELETED_TYPE = 43
export const OPTA_PERIOD_START_TYPE = 32
export const OPTA_PERIOD_END_TYPE = 30
export const OPTA_GOAL_TYPE = 16
export const OPTA_BALL_TOUCH_TYPE = 61
export const OPTA_CHALLENGE_TYPE = 45

/** kloppy's ball-out events (an interception followed by one is `out`). */
export const OPTA_BALL_OUT_TYPES: readonly number[] = [5, 6]
/** kloppy's ball-owning events (an interception followed by one of the other team is `lost`). */
export const OPTA_BALL_OWNING_TYPES: readonly number[] = [1, 2, 3, 13, 14, 15, 16, 49, 61]
/** A completed pass's receiver is the player of the next event when it is one of these, by the same team. */
export const OPTA_RECEIVING_TYPES: readonly number[] = [1, 2, 3, 8, 12, 13, 14, 15, 16, 49, 61, 74]
/** Pass (and offside pass) type ids: a goal's assist is the pass its qualifier 55 points at. */
export const OPTA_PASS_TYPES: readonly number[] = [1, 2]

/**
 * Goal-mouth z (qualifier 103) is in Opta units where the crossbar is at 38; kloppy scales it to the metric
 * goal (2.44 m high), and so does MatchEvent `endZ`: metres = z × 2.44 / 38.
 */
export const OPTA_GOAL_MOUTH_Z_TO_METRES = 2.44 / 38
/** Opta coordinates outside this range are not a location but garbage (real feeds stay within -3..103). */
export const OPTA_COORDINATE_RANGE = [-50, 150] as const
