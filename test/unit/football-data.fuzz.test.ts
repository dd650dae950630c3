// Damaged Football-Data.org input gives valid MatchEvents or a ProviderPayloadError: never another error, a
// hang, or an event that fails MatchEventSchema. Mutations start from the hand-written match (and a
// shoot-out and a live variant of it), alone, diffed against the original, or as the previous snapshot.
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  FOOTBALL_DATA_CARDS,
  FOOTBALL_DATA_GOAL_TYPES,
  FOOTBALL_DATA_STATUSES,
  type FootballDataParseOptions,
  parseFootballDataMatch,
} from '../../src/providers/football-data/index.js'
import { knockoutMatch } from '../helpers/football-data.js'
import {
  applyEdit,
  checkCorruptedJson,
  expand,
  fuzzJunk,
  fuzzOutcome,
  type KeyEdit,
  keyEdits,
  node,
  type Site,
} from '../helpers/fuzz.js'

const PAID = readFileSync(
  new URL('../fixtures/football-data/match-440001-paid-own-goals.json', import.meta.url),
  'utf8',
)

/** The match in its second half: the clock comes from `minute`, or from `utcDate` and `now` without it. */
function live(): string {
  const body = JSON.parse(PAID)
  body.status = 'IN_PLAY'
  body.minute = 70
  body.injuryTime = null
  body.score.fullTime = { home: 2, away: 0 }
  body.goals = body.goals.slice(0, 2)
  body.bookings = body.bookings.slice(0, 1)
  body.substitutions = body.substitutions.slice(0, 1)
  body.penalties = []
  return JSON.stringify(body)
}

// The match as it is, as a shoot-out (see knockoutMatch) and live.
const BASES: Record<string, string> = {
  paid: PAID,
  knockout: JSON.stringify(knockoutMatch(PAID)),
  live: live(),
}
const NOW = Date.parse('2023-10-21T17:50:00Z')

const OPTIONS: FootballDataParseOptions = { now: NOW, onWarning: () => {} }
const parse = (match: unknown, previous?: unknown) => () => parseFootballDataMatch(match, previous, OPTIONS)

/** The damaged snapshot parsed alone, as the current snapshot after the original, or as the previous one. */
const MODES = ['alone', 'after original', 'as previous'] as const
type Mode = (typeof MODES)[number]
function parseAs(mode: Mode, damaged: unknown, original: string) {
  if (mode === 'alone') return parse(damaged)
  return mode === 'after original' ? parse(damaged, original) : parse(original, damaged)
}

// Words the parser branches on, so that replacements also reach the deeper paths.
const VOCABULARY = [
  ...Object.keys(FOOTBALL_DATA_STATUSES),
  ...Object.keys(FOOTBALL_DATA_GOAL_TYPES),
  ...Object.keys(FOOTBALL_DATA_CARDS),
  'REGULAR',
  'EXTRA_TIME',
  'PENALTY_SHOOTOUT',
  'HOME_TEAM',
  'own',
  'yellow',
  '90',
  '2023-10-21T16:30:00Z',
  '2023-10-22T08:20:24Z',
  '+275760-09-13T00:00:00.000Z',
  'a:b',
]

const junk = fuzzJunk(VOCABULARY, ['99999999999999999999', { home: 2, away: 2 }])

type Edit = KeyEdit & { base: string }

/** One key of one object (chosen by `sites`: a path pattern and the keys to try there) deleted or replaced. */
function edits(sites: readonly Site[]): fc.Arbitrary<Edit> {
  return fc.oneof(
    ...Object.entries(BASES).flatMap(([base, text]) =>
      sites.flatMap(([pattern, keys]) => {
        const paths = expand(JSON.parse(text), pattern)
        if (paths.length === 0) return []
        return keyEdits(paths, keys, junk).map((edit) => ({ base, ...edit }))
      }),
    ),
  )
}

