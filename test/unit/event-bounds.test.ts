import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { MatchfeedError, ProviderPayloadError } from '../../src/errors.js'
import { formatPath, rawProblem } from '../../src/event/bounds.js'
import { RAW_MAX_DEPTH, RAW_MAX_JSON_LENGTH } from '../../src/event/limits.js'
import { type AnyMatchEvent, type MatchEvent, MatchEventSchema } from '../../src/event/schema.js'
import { InvalidMatchEventError, validateMatchEvents } from '../../src/event/validate.js'
import { parseApiFootballFixture } from '../../src/providers/api-football/index.js'
import { parseCustomEvents } from '../../src/providers/custom/index.js'
import { parseFootballDataMatch } from '../../src/providers/football-data/index.js'
import { parseStatsPerformMA3 } from '../../src/providers/opta/index.js'
import { parseStatsBombEvents } from '../../src/providers/statsbomb/index.js'
import { createHttpStreamSource, matchEventFrames } from '../../src/providers/websocket/index.js'
import { makeEvent } from '../helpers/events.js'

const fixtureJson = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as T

const NUL = 'a\u0000b'
const HIGH = 'a\ud800b' // a lone high surrogate
const LOW = 'a\udc00b' // a lone low surrogate
const EMOJI = 'a😀b' // a surrogate pair: well-formed
const NUL_REASON = /NUL character \(\\u0000\), which Postgres cannot store/
const SURROGATE_REASON = /lone surrogate/

/** An event with `fields` changed, and its id composed again from the parts. */
function event(fields: Partial<AnyMatchEvent> = {}): MatchEvent {
  const e = { ...makeEvent(), ...fields } as MatchEvent
  e.id = `${e.provider}:${e.matchId}:${e.providerEventId}`
  return e
}

/** What validateMatchEvents says about `e` at index 3 of a batch of good events: undefined when accepted. */
function verdict(e: MatchEvent): { field: string; reason: string } | undefined {
  const batch = [event({ providerEventId: 'g0' }), event({ providerEventId: 'g1' }), event(), e]
  try {
    validateMatchEvents(batch)
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMatchEventError)
    const { field, reason, message } = error as InvalidMatchEventError
    expect(message).toContain(`events[3].${field}`)
    return { field, reason }
  }
}

/** validateMatchEvents and MatchEventSchema agree: both accept, or both name the same field and reason. */
function expectAgreement(e: MatchEvent): { field: string; reason: string } | undefined {
  const found = verdict(e)
  const parsed = MatchEventSchema.safeParse(e)
  expect(parsed.success).toBe(found === undefined)
  if (!parsed.success && found) {
    const issue = parsed.error.issues[0]!
    expect(formatPath(issue.path as (string | number)[])).toBe(found.field)
    expect(issue.message).toBe(found.reason)
  }
  return found
}

const accepted = (e: MatchEvent) => expect(expectAgreement(e)).toBeUndefined()
const refused = (e: MatchEvent, field: string, reason: RegExp) => {
  const found = expectAgreement(e)
  expect(found?.field).toBe(field)
  expect(found?.reason).toMatch(reason)
}

const ascii = (n: number) => 'x'.repeat(n)
const INT4 = 2 ** 31 - 1 // the documented bounds, as numbers: a change of bound is a change of these tests
const TOO_LONG = /longer than/

