// Opta F24 (with its F7) and Stats Perform MA3 (JSON and XML, with its MA1) through the provider-conformance
// suite. Damage starts from the valid hand-written fixtures, so most cases get past the first checks.
import fc from 'fast-check'
import { parseOptaF24, parseStatsPerformMA3 } from '../../src/providers/opta/index.js'
import { oddText, xmlRenamedElements } from '../helpers/fuzz.js'
import {
  attemptsOn,
  describeProviderConformance,
  fixtureDocument,
  type ProviderDocument,
  sharedDocument,
} from '../helpers/provider-conformance.js'
import { readShared } from '../helpers/shared.js'

/** A companion document as the options take it: text or bytes (an MA1 also parsed); anything else as JSON text. */
const asText = (value: unknown) =>
  typeof value === 'string' || value instanceof Uint8Array ? value : (JSON.stringify(value) ?? String(value))
const asMA1 = (value: unknown) =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : asText(value)

// Each parsed alone or with its companion; a companion damaged is parsed with the valid feed.
const f7 = fixtureDocument(
  'opta/f7-small.xml',
  { "as the F24's F7": (f7) => parseOptaF24(f24.text, { f7: asText(f7) }) },
  { runs: { text: 300 } },
)
const f24 = fixtureDocument(
  'opta/f24-small.xml',
  {
    alone: (xml) => parseOptaF24(xml as string),
    'with its F7': (xml) => parseOptaF24(xml as string, { f7: f7.text }),
  },
  { runs: { text: 1500 }, mix: { text: { ok: 100 / 1500, rejected: 300 / 1500 } } },
)

const ma1 = fixtureDocument(
  'opta/ma1-small.json',
  { "as the MA3's MA1": (ma1) => parseStatsPerformMA3(ma3Json.text, { ma1: asMA1(ma1) }) },
  { runs: { text: 100, fields: 100 } },
)
const ma3Json = fixtureDocument(
  'opta/ma3-small.json',
  {
    alone: (json) => parseStatsPerformMA3(json as string),
    'with its MA1': (json) => parseStatsPerformMA3(json as string, { ma1: ma1.text }),
  },
  { runs: { text: 500 } },
)
const ma3Xml = fixtureDocument(
  'opta/ma3-small.xml',
  { alone: (xml) => parseStatsPerformMA3(xml as string) },
  { runs: { text: 500 } },
)

/** Cases of an element of `tags` renamed (to another element, or a near miss), parsed alone. */
const renamed = (document: ProviderDocument, tags: readonly string[]) =>
  xmlRenamedElements(document.text, tags, ['X', 'Events', 'q', 'Event', 'Q']).chain((xml) =>
    xml === null
      ? fc.constant(null)
      : attemptsOn({ ...document, parse: { alone: document.parse.alone! } }, fc.constant(xml)),
  )

describeProviderConformance({
  name: 'parseOptaF24',
  provider: 'opta',
  documents: [f24, f7],
  shared: () =>
    [
      // kloppy's hand-edited samples carry no match id.
      ['opta/f24-23-2018-1009316-eventdetails.xml', 'opta/f7-23-2018-1009316-matchresults.xml'],
      ['opta/opta_f24.xml', 'opta/opta_f7.xml', 'kloppy-opta'],
      ['opta/issue_60/opta_f24.xml', 'opta/issue_60/opta_f7.xml', 'kloppy-issue-60'],
    ].map(([events, f7, matchId]) => {
      const companion = readShared(`fixtures/${f7}`)
      return sharedDocument(events!, {
        'with its F7': (xml) => parseOptaF24(xml as string, { f7: companion, matchId }),
      })
    }),
  // Opta's own ids: an edit or a deletion comes again with the same id (docs/providers/opta.md).
  repeatedIds: 'as sent',
  runs: { garbage: 75, truncated: 75, bytes: 75, text: 300, fields: 0, items: 0, hostile: 30, stable: 25 },
  seed: 20240601,
  properties: [
    {
      name: 'a renamed Event or Q element is refused, never skipped',
      runs: 200,
      attempts: renamed(f24, ['Event', 'Q']),
      rejected: true,
    },
  ],
})

/** A parsed MA3 with a field of one event deleted, replaced or retyped, and maybe one of one of its qualifiers. */
const ma3Mutation = fc
  .tuple(
    fc.integer({ min: 0, max: 13 }),
    fc.constantFrom(
      'id',
      'eventId',
      'typeId',
      'periodId',
      'timeMin',
      'timeSec',
      'contestantId',
      'playerId',
      'outcome',
      'x',
      'y',
      'timeStamp',
      'lastModified',
      'qualifier',
      'playerName',
    ),
    fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      oddText,
      fc.double(),
      fc.integer(),
      fc.constant([]),
      fc.constant({}),
    ),
    fc.option(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom('qualifierId', 'value'), oddText)),
  )
  .map(([index, key, value, q]) => {
    const body = JSON.parse(ma3Json.text) as { liveData: { event: Record<string, unknown>[] } }
    const event = body.liveData.event[index]!
    if (value === undefined) delete event[key]
    else event[key] = value
    const qualifiers = event.qualifier
    if (q !== null && Array.isArray(qualifiers) && qualifiers.length > 0) {
      const [k, field, v] = q
      ;(qualifiers[k % qualifiers.length] as Record<string, unknown>)[field] = v
    }
    return body
  })

const ma1Of = (file: string) => readShared(`fixtures/statsperform/${file}`)

describeProviderConformance({
  name: 'parseStatsPerformMA3',
  provider: 'statsperform',
  documents: [ma3Json, ma3Xml, ma1],
  shared: () => [
    sharedDocument('statsperform/statsperform_event_ma3.json', {
      'with its MA1': (json) =>
        parseStatsPerformMA3(json as string, { ma1: ma1Of('statsperform_event_ma1.json') }),
    }),
    sharedDocument('statsperform/statsperform_event_ma3.xml', {
      'with its MA1': (xml) =>
        parseStatsPerformMA3(xml as string, { ma1: ma1Of('statsperform_event_ma1.xml') }),
    }),
  ],
  // Stats Perform's own ids, as Opta's.
  repeatedIds: 'as sent',
  runs: { garbage: 75, truncated: 60, bytes: 60, text: 300, fields: 200, items: 75, hostile: 30, stable: 25 },
  seed: 20240603,
  properties: [
    {
      name: 'one field of one MA3 event, and of one of its qualifiers, deleted, replaced or retyped',
      runs: 700,
      attempts: attemptsOn({ ...ma3Json, parse: { alone: ma3Json.parse.alone! } }, ma3Mutation),
      mix: { ok: 50 / 700, rejected: 100 / 700 },
    },
    {
      name: 'a renamed event or qualifier element is refused, never skipped',
      runs: 200,
      attempts: renamed(ma3Xml, ['event', 'qualifier']),
      rejected: true,
    },
  ],
})
