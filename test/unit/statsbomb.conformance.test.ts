// StatsBomb (events v8 with lineups v4) through the provider-conformance suite.
import fc from 'fast-check'
import { parseStatsBombEvents, STATSBOMB_EVENT_TYPES } from '../../src/providers/statsbomb/index.js'
import { fuzzJunk } from '../helpers/fuzz.js'
import {
  describeProviderConformance,
  fixtureDocument,
  sharedDocument,
} from '../helpers/provider-conformance.js'
import { readShared } from '../helpers/shared.js'

type Events = Parameters<typeof parseStatsBombEvents>[0]
type Lineups = NonNullable<Parameters<typeof parseStatsBombEvents>[1]['lineups']>
/** A lineups file as the option takes it: text, bytes or a parsed array; anything else as JSON text. */
const asLineups = (value: unknown): Lineups =>
  typeof value === 'string' || value instanceof Uint8Array || Array.isArray(value)
    ? value
    : (JSON.stringify(value) ?? String(value))
const withLineups = (matchId: string, lineups: string) => ({
  'with its lineups': (body: unknown) => parseStatsBombEvents(body as Events, { matchId, lineups }),
})

const lineups = fixtureDocument(
  'statsbomb/match_lineups.json',
  {
    'as the events’ lineups': (body) =>
      parseStatsBombEvents(events.text, { matchId: '9001', lineups: asLineups(body) }),
  },
  { runs: { fields: 100, items: 50 } },
)
const events = fixtureDocument('statsbomb/match_events.json', withLineups('9001', lineups.text), {
  // Keys of event types the fixture lacks, for the field edits.
  sites: [
    [
      ['*'],
      ['block', 'miscontrol', 'foul_won', 'injury_stoppage', 'counterpress', 'under_pressure', 'off_camera'],
    ],
  ],
  runs: { fields: 2500, items: 700 },
})

describeProviderConformance({
  name: 'parseStatsBombEvents',
  provider: 'statsbomb',
  documents: [events, lineups],
  shared: () =>
    ['statsbomb_event.json', 'issue_312/statsbomb_event.json'].map((file) =>
      sharedDocument(
        `statsbomb/${file}`,
        withLineups('m1', readShared(`fixtures/statsbomb/${file.replace('event', 'lineup')}`)),
      ),
    ),
  // A uuid repeated in a file is a revision: the next version (docs/providers/statsbomb.md, "Repeated uuids").
  repeatedIds: 'versioned',
  runs: { garbage: 200, truncated: 200, bytes: 300, text: 100, fields: 0, items: 0, hostile: 30, stable: 25 },
  vocabulary: [...Object.keys(STATSBOMB_EVENT_TYPES), 'Starting XI', '00:00:00.000', '00:47:32.053'],
  junk: fc.oneof(
    fuzzJunk(Object.keys(STATSBOMB_EVENT_TYPES), ['00:00:00.000', [120, 80], [60.5, 40.5, 2.4]]),
    fc.array(fc.oneof(fc.double(), fc.integer(), fc.string()), { maxLength: 4 }),
  ),
})