describe('MatchEvent bounds: each at the edge and one past it', () => {
  it('are exported from matchfeed as documented (docs/event-model.md, "Bounds")', async () => {
    const matchfeed = (await import('../../src/index.js')) as unknown as Record<string, number>
    const limits = await import('../../src/event/limits.js')
    const names = Object.keys(limits)
    expect(Object.fromEntries(names.map((name) => [name, matchfeed[name]]))).toEqual({
      PROVIDER_NAME_MAX_LENGTH: 64,
      MATCH_ID_MAX_LENGTH: 128,
      PROVIDER_EVENT_ID_MAX_LENGTH: 256,
      EVENT_ID_MAX_LENGTH: 450,
      REF_ID_MAX_LENGTH: 128,
      NAME_MAX_LENGTH: 256,
      PROVIDER_TYPE_MAX_LENGTH: 128,
      INT4_MAX: 2 ** 31 - 1,
      TIMESTAMP_MAX_LENGTH: 30,
      RAW_MAX_DEPTH: 64,
      RAW_MAX_JSON_LENGTH: 262_144,
      TIMESTAMP_MIN_MS: Date.parse('0001-01-01T00:00:00.000Z'),
      TIMESTAMP_MAX_MS: Date.parse('9999-12-31T23:59:59.999Z'),
    })
  })

  it('provider: 64 characters', () => {
    accepted(event({ provider: ascii(64) }))
    refused(event({ provider: ascii(65) }), 'provider', TOO_LONG)
  })

  it('matchId: 128; providerEventId: 256; id: their sum + 2 = 450', () => {
    accepted(event({ matchId: ascii(128) }))
    refused(event({ matchId: ascii(129) }), 'matchId', /longer than 128/)
    accepted(event({ providerEventId: ascii(256) }))
    refused(event({ providerEventId: ascii(257) }), 'providerEventId', /longer than 256/)
    const longest = event({
      provider: ascii(64),
      matchId: ascii(128),
      providerEventId: ascii(256),
    })
    expect(longest.id).toHaveLength(450)
    accepted(longest)
  })

  it('team, player and relatedPlayer: ids 128, names 256', () => {
    for (const field of ['team', 'player', 'relatedPlayer'] as const) {
      accepted(event({ [field]: { id: ascii(128), name: ascii(256) } }))
      refused(event({ [field]: { id: ascii(129) } }), `${field}.id`, /longer than 128/)
      refused(event({ [field]: { id: 'p1', name: ascii(257) } }), `${field}.name`, /longer than 256/)
    }
  })

  it('providerType: 128', () => {
    accepted(event({ providerType: ascii(128) }))
    refused(event({ providerType: ascii(129) }), 'providerType', TOO_LONG)
  })

  it('minute and addedTime: int4, 2^31 - 1', () => {
    accepted(event({ minute: INT4, addedTime: INT4 }))
    refused(event({ minute: 2 ** 31 }), 'minute', /larger than 2147483647.*int4/)
    refused(event({ addedTime: 2 ** 31 }), 'addedTime', /larger than 2147483647/)
    refused(event({ minute: Number.MAX_SAFE_INTEGER }), 'minute', /larger than/)
  })

  it('timestamp: years 0001 to 9999, at most 30 characters (nanoseconds)', () => {
    accepted(event({ timestamp: '0001-01-01T00:00:00Z' }))
    refused(event({ timestamp: '0000-01-01T00:00:00Z' }), 'timestamp', /year 0000/)
    refused(event({ timestamp: '0000-02-29T12:00:00.5Z' }), 'timestamp', /year 0000/)
    const nanos = '9999-12-31T23:59:59.999999999Z'
    expect(nanos).toHaveLength(30)
    accepted(event({ timestamp: nanos }))
    refused(event({ timestamp: '9999-12-31T23:59:59.9999999999Z' }), 'timestamp', /longer than 30/)
  })

  it('refuses a NUL or a lone surrogate in every string field, naming it; accepts surrogate pairs', () => {
    const cases: [string, (text: string) => Partial<MatchEvent>][] = [
      ['matchId', (t) => ({ matchId: t })],
      ['providerEventId', (t) => ({ providerEventId: t })],
      ['providerType', (t) => ({ providerType: t })],
      ['team.id', (t) => ({ team: { id: t } })],
      ['team.name', (t) => ({ team: { id: 't1', name: t } })],
      ['player.id', (t) => ({ player: { id: t } })],
      ['player.name', (t) => ({ player: { id: 'p1', name: t } })],
      ['relatedPlayer.id', (t) => ({ relatedPlayer: { id: t } })],
      ['relatedPlayer.name', (t) => ({ relatedPlayer: { id: 'p2', name: t } })],
    ]
    for (const [field, fields] of cases) {
      refused(event(fields(NUL)), field, NUL_REASON)
      refused(event(fields(HIGH)), field, SURROGATE_REASON)
      refused(event(fields(LOW)), field, SURROGATE_REASON)
      refused(event(fields('\udc00\ud800')), field, SURROGATE_REASON) // a pair the wrong way round
      accepted(event(fields(EMOJI)))
      accepted(event(fields('\u202eRTL "quoted" \\ back\'slash\n')))
    }
  })

  it('checks a string again after another one in between (the cache of recent strings is per field)', () => {
    const batch = [
      event({ providerEventId: 'a', matchId: 'm1' }),
      event({ providerEventId: 'b', matchId: 'm\u0000' }),
    ]
    expect(() => validateMatchEvents(batch)).toThrow(/events\[1\]\.matchId: contains a NUL/)
    expect(() => validateMatchEvents([event({ team: { id: 't1', name: NUL } })])).toThrow(/team\.name/)
  })
})

