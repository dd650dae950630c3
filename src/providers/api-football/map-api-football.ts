import type { Card, EventResult, EventType, SetPiece } from '../../event/enums.js'

export interface ApiFootballMapping {
  type: EventType
  result?: EventResult
  setPiece?: SetPiece
  card?: Card
  /** Own goal: API-Football names the beneficiary team; matchfeed names the defender's side. */
  ownGoal?: true
  /** A VAR decision that withdraws a goal (the goal ends `deleted`). */
  cancelsGoal?: true
}

/**
 * `type` + `detail` → MatchEvent, keyed by lower-cased `type`, then lower-cased `detail`. Anything not
 * listed becomes `generic` (with a warning); `subst` details are `Substitution <n>`, matched by pattern.
 * docs/providers/api-football.md renders the same table.
 */
export const API_FOOTBALL_EVENT_TYPES = {
  goal: {
    'normal goal': { type: 'shot', result: 'goal' },
    penalty: { type: 'shot', result: 'goal', setPiece: 'penalty' },
    'own goal': { type: 'shot', result: 'own_goal', ownGoal: true },
    'missed penalty': { type: 'shot', setPiece: 'penalty' },
  },
  card: {
    'yellow card': { type: 'card', card: 'yellow' },
    'second yellow card': { type: 'card', card: 'second_yellow' },
    'red card': { type: 'card', card: 'red' },
  },
  var: {
    'goal cancelled': { type: 'var', cancelsGoal: true },
    'goal disallowed': { type: 'var', cancelsGoal: true },
    'goal disallowed - offside': { type: 'var', cancelsGoal: true },
    'goal disallowed - handball': { type: 'var', cancelsGoal: true },
    'goal disallowed - foul': { type: 'var', cancelsGoal: true },
    'goal confirmed': { type: 'var' },
    'penalty confirmed': { type: 'var' },
    'penalty cancelled': { type: 'var' },
    'card upgrade': { type: 'var' },
    'card reviewed': { type: 'var' },
    'red card cancelled': { type: 'var' },
  },
} as const satisfies Record<string, Record<string, ApiFootballMapping>>

export const SUBSTITUTION_DETAIL = /^substitution\s*(\d+)?$/i

export type StatusKind = 'scheduled' | 'live' | 'break' | 'finished' | 'interrupted' | 'off'

/**
 * `fixture.status.short` codes (docs table). `last` is the period the code is in or has just ended;
 * `finished` codes end polling.
 */
export const API_FOOTBALL_STATUSES = {
  TBD: { kind: 'scheduled' },
  NS: { kind: 'scheduled' },
  '1H': { kind: 'live' },
  HT: { kind: 'break' },
  '2H': { kind: 'live' },
  ET: { kind: 'live' },
  BT: { kind: 'break' },
  P: { kind: 'live' },
  SUSP: { kind: 'interrupted' },
  INT: { kind: 'interrupted' },
  LIVE: { kind: 'live' },
  FT: { kind: 'finished' },
  AET: { kind: 'finished' },
  PEN: { kind: 'finished' },
  PST: { kind: 'off' },
  CANC: { kind: 'off' },
  ABD: { kind: 'off' },
  AWD: { kind: 'off' },
  WO: { kind: 'off' },
} as const satisfies Record<string, { kind: StatusKind }>
export type ApiFootballStatus = keyof typeof API_FOOTBALL_STATUSES

/** Codes after which a fixture changes no more: the poller makes its final poll and stops. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set([
  'FT',
  'AET',
  'PEN',
  'PST',
  'CANC',
  'ABD',
  'AWD',
  'WO',
])

/** Plans (requests per minute, per day): per minute from the docs, per day as commonly quoted. */
export const API_FOOTBALL_PLANS = {
  free: { perMinute: 10, perDay: 100 },
  pro: { perMinute: 300, perDay: 7_500 },
  ultra: { perMinute: 450, perDay: 75_000 },
  mega: { perMinute: 900, perDay: 150_000 },
} as const
