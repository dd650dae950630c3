// API-Football through the provider-conformance suite. Damage starts from the hand-written fixtures, so most
// cases get past the first checks and reach the mapping, the VAR, score and lineup passes.
import fc from 'fast-check'
import {
  API_FOOTBALL_EVENT_TYPES,
  API_FOOTBALL_STATUSES,
  type ApiFootballParseOptions,
  parseApiFootballFixture,
} from '../../src/providers/api-football/index.js'
import {
  describeProviderConformance,
  fixtureDocument,
  sharedDocument,
} from '../helpers/provider-conformance.js'

const OPTIONS: ApiFootballParseOptions = { onWarning: () => {} }
const TEAMS = { home: { id: '546', name: 'Getafe' }, away: { id: '529' } }
const parse = (options: ApiFootballParseOptions) => (payload: unknown) =>
  parseApiFootballFixture(payload, { ...OPTIONS, ...options })

// A fixtures response, or a fixtures/events one alone, with the teams, or with the fixture id and the teams.
const FIXTURE_WAYS = { defaults: parse({}) }
const EVENTS_WAYS = {
  alone: parse({}),
  'with teams': parse({ teams: TEAMS }),
  'with fixtureId and teams': parse({ fixtureId: '1', teams: TEAMS }),
}

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

const SHARED = [
  'fixtures_events_215662_official-docs-example.json',
  'fixtures_id_1145511_tz_seoul_var_footballay.json',
  'fixtures_id_1208397_FT_footballay.json',
  'fixtures_live_all_2024-02-21_live-fut.json',
  'syurchen93_fixture-events.json',
  'syurchen93_fixtures-cl-penalties.json',
]

describeProviderConformance({
  name: 'parseApiFootballFixture',
  provider: 'api-football',
  documents: [
    fixtureDocument('api-football/fixture-900001-own-goal-var.json', FIXTURE_WAYS, {
      // A fixture item in place of the envelope; the query of a fixtures/events response.
      sites: [
        [[], ['fixture', 'teams']],
        [['parameters'], ['fixture']],
      ],
      runs: { fields: 1600 },
      mix: { fields: { ok: 500 / 1600, rejected: 500 / 1600 } },
    }),
    fixtureDocument('api-football/fixtures-events-900001.json', EVENTS_WAYS, {
      sites: [
        [[], ['fixture']],
        [['parameters'], ['id']],
      ],
    }),
  ],
  shared: () => SHARED.map((name) => sharedDocument(`api-football/${name}`, FIXTURE_WAYS)),
  runs: {
    garbage: 300,
    truncated: 75,
    bytes: 100,
    text: 100,
    fields: 300,
    items: 125,
    hostile: 30,
    stable: 25,
  },
  vocabulary: VOCABULARY,
  garbage: [
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
  ],
})