describe('MatchEvent bounds: raw', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 1
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value }
    return value
  }

  it(`nests at most ${RAW_MAX_DEPTH} arrays / objects deep; deeper (or a cycle) is refused without overflowing`, () => {
    accepted(event({ raw: nested(RAW_MAX_DEPTH) }))
    const deep = event({ raw: nested(RAW_MAX_DEPTH + 1) })
    expect(expectAgreement(deep)?.reason).toMatch(/nested deeper than 64 levels/)
    expect(expectAgreement(event({ raw: nested(100_000) }))?.reason).toMatch(/deeper than 64/)
    const cycle: Record<string, unknown> = { a: 1 }
    cycle.self = cycle
    expect(expectAgreement(event({ raw: cycle }))?.reason).toMatch(/deeper than 64/)
  })

  it(`is at most ${RAW_MAX_JSON_LENGTH} characters as JSON, counted exactly at the edge`, () => {
    const sized = (n: number) => ({ text: 'é'.repeat(n - '{"text":""}'.length) })
    expect(JSON.stringify(sized(RAW_MAX_JSON_LENGTH))).toHaveLength(RAW_MAX_JSON_LENGTH)
    accepted(event({ raw: sized(RAW_MAX_JSON_LENGTH) }))
    refused(event({ raw: sized(RAW_MAX_JSON_LENGTH + 1) }), 'raw', /larger than 262144 characters as JSON/)
    // Escapes count as JSON writes them: 65,536 control characters are 393,216 characters of JSON.
    refused(event({ raw: '\u0001'.repeat(65_536) }), 'raw', /larger than/)
    accepted(event({ raw: '\u0001'.repeat(40_000) }))
    // A huge raw is refused at the first 256 Ki, without reading the rest.
    const huge = Array.from({ length: 1_000_000 }, () => 'xxxxxxxxxx')
    const started = performance.now()
    refused(event({ raw: huge }), 'raw', /larger than/)
    expect(performance.now() - started).toBeLessThan(2_000) // generous: a sanity bound, not a benchmark
  })

  it('holds JSON values only, and names where the bad one is', () => {
    const bad: [unknown, string, RegExp][] = [
      [{ a: [1, Number.NaN] }, 'raw.a[1]', /NaN: JSON has no NaN/],
      [{ a: Number.POSITIVE_INFINITY }, 'raw.a', /Infinity/],
      [[1, undefined], 'raw[1]', /undefined: not a JSON value/],
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
      [[1, , 3], 'raw[1]', /undefined/],
      [{ at: new Date(0) }, 'raw.at', /a Date, not a JSON value/],
      [{ m: new Map() }, 'raw.m', /a Map/],
      [{ n: 10n }, 'raw.n', /a bigint/],
      [{ f: () => 1 }, 'raw.f', /a function/],
      [{ s: Symbol('s') }, 'raw.s', /a symbol/],
      [{ deep: { note: NUL } }, 'raw.deep.note', NUL_REASON],
      [{ list: ['ok', HIGH] }, 'raw.list[1]', SURROGATE_REASON],
      [{ [NUL]: 1 }, 'raw["a\\u0000b"]', /its key contains a NUL/],
      [{ [LOW]: 1 }, 'raw["a\\udc00b"]', /its key contains a lone surrogate/],
    ]
    for (const [raw, field, reason] of bad) refused(event({ raw }), field, reason)
    // What JSON keeps as it is: accepted. An undefined property is absent in JSON; -0 reads back as 0.
    accepted(event({ raw: { a: undefined, b: -0, c: [null, true, 1e-320, 'x'], d: Object.create(null) } }))
    accepted(event({ raw: 'a plain string' }))
    accepted(event({ raw: null }))
  })

  it('rawProblem names the path relative to the value it is given', () => {
    expect(rawProblem({ a: [{ b: NUL }] })).toEqual({
      path: ['a', 0, 'b'],
      message: expect.stringMatching(NUL_REASON),
    })
    expect(rawProblem({ a: 1 })).toBeUndefined()
  })
})

