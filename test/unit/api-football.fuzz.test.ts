// Damaged API-Football input gives valid MatchEvents or a ProviderPayloadError: never another error, a
// hang, or an event that fails MatchEventSchema. Mutations start from the hand-written fixtures, so most
// cases get past the first checks and reach the mapping, the VAR, score and lineup passes.
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  API_FOOTBALL_EVENT_TYPES,
  API_FOOTBALL_STATUSES,
  type ApiFootballParseOptions,
  parseApiFootballFixture,
} from '../../src/providers/api-football/index.js'
import {
  applyEdit,
  checkCorruptedJson,
  expand,
  fuzzJunk,
  fuzzOutcome,
  type KeyEdit,
  keyEdits,
  node,
  type Path,
  type Site,
} from '../helpers/fuzz.js'

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/api-football/${name}`, import.meta.url), 'utf8')
const FIXTURE = fixture('fixture-900001-own-goal-var.json')
const EVENTS = fixture('fixtures-events-900001.json')
const FIXTURE_RAW: unknown = JSON.parse(FIXTURE)
const EVENTS_RAW: unknown = JSON.parse(EVENTS)

const OPTIONS: ApiFootballParseOptions = { onWarning: () => {} }
const TEAMS = { home: { id: '546', name: 'Getafe' }, away: { id: '529' } }
const parse =
  (payload: unknown, options: ApiFootballParseOptions = OPTIONS) =>
  () =>
    parseApiFootballFixture(payload, options)

// Words the parser branches on, so that replacements also reach the deeper paths.
const VOCABULARY = [
  ...Object.keys(API_FOOTBALL_STATUSES),
  ...Object.keys(API_FOOTBALL_EVENT_TYPES).flatMap((type) => [
    type,
    ...Object.keys(API_FOOTBALL_EVENT_TYPES[type as keyof typeof API_FOOTBALL_EVENT_TYPES]),
  ]),
  'Goal',
  'Card',
  'subst',
  'Var',
  'Own Goal',
  'Missed Penalty',
  'Substitution 3',
  'Substitution',
  'Penalty Shootout',
  'fixtures',
  'fixtures/events',
  '/fixtures/events',
  'standings',
  '546',
  '529',
  '900001',
  'a:b',
]

const junk = fuzzJunk(VOCABULARY)

/** One key of one object (chosen by `sites`: a path pattern and the keys to try there) deleted or replaced. */
function edits(root: unknown, sites: readonly Site[]): fc.Arbitrary<KeyEdit> {
  return fc.oneof(
    ...sites.map(([pattern, keys]) => {
      const paths = expand(root, pattern)
      if (paths.length === 0) throw new Error(`no ${pattern.join('.')} in the fixture`)
      return keyEdits(paths, keys, junk)
    }),
  )
}

const REF = ['id', 'name']
const eventSites = (events: Path): Site[] => [
  [
    [...events, '*'],
    ['time', 'team', 'player', 'assist', 'type', 'detail', 'comments'],
  ],
  [
    [...events, '*', 'time'],
    ['elapsed', 'extra'],
  ],
  [
    [...events, '*', 'team'],
    [...REF, 'logo'],
  ],
  [[...events, '*', 'player'], REF],
  [[...events, '*', 'assist'], REF],
]

const item = ['response', 0]
const FIXTURE_SITES: readonly Site[] = [
  [[], ['get', 'parameters', 'errors', 'response', 'results', 'fixture', 'teams']],
  [['parameters'], ['id', 'fixture']],
  [item, ['fixture', 'league', 'teams', 'goals', 'score', 'events', 'lineups']],
  [
    [...item, 'fixture'],
    ['id', 'date', 'timestamp', 'periods', 'status', 'referee', 'venue'],
  ],
  [
    [...item, 'fixture', 'periods'],
    ['first', 'second'],
  ],
  [
    [...item, 'fixture', 'status'],
    ['long', 'short', 'elapsed', 'extra'],
  ],
  [
    [...item, 'teams'],
    ['home', 'away'],
  ],
  [
    [...item, 'teams', '*'],
    ['id', 'name', 'winner'],
  ],
  [
    [...item, 'goals'],
    ['home', 'away'],
  ],
  [
    [...item, 'score'],
    ['halftime', 'fulltime', 'extratime', 'penalty'],
  ],
  [
    [...item, 'score', '*'],
    ['home', 'away'],
  ],
  ...eventSites([...item, 'events']),
  [
    [...item, 'lineups', '*'],
    ['team', 'formation', 'startXI', 'substitutes', 'coach'],
  ],
  [[...item, 'lineups', '*', 'team'], REF],
  [[...item, 'lineups', '*', 'startXI', '*'], ['player']],
  [[...item, 'lineups', '*', 'substitutes', '*'], ['player']],
  [[...item, 'lineups', '*', 'startXI', '*', 'player'], REF],
]

const EVENTS_SITES: readonly Site[] = [
  [[], ['get', 'parameters', 'errors', 'response', 'fixture']],
  [['parameters'], ['fixture', 'id']],
  ...eventSites(['response']),
]

describe('fuzz: parseApiFootballFixture gives valid MatchEvents or a ProviderPayloadError', () => {
  it('one key of a fixtures response deleted or replaced, at any level (1600 cases)', () => {
    const seen = { ok: 0, rejected: 0 }
    fc.assert(
      fc.property(edits(FIXTURE_RAW, FIXTURE_SITES), (edit) => {
        const result = fuzzOutcome(parse(applyEdit(FIXTURE, edit)))
        if (result === 'ok' || result === 'rejected') seen[result]++
        expect(result).toMatch(/^(ok|rejected)$/)
      }),
      { numRuns: 1600 },
    )
    expect(seen.ok).toBeGreaterThan(500)
    expect(seen.rejected).toBeGreaterThan(500)
  })

  it('one key of a fixtures/events response deleted or replaced, with and without teams (300 cases)', () => {
    fc.assert(
      fc.property(edits(EVENTS_RAW, EVENTS_SITES), fc.boolean(), (edit, withTeams) => {
        const options = withTeams ? { ...OPTIONS, teams: TEAMS } : OPTIONS
        expect(fuzzOutcome(parse(applyEdit(EVENTS, edit), options))).toMatch(/^(ok|rejected)$/)
      }),
      { numRuns: 300 },
    )
  })

  it('garbage in place of a whole event, lineup or fixture item (250 cases)', () => {
    const places = [
      ...expand(FIXTURE_RAW, [...item, 'events', '*']),
      ...expand(FIXTURE_RAW, [...item, 'lineups', '*']),
      ...expand(FIXTURE_RAW, [...item, 'lineups', '*', 'startXI', '*']),
      item,
    ]
    fc.assert(
      fc.property(fc.constantFrom(...places), fc.anything(), (at, value) => {
        const body: unknown = JSON.parse(FIXTURE)
        node(body, at.slice(0, -1))[at.at(-1)!] = value
        expect(fuzzOutcome(parse(body))).toMatch(/^(ok|rejected)$/)
      }),
      { numRuns: 150 },
    )
    fc.assert(
      fc.property(fc.nat({ max: 2 }), fc.anything(), (index, value) => {
        const body = JSON.parse(EVENTS) as { response: unknown[] }
        body.response[index] = value
        expect(fuzzOutcome(parse(body))).toMatch(/^(ok|rejected)$/)
      }),
      { numRuns: 100 },
    )
  })

  it('garbage as the whole payload: any value, text, JSON text, bytes (300 cases)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.uint8Array({ maxLength: 64 }),
          fc.record(
            {
              get: fc.constantFrom('fixtures', 'fixtures/events', 'teams'),
              errors: fc.oneof(fc.anything(), fc.dictionary(fc.string(), fc.anything())),
              response: fc.anything(),
            },
            { requiredKeys: [] },
          ),
          fc.record({ fixture: fc.anything(), teams: fc.anything(), events: fc.anything() }),
          fc.array(fc.record({ fixture: fc.anything() }), { maxLength: 3 }),
        ),
        (payload) => {
          expect(fuzzOutcome(parse(payload))).toMatch(/^(ok|rejected)$/)
          expect(fuzzOutcome(parse(payload, { ...OPTIONS, fixtureId: '1', teams: TEAMS }))).toMatch(
            /^(ok|rejected)$/,
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('truncated or corrupted JSON text and bytes (550 cases)', () => {
    checkCorruptedJson(FIXTURE, (damaged) => parse(damaged), {
      runs: { truncated: 150, tokens: 200, bytes: 200 },
      vocabulary: VOCABULARY,
      junk,
      alsoTruncate: [EVENTS],
    })
  })
})
