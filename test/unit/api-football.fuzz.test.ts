// Damaged API-Football input gives valid MatchEvents or a ProviderPayloadError: never another error, a
// hang, or an event that fails MatchEventSchema. Mutations start from the hand-written fixtures, so most
// cases get past the first checks and reach the mapping, the VAR, score and lineup passes.
import { readFileSync } from 'node:fs'
import vm from 'node:vm'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProviderPayloadError } from '../../src/errors.js'
import { MatchEventSchema } from '../../src/event/schema.js'
import {
  API_FOOTBALL_EVENT_TYPES,
  API_FOOTBALL_STATUSES,
  type ApiFootballParseOptions,
  parseApiFootballFixture,
} from '../../src/providers/api-football/index.js'

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/api-football/${name}`, import.meta.url), 'utf8')
const FIXTURE = fixture('fixture-900001-own-goal-var.json')
const EVENTS = fixture('fixtures-events-900001.json')
const FIXTURE_RAW: unknown = JSON.parse(FIXTURE)
const EVENTS_RAW: unknown = JSON.parse(EVENTS)

type Json = Record<string, unknown>
type Path = readonly (string | number)[]

// A parse never legitimately takes this long (a whole fixture takes about a millisecond): past it, the
// case is reported as a hang instead of blocking the suite. The vm timeout interrupts synchronous code.
const HANG_MS = 250
const sandbox = vm.createContext({ run: (): unknown => undefined })
const runInSandbox = new vm.Script('run()')

/** 'ok' (every event valid), 'rejected' (a ProviderPayloadError), or what went wrong, for the report. */
function outcome(parse: () => unknown): string {
  let events: unknown
  sandbox.run = parse
  try {
    events = runInSandbox.runInContext(sandbox, { timeout: HANG_MS })
  } catch (error) {
    if (error instanceof ProviderPayloadError) return 'rejected'
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      return `hung: no answer within ${HANG_MS} ms`
    }
    const where = String((error as Error).stack ?? '')
      .split('\n')
      .find((line) => line.includes('/src/'))
    return `crashed: ${String(error)}${where ? ` ${where.trim()}` : ''}`
  }
  if (!Array.isArray(events)) return `not an array: ${String(events)}`
  for (const event of events) {
    const checked = MatchEventSchema.safeParse(event)
    if (!checked.success) {
      const issue = checked.error.issues[0]!
      return `invalid event (${issue.path.join('.')}: ${issue.message}): ${JSON.stringify(event)}`
    }
  }
  return 'ok'
}

const OPTIONS: ApiFootballParseOptions = { onWarning: () => {} }
const TEAMS = { home: { id: '546', name: 'Getafe' }, away: { id: '529' } }
const parse =
  (payload: unknown, options: ApiFootballParseOptions = OPTIONS) =>
  () =>
    parseApiFootballFixture(payload, options)

/** The paths to objects in `root` that match `pattern`; '*' stands for every index or key. */
function expand(root: unknown, pattern: Path): Path[] {
  if (root === null || typeof root !== 'object') return []
  if (pattern.length === 0) return [[]]
  const [head, ...rest] = pattern
  const heads = head !== '*' ? [head!] : Array.isArray(root) ? root.map((_, i) => i) : Object.keys(root)
  return heads.flatMap((h) => expand((root as Json)[h], rest).map((p) => [h, ...p]))
}

const node = (root: unknown, path: Path) => path.reduce<unknown>((n, k) => (n as Json)[k], root) as Json

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

// Boundary values, drawn half of the time: empty ids, negative, fractional and huge numbers, wrong types.
const EDGES: unknown[] = [
  null,
  -1,
  0,
  1.5,
  1e308,
  2147483647,
  Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  '-1',
  true,
  [],
  {},
  { id: '' },
  { id: null, name: null },
  { id: -3, name: 'x' },
]

const junk = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGES) },
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(...VOCABULARY),
  fc.constantFrom<unknown>(1, 121, 1e15, -1e308, '0', '1.5', [1, 2], { id: 1 }, { home: 1, away: null }),
  fc.record(
    {
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null)),
      name: fc.option(fc.string({ maxLength: 6 })),
    },
    { requiredKeys: [] },
  ),
)

/** A path pattern ('*' for every index or key) and the keys to try in the objects it reaches. */
type Site = readonly [Path, readonly string[]]
type Edit = { at: Path; key: string; change: 'delete' | { set: unknown } }

/** One key of one object (chosen by `sites`: a path pattern and the keys to try there) deleted or replaced. */
function edits(root: unknown, sites: readonly Site[]): fc.Arbitrary<Edit> {
  return fc.oneof(
    ...sites.map(([pattern, keys]) => {
      const paths = expand(root, pattern)
      if (paths.length === 0) throw new Error(`no ${pattern.join('.')} in the fixture`)
      return fc.record({
        at: fc.constantFrom(...paths),
        key: fc.constantFrom(...keys),
        change: fc.oneof(fc.constant('delete' as const), {
          weight: 4,
          arbitrary: junk.map((value) => ({ set: value })),
        }),
      })
    }),
  )
}

function applyEdit(text: string, { at, key, change }: Edit): unknown {
  const body: unknown = JSON.parse(text)
  const target = node(body, at)
  if (change === 'delete') Reflect.deleteProperty(target, key)
  else target[key] = change.set
  return body
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
        const result = outcome(parse(applyEdit(FIXTURE, edit)))
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
        expect(outcome(parse(applyEdit(EVENTS, edit), options))).toMatch(/^(ok|rejected)$/)
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
        expect(outcome(parse(body))).toMatch(/^(ok|rejected)$/)
      }),
      { numRuns: 150 },
    )
    fc.assert(
      fc.property(fc.nat({ max: 2 }), fc.anything(), (index, value) => {
        const body = JSON.parse(EVENTS) as { response: unknown[] }
        body.response[index] = value
        expect(outcome(parse(body))).toMatch(/^(ok|rejected)$/)
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
          expect(outcome(parse(payload))).toMatch(/^(ok|rejected)$/)
          expect(outcome(parse(payload, { ...OPTIONS, fixtureId: '1', teams: TEAMS }))).toMatch(
            /^(ok|rejected)$/,
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('truncated or corrupted JSON text and bytes (550 cases)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), (events, n) => {
        const text = events ? EVENTS : FIXTURE
        expect(outcome(parse(text.slice(0, n % text.length)))).toMatch(/^(ok|rejected)$/)
      }),
      { numRuns: 150 },
    )
    // A token (string or number) replaced by junk, quoted or not, or removed.
    const tokens = [...FIXTURE.matchAll(/"[^"]*"|-?\d+(\.\d+)?|null|true|false/g)].map((m) => [
      m.index,
      m.index + m[0].length,
    ])
    fc.assert(
      fc.property(
        fc.constantFrom(...tokens),
        fc.oneof(
          fc.string({ maxLength: 6 }),
          fc.constantFrom(...VOCABULARY),
          junk.map((v) => JSON.stringify(v) ?? ''),
        ),
        fc.constantFrom('quoted', 'bare', 'removed'),
        ([a, b], value, how) => {
          const replacement = how === 'quoted' ? JSON.stringify(value) : how === 'bare' ? value : ''
          const text = FIXTURE.slice(0, a) + replacement + FIXTURE.slice(b)
          expect(outcome(parse(text))).toMatch(/^(ok|rejected)$/)
        },
      ),
      { numRuns: 200 },
    )
    const bytes = new TextEncoder().encode(FIXTURE)
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (changes) => {
          const copy = bytes.slice()
          for (const [at, byte] of changes) copy[at] = byte
          expect(outcome(parse(copy))).toMatch(/^(ok|rejected)$/)
        },
      ),
      { numRuns: 200 },
    )
  })
})