// ------------------------------------------------------------------------------------------------------------
// Parsers: a ProviderPayloadError naming the provider, the field and the reason — never an invalid event.

function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

function expectPayloadError(fn: () => unknown, provider: string, field: string | RegExp, reason: RegExp) {
  const error = thrownBy(fn)
  expect(error).toBeInstanceOf(ProviderPayloadError)
  const e = error as ProviderPayloadError
  expect(e.provider).toBe(provider)
  if (typeof field === 'string') expect(e.field).toBe(field)
  else expect(e.field).toMatch(field)
  expect(e.reason).toMatch(reason)
  expect(e.retryable).toBe(false)
}

describe('custom provider: bounds named by the payload field', () => {
  const item = (fields: Record<string, unknown> = {}) => ({
    match_id: 'm1',
    event_type: 'goal',
    minute: 12,
    player_id: 'p1',
    ...fields,
  })
  const batch = (bad: Record<string, unknown>) => [
    item(),
    item({ minute: 13 }),
    item({ minute: 14 }),
    item(bad),
  ]

  it('refuses the issue case: nine good events and one player_id with a NUL, before any event is built', () => {
    const payload = JSON.stringify([
      ...Array.from({ length: 9 }, (_, i) => item({ minute: i })),
      item({ player_id: NUL }),
    ])
    expectPayloadError(() => parseCustomEvents(payload), 'custom', '[9].player_id', NUL_REASON)
  })

  it('names each bounded field', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ player_id: NUL }, '[3].player_id', NUL_REASON],
      [{ team_id: HIGH }, '[3].team_id', SURROGATE_REASON],
      [{ related_player_id: LOW }, '[3].related_player_id', SURROGATE_REASON],
      [{ match_id: 'm\u0000' }, '[3].match_id', NUL_REASON],
      [{ event_id: ascii(257) }, '[3].event_id', /longer than 256/],
      [{ player_id: ascii(129) }, '[3].player_id', /longer than 128/],
      [{ match_id: ascii(129) }, '[3].match_id', /longer than 128/],
      [{ event_type: ascii(129) }, '[3].event_type', /longer than 128/],
      [{ event_type: `goal${NUL}` }, '[3].event_type', NUL_REASON],
      [{ minute: 2 ** 31 }, '[3].minute', /larger than 2147483647/],
      [{ added_time: 2 ** 31 }, '[3].added_time', /larger than 2147483647/],
      [{ timestamp: '0000-06-01T00:00:00Z' }, '[3].timestamp', /years 0001 to 9999/],
      [{ timestamp: '0001-01-01T00:30:00+01:00' }, '[3].timestamp', /years 0001 to 9999/], // year 0 in UTC
    ]
    for (const [bad, field, reason] of cases) {
      expectPayloadError(() => parseCustomEvents(batch(bad)), 'custom', field, reason)
    }
  })

  it('accepts every bound at its edge', () => {
    const events = parseCustomEvents(
      batch({
        player_id: ascii(128),
        event_id: ascii(256),
        match_id: ascii(128),
        event_type: ascii(128),
        minute: INT4,
        added_time: INT4,
        timestamp: '0001-01-01T00:00:00Z',
        team_id: EMOJI,
      }),
    )
    expect(MatchEventSchema.array().parse(events)).toHaveLength(4)
  })

  it('checks raw (includeRaw) too: what the item carries unread, such as metadata', () => {
    expectPayloadError(
      () => parseCustomEvents(batch({ metadata: { note: NUL } }), { includeRaw: true }),
      'custom',
      'events[3].raw.metadata.note',
      NUL_REASON,
    )
    // Without raw, unread fields are not stored, so they do not matter.
    expect(parseCustomEvents(batch({ metadata: { note: NUL } }))).toHaveLength(4)
  })
})

