// Football-Data.org through the provider-conformance suite. Damage starts from the hand-written match (and a
// shoot-out and a live variant of it), parsed alone, diffed against the original, or as the previous snapshot.
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import {
  FOOTBALL_DATA_CARDS,
  FOOTBALL_DATA_GOAL_TYPES,
  FOOTBALL_DATA_STATUSES,
  type FootballDataParseOptions,
  parseFootballDataMatch,
} from '../../src/providers/football-data/index.js'
import { knockoutMatch } from '../helpers/football-data.js'
import { fuzzJunk, type Site } from '../helpers/fuzz.js'
import {
  describeProviderConformance,
  type ProviderDocument,
  sharedDocument,
} from '../helpers/provider-conformance.js'

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

const NOW = Date.parse('2023-10-21T17:50:00Z')
const OPTIONS: FootballDataParseOptions = { now: NOW, onWarning: () => {} }
const parse = (match: unknown, previous?: unknown) => parseFootballDataMatch(match, previous, OPTIONS)

// Keys an error body, a list envelope and a finished knockout match have, that the paid match lacks.
const SITES: readonly Site[] = [
  [[], ['matches', 'errorCode', 'message']],
  [['score'], ['regularTime', 'extraTime', 'penalties']],
]

/** A snapshot parsed alone, as the current one after the original, or as the previous one. */
function snapshot(name: string, text: string): ProviderDocument {
  return {
    name,
    text,
    format: 'json',
    parse: {
      alone: (match) => parse(match),
      'after the original': (match) => parse(match, text),
      'as the previous': (match) => parse(text, match),
    },
    sites: SITES,
    mix: { fields: { ok: 0.32, rejected: 0.28 } },
  }
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

const SHARED = [
  'v4_matches_330299_official-docs-example_paid-tier.json',
  'v4_competitions_CL_matches_status_FINISHED_free-tier_Elias-Martinelli-deng.json',
]

describeProviderConformance({
  name: 'parseFootballDataMatch',
  provider: 'football-data',
  documents: [
    snapshot('match-440001-paid-own-goals.json', PAID),
    snapshot('the paid match as a shoot-out', JSON.stringify(knockoutMatch(PAID))),
    snapshot('the paid match live', live()),
  ],
  shared: () =>
    SHARED.map((name) => sharedDocument(`football-data/${name}`, { alone: (match) => parse(match) })),
  runs: {
    garbage: 135,
    truncated: 50,
    bytes: 70,
    text: 85,
    fields: 600,
    items: 100,
    hostile: 30,
    stable: 25,
  },
  vocabulary: VOCABULARY,
  junk: fuzzJunk(VOCABULARY, ['99999999999999999999', { home: 2, away: 2 }]),
  garbage: [
    fc.record({ matches: fc.anything() }),
    fc.array(fc.anything(), { maxLength: 3 }),
    fc.record({ id: fc.integer(), status: fc.anything(), score: fc.anything() }),
    fc.record({ errorCode: fc.anything(), message: fc.anything() }, { requiredKeys: [] }),
  ],
})