const REF = ['id', 'name'] as const
const PAIR = ['home', 'away'] as const
const SITES: readonly Site[] = [
  [
    [],
    [
      'id',
      'utcDate',
      'status',
      'minute',
      'injuryTime',
      'lastUpdated',
      'homeTeam',
      'awayTeam',
      'score',
      'goals',
      'bookings',
      'substitutions',
      'penalties',
      'matches',
      'errorCode',
      'message',
    ],
  ],
  ...['homeTeam', 'awayTeam'].flatMap((team): Site[] => [
    [[team], ['id', 'name', 'lineup', 'bench', 'shortName']],
    [[team, 'lineup', '*'], REF],
    [[team, 'bench', '*'], REF],
  ]),
  [['score'], ['winner', 'duration', 'fullTime', 'halfTime', 'regularTime', 'extraTime', 'penalties']],
  [['score', '*'], PAIR],
  [
    ['goals', '*'],
    ['minute', 'injuryTime', 'type', 'team', 'scorer', 'assist', 'score'],
  ],
  [['goals', '*', 'team'], REF],
  [['goals', '*', 'scorer'], REF],
  [['goals', '*', 'assist'], REF],
  [['goals', '*', 'score'], PAIR],
  [
    ['bookings', '*'],
    ['minute', 'team', 'player', 'card'],
  ],
  [['bookings', '*', 'team'], REF],
  [['bookings', '*', 'player'], REF],
  [
    ['substitutions', '*'],
    ['minute', 'team', 'playerOut', 'playerIn'],
  ],
  [['substitutions', '*', 'team'], REF],
  [['substitutions', '*', 'playerOut'], REF],
  [['substitutions', '*', 'playerIn'], REF],
  [
    ['penalties', '*'],
    ['player', 'team', 'scored'],
  ],
  [['penalties', '*', 'team'], REF],
  [['penalties', '*', 'player'], REF],
]

describe('fuzz: parseFootballDataMatch gives valid MatchEvents or a ProviderPayloadError', () => {
  it('one key of a match deleted or replaced, at any level, alone or in a diff (1700 cases)', () => {
    const seen = { ok: 0, rejected: 0 }
    fc.assert(
      fc.property(edits(SITES), fc.constantFrom(...MODES), (edit, mode) => {
        const original = BASES[edit.base]!
        const result = fuzzOutcome(parseAs(mode, applyEdit(original, edit), original))
        if (result === 'ok' || result === 'rejected') seen[result]++
        expect(result).toMatch(/^(ok|rejected)$/)
      }),
      { numRuns: 1700 },
    )
    expect(seen.ok).toBeGreaterThan(550)
    expect(seen.rejected).toBeGreaterThan(550)
  })

  it('garbage in place of a whole goal, booking, substitution, kick or player (300 cases)', () => {
    const original = JSON.parse(BASES.knockout!)
    const places = [
      ...['goals', 'bookings', 'substitutions', 'penalties'].flatMap((list) => expand(original, [list, '*'])),
      ...expand(original, ['homeTeam', 'lineup', '*']),
      ...expand(original, ['awayTeam', 'bench', '*']),
    ]
    fc.assert(
      fc.property(fc.constantFrom(...places), fc.anything(), fc.constantFrom(...MODES), (at, value, mode) => {
        const body: unknown = JSON.parse(BASES.knockout!)
        node(body, at.slice(0, -1))[at.at(-1)!] = value
        expect(fuzzOutcome(parseAs(mode, body, BASES.knockout!))).toMatch(/^(ok|rejected)$/)
      }),
      { numRuns: 300 },
    )
  })

  it('garbage as the whole payload: any value, text, JSON text, bytes, envelopes (400 cases)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.uint8Array({ maxLength: 64 }),
          fc.record({ matches: fc.anything() }),
          fc.array(fc.anything(), { maxLength: 3 }),
          fc.record({ id: fc.integer(), status: fc.anything(), score: fc.anything() }),
          fc.record({ errorCode: fc.anything(), message: fc.anything() }, { requiredKeys: [] }),
        ),
        fc.constantFrom(...MODES),
        (payload, mode) => {
          expect(fuzzOutcome(parseAs(mode, payload, PAID))).toMatch(/^(ok|rejected)$/)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('truncated or corrupted JSON text and bytes (600 cases)', () => {
    // A replaced token is parsed alone; truncated text and overwritten bytes in every mode.
    checkCorruptedJson(PAID, (damaged, mode: Mode = 'alone') => parseAs(mode, damaged, PAID), {
      runs: { truncated: 150, tokens: 250, bytes: 200 },
      vocabulary: VOCABULARY,
      junk,
      modes: MODES,
    })
  })
})