describe('StatsBomb: bounds named by the event and field', () => {
  const EVENTS = readFileSync(new URL('../fixtures/statsbomb/match_events.json', import.meta.url), 'utf8')
  const LINEUPS = fixtureJson<{ lineup: { player_name: string }[] }[]>('statsbomb/match_lineups.json')
  type Raw = Record<string, unknown> & { id: string; player?: { id: number; name: string } }
  const parse = (
    edit: (events: Raw[]) => void,
    options: { includeRaw?: boolean; lineups?: unknown } = {},
  ) => {
    const events = JSON.parse(EVENTS) as Raw[]
    edit(events)
    return () => parseStatsBombEvents(events, { matchId: '9001', ...options } as never)
  }
  const withPlayer = (events: Raw[]) => events.findIndex((e) => e.player !== undefined)

  it('a player name with a NUL', () => {
    let at = -1
    const run = parse((events) => {
      at = withPlayer(events)
      events[at]!.player = { ...events[at]!.player!, name: NUL }
    })
    expectPayloadError(
      run,
      'statsbomb',
      new RegExp(`^events\\[${at}\\]\\(.*\\)\\.player\\.name$`),
      NUL_REASON,
    )
  })

  it('an id with a lone surrogate, a long type name, a minute past int4, a team name with a NUL', () => {
    expectPayloadError(
      parse((e) => {
        e[3]!.id = HIGH
      }),
      'statsbomb',
      /^events\[3\]\(.*\)\.id$/,
      SURROGATE_REASON,
    )
    expectPayloadError(
      parse((e) => {
        ;(e[3]!.type as { name: string }).name = ascii(129)
      }),
      'statsbomb',
      /^events\[3\].*\.type\.name$/,
      /longer than 128/,
    )
    expectPayloadError(
      parse((e) => {
        e[3]!.minute = 2 ** 31
      }),
      'statsbomb',
      /events\[3\].*\.minute$/,
      /int4/,
    )
    expectPayloadError(
      parse((e) => {
        for (const item of e) if (typeof item.team === 'object') (item.team as { name: string }).name = NUL
      }),
      'statsbomb',
      /^events\[0\].*\.team\.name$/,
      NUL_REASON,
    )
  })

  it('raw with includeRaw: a hostile string anywhere in the item, or nesting past the bound', () => {
    expectPayloadError(
      parse(
        (e) => {
          e[2]!.extra = { notes: ['fine', LOW] }
        },
        { includeRaw: true },
      ),
      'statsbomb',
      /^events\[2\].*\.extra\.notes\[1\]$/,
      SURROGATE_REASON,
    )
    let deep: unknown = 1
    for (let i = 0; i < 5_000; i++) deep = [deep]
    expectPayloadError(
      parse(
        (e) => {
          e[2]!.extra = deep
        },
        { includeRaw: true },
      ),
      'statsbomb',
      /^events\[2\].*\.extra(\[0\])+$/,
      /deeper than 64/,
    )
  })

  it('names from the lineups file, and the matchId option', () => {
    const lineups = structuredClone(LINEUPS)
    lineups[0]!.lineup[1]!.player_name = NUL
    expectPayloadError(
      parse(() => {}, { lineups }),
      'statsbomb',
      'lineups[0].lineup[1].player_name',
      NUL_REASON,
    )
    const error = thrownBy(() => parseStatsBombEvents(EVENTS, { matchId: `9${NUL}` }))
    expect(error).toBeInstanceOf(MatchfeedError)
    expect((error as MatchfeedError).code).toBe('invalid_option')
    expect((error as Error).message).toMatch(/matchId: contains a NUL/)
  })

  it('parses the untouched fixture, with raw, as before', () => {
    expect(parse(() => {}, { includeRaw: true })().length).toBeGreaterThan(10)
  })
})

