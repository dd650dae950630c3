// The custom (integration guide) webhook format through the provider-conformance suite.
import { CUSTOM_EVENT_TYPES, parseCustomEvents } from '../../src/providers/custom/index.js'
import { describeProviderConformance, fixtureDocument } from '../helpers/provider-conformance.js'

describeProviderConformance({
  name: 'parseCustomEvents',
  provider: 'custom',
  documents: [
    fixtureDocument('custom/match-8841-guide-events.json', {
      defaults: (body) => parseCustomEvents(body),
      'StatsBomb pitch, raw kept': (body) =>
        parseCustomEvents(body, { pitch: 'statsbomb', includeRaw: true }),
    }),
  ],
  // The feed's event_id is the id: a re-delivery in one batch repeats it (docs/event-model.md).
  repeatedIds: 'as sent',
  runs: {
    garbage: 150,
    truncated: 100,
    bytes: 100,
    text: 150,
    fields: 500,
    items: 100,
    hostile: 60,
    stable: 50,
  },
  vocabulary: [
    ...Object.keys(CUSTOM_EVENT_TYPES),
    'home',
    'away',
    '8841',
    'c-3',
    '2026-11-24T16:23:41+01:00',
    'a:b',
  ],
})
