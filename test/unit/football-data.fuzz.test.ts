// Damaged Football-Data.org input gives valid MatchEvents or a ProviderPayloadError: never another error, a
// hang, or an event that fails MatchEventSchema. Mutations start from the hand-written match (and a
// shoot-out and a live variant of it), alone, diffed against the original, or as the previous snapshot.
import { readFileSync } from 'node:fs'
import vm from 'node:vm'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProviderPayloadError } from '../../src/errors.js'
import { MatchEventSchema } from '../../src/event/schema.js'
import {
  FOOTBALL_DATA_CARDS,
  FOOTBALL_DATA_GOAL_TYPES,
  FOOTBALL_DATA_STATUSES,
  type FootballDataParseOptions,
  parseFootballDataMatch,
} from '../../src/providers/football-data/index.js'

const PAID = readFileSync(
  new URL('../fixtures/football-data/match-440001-paid-own-goals.json', import.meta.url),
  'utf8',
)

type Json = Record<string, unknown>
type Path = readonly (string | number)[]

/** The match as a shoot-out (extra time, `penalties[]` with an in-game penalty in it). */
function knockout(): string {
  const body = JSON.parse(PAID)
  body.score = {
    winner: 'AWAY_TEAM',
    duration: 'PENALTY_SHOOTOUT',
    fullTime: { home: 4, away: 5 },
    halfTime: { home: 1, away: 0 },
    regularTime: { home: 1, away: 1 },
    extraTime: { home: 0, away: 0 },
    penalties: { home: 3, away: 4 },
  }
  body.goals = [body.goals[0], { ...body.goals[2], minute: 80, score: { home: 1, away: 1 } }]
  body.penalties = [
    { player: { id: 7004, name: 'Cole Palmer' }, team: { id: null, name: null }, scored: true },
    { player: { id: 7004, name: 'Cole Palmer' }, team: { id: 61, name: 'Chelsea FC' }, scored: false },
    { player: { id: 8003, name: 'Declan Rice' }, team: { id: null, name: null }, scored: true },
  ]
  return JSON.stringify(body)
}

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

const BASES: Record<string, string> = { paid: PAID, knockout: knockout(), live: live() }
const NOW = Date.parse('2023-10-21T17:50:00Z')

// A parse never legitimately takes this long (a whole match takes about a millisecond): past it, the
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

const OPTIONS: FootballDataParseOptions = { now: NOW, onWarning: () => {} }
const parse = (match: unknown, previous?: unknown) => () => parseFootballDataMatch(match, previous, OPTIONS)

/** The damaged snapshot parsed alone, as the current snapshot after the original, or as the previous one. */
const MODES = ['alone', 'after original', 'as previous'] as const
type Mode = (typeof MODES)[number]
function parseAs(mode: Mode, damaged: unknown, original: string) {
  if (mode === 'alone') return parse(damaged)
  return mode === 'after original' ? parse(damaged, original) : parse(original, damaged)
}

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
  fc.constantFrom<unknown>(
    1,
    121,
    1e15,
    -1e308,
    '0',
    '1.5',
    '99999999999999999999',
    [1, 2],
    { id: 1 },
    { home: 1, away: null },
    { home: 2, away: 2 },
  ),
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
type Edit = { base: string; at: Path; key: string; change: 'delete' | { set: unknown } }

/** One key of one object (chosen by `sites`: a path pattern and the keys to try there) deleted or replaced. */
function edits(sites: readonly Site[]): fc.Arbitrary<Edit> {
  return fc.oneof(
    ...Object.entries(BASES).flatMap(([base, text]) =>
      sites.flatMap(([pattern, keys]) => {
        const paths = expand(JSON.parse(text), pattern)
        if (paths.length === 0) return []
        return fc.record({
          base: fc.constant(base),
          at: fc.constantFrom(...paths),
          key: fc.constantFrom(...keys),
          change: fc.oneof(fc.constant('delete' as const), {
            weight: 4,
            arbitrary: junk.map((value) => ({ set: value })),
          }),
        })
      }),
    ),
  )
}

function applyEdit({ base, at, key, change }: Edit): unknown {
  const body: unknown = JSON.parse(BASES[base]!)
  const target = node(body, at)
  if (change === 'delete') Reflect.deleteProperty(target, key)
  else target[key] = change.set
  return body
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
        const result = outcome(parseAs(mode, applyEdit(edit), BASES[edit.base]!))
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
        expect(outcome(parseAs(mode, body, BASES.knockout!))).toMatch(/^(ok|rejected)$/)
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
          expect(outcome(parseAs(mode, payload, PAID))).toMatch(/^(ok|rejected)$/)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('truncated or corrupted JSON text and bytes (600 cases)', () => {
    fc.assert(
      fc.property(fc.nat({ max: PAID.length - 1 }), fc.constantFrom(...MODES), (cut, mode) => {
        expect(outcome(parseAs(mode, PAID.slice(0, cut), PAID))).toMatch(/^(ok|rejected)$/)
      }),
      { numRuns: 150 },
    )
    // A token (string or number) replaced by junk, quoted or not, or removed.
    const tokens = [...PAID.matchAll(/"[^"]*"|-?\d+(\.\d+)?|null|true|false/g)].map((m) => [
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
          const text = PAID.slice(0, a) + replacement + PAID.slice(b)
          expect(outcome(parse(text))).toMatch(/^(ok|rejected)$/)
        },
      ),
      { numRuns: 250 },
    )
    const bytes = new TextEncoder().encode(PAID)
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.constantFrom(...MODES),
        (changes, mode) => {
          const copy = bytes.slice()
          for (const [at, byte] of changes) copy[at] = byte
          expect(outcome(parseAs(mode, copy, PAID))).toMatch(/^(ok|rejected)$/)
        },
      ),
      { numRuns: 200 },
    )
  })
})