describe('the other parsers: ProviderPayloadError from the shared check at their return', () => {
  /** A fixture as JSON, changed by `edit`. */
  const edited = <T>(path: string, edit: (json: T) => void): T => {
    const json = fixtureJson<T>(path)
    edit(json)
    return json
  }
  type Named = { name: string }
  const TEAM_NAME = /^events\[\d+\]\.team\.name$/

  it('API-Football: team names with a lone surrogate', () => {
    const payload = edited<{ response: { team: Named }[] }>(
      'api-football/fixtures-events-900001.json',
      (p) => {
        for (const item of p.response) item.team.name += HIGH
      },
    )
    expectPayloadError(() => parseApiFootballFixture(payload), 'api-football', TEAM_NAME, SURROGATE_REASON)
  })

  it('Football-Data: a scorer name with a NUL', () => {
    const match = fixtureJson<{ goals: { scorer: Named }[] }>(
      'football-data/match-440001-paid-own-goals.json',
    )
    match.goals[0]!.scorer.name = NUL
    const field = /^events\[\d+\]\.player\.name$/
    expectPayloadError(() => parseFootballDataMatch(match), 'football-data', field, NUL_REASON)
  })

  it('Stats Perform MA3: a contestant name with a NUL', () => {
    const ma3 = edited<{ matchInfo: { contestant: Named[] } }>('opta/ma3-small.json', (m) => {
      m.matchInfo.contestant[0]!.name = `Home${NUL}`
    })
    expectPayloadError(() => parseStatsPerformMA3(ma3), 'statsperform', TEAM_NAME, NUL_REASON)
  })
})

describe('WebSocket / NDJSON sources: a poison frame is dead-lettered, never offered forever', () => {
  it('matchEventFrames refuses a frame with an event beyond the bounds', () => {
    const frame = JSON.stringify([
      makeEvent(),
      { ...makeEvent({ providerEventId: 'e2' }), player: { id: NUL } },
    ])
    expectPayloadError(() => matchEventFrames(frame), 'websocket', '[1].player.id', NUL_REASON)
  })

  it('a parse function that does not validate: its poison frame goes to onDeadLetter, the good ones on', async () => {
    const good = JSON.stringify(makeEvent({ providerEventId: 'good' }))
    const poison = JSON.stringify(makeEvent({ providerEventId: 'bad', matchId: 'm1', player: { id: NUL } }))
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`${poison}\n${good}\n`))
        controller.close()
      },
    })
    const fetch = vi.fn(
      async () => new Response(body, { headers: { 'content-type': 'application/x-ndjson' } }),
    )
    const letters: { raw: string; error: unknown }[] = []
    const emitted: MatchEvent[][] = []
    const source = createHttpStreamSource({
      url: 'http://feed.invalid/stream',
      fetch: fetch as unknown as typeof globalThis.fetch,
      parse: (frame) => [JSON.parse(frame) as MatchEvent], // trusts the feed: no validation of its own
      onDeadLetter: (letter) => void letters.push(letter),
      reconnect: { minDelayMs: 10_000, maxDelayMs: 10_000 },
    })
    const stop = new AbortController()
    const running = source.start(async (batch) => void emitted.push(batch), stop.signal)
    await vi.waitFor(() => expect(emitted).toHaveLength(1))
    stop.abort()
    await running
    expect(emitted[0]!.map((e) => e.providerEventId)).toEqual(['good'])
    expect(letters).toHaveLength(1)
    expect(letters[0]!.raw).toBe(poison)
    expect(letters[0]!.error).toBeInstanceOf(InvalidMatchEventError)
    expect((letters[0]!.error as Error).message).toMatch(/events\[0\]\.player\.id: contains a NUL/)
  })
})
