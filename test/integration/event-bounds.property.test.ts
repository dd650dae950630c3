import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import type { Redis } from 'ioredis'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  INT4_MAX,
  MATCH_ID_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PROVIDER_EVENT_ID_MAX_LENGTH,
  PROVIDER_TYPE_MAX_LENGTH,
  RAW_MAX_DEPTH,
  RAW_MAX_JSON_LENGTH,
  REF_ID_MAX_LENGTH,
} from '../../src/event/limits.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { InvalidMatchEventError, markValidated, validateMatchEvents } from '../../src/event/validate.js'
import type { Sink } from '../../src/pipeline/contracts.js'
import { parseCustomEvents } from '../../src/providers/custom/index.js'
import { memorySink } from '../../src/sinks/memory.js'
import { migrate, postgresSink, readEvents } from '../../src/sinks/postgres/index.js'
import { redisStreamsSink } from '../../src/sinks/redis/index.js'
import { createWebhookHandler, signStandardWebhook } from '../../src/webhooks/index.js'
import { makeEvent } from '../helpers/events.js'
import { connectTestDatabase, uniqueName } from '../helpers/postgres.js'
import { closeRedisClients, connectRedisClients, type NodeRedisClient, runPrefix } from '../helpers/redis.js'

// The storage bounds of MatchEvent v1 against the real sinks: memory, Postgres (local server, a schema of this
// run's own) and Redis Streams (local server, keys under this run's prefix). Hostile strings and numbers go into
// one field at a time (plus a timestamp and a raw), and each event is ALSO written to every sink with the
// validation bypassed (marked as checked, so the sinks run their real write path on it). Then:
// - whatever validateMatchEvents accepts, every sink stores, and reads back deep-equal (Postgres through
//   readEvents, Redis through XRANGE and JSON.parse as the stream consumer does, memory through events());
//   JSON has no -0, so -0 reads back as 0 from the two JSON sinks and is compared as 0;
// - whatever it refuses for a character, an int4, a year or a JSON-value reason, at least one sink cannot
//   store: refuses the write, or reads back something else;
// - what it refuses for a length, a depth or a size is beyond a stated bound: those bounds keep a margin below
//   the real limits (docs/event-model.md), which the last tests locate.

const RUN = runPrefix()
const schema = uniqueName('mf_bounds')
let pool: pg.Pool
let node: NodeRedisClient
let io: Redis
let sinks: {
  memory: ReturnType<typeof memorySink>
  postgres: Sink
  redis: ReturnType<typeof redisStreamsSink>
}

beforeAll(async () => {
  pool = await connectTestDatabase()
  await migrate(pool, { schema })
  ;({ node, io } = await connectRedisClients())
  sinks = {
    memory: memorySink(),
    postgres: postgresSink({ client: pool, schema }),
    redis: redisStreamsSink({ client: node, prefix: RUN }),
  }
})

afterAll(async () => {
  await sinks?.postgres.close?.()
  await sinks?.redis.close()
  await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool?.end()
  await closeRedisClients({ node, io }, RUN)
})

// ---------------------------------------------------------------------------------------------------------
// Hostile values

// Text a store may mangle but must not: emoji (surrogate pairs), RTL marks, quotes, backslashes, controls.
const AWKWARD = [...'aZ7 éŁ中ע"\'\\\n\t{\u001f\u007f\ufffd\ufeff\u202e\u200f😀'] // by code point
// And what no store can hold: NUL, lone high and low surrogates.
const POISON = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff']
const pieces = (from: string[]) =>
  fc.array(fc.constantFrom(...from), { minLength: 1, maxLength: 10 }).map((p) => p.join(''))
const hostileText = fc.oneof(
  { weight: 2, arbitrary: pieces(AWKWARD) },
  { weight: 1, arbitrary: pieces([...AWKWARD, ...POISON]) },
)
/** One unit under, at and over `max` (an emoji repeated and cut there may leave half a pair: a lone surrogate). */
const edgeText = (max: number) =>
  fc
    .tuple(fc.constantFrom(max - 1, max, max + 1), fc.constantFrom('x', '中', 'é', '😀'))
    .map(([n, c]) => (c.length === 2 ? c.repeat(Math.ceil(n / 2)).slice(0, n) : c.repeat(n)))
const text = (max: number) =>
  fc.oneof({ weight: 3, arbitrary: hostileText }, { weight: 1, arbitrary: edgeText(max) })

type Texts = Pick<MatchEvent, 'matchId' | 'providerEventId' | 'providerType'> & {
  'team.id': string
  'team.name': string
  'player.id': string
  'player.name': string
  'relatedPlayer.id': string
  'relatedPlayer.name': string
}
const TEXT_FIELDS: { [K in keyof Texts]: number } = {
  matchId: MATCH_ID_MAX_LENGTH,
  providerEventId: PROVIDER_EVENT_ID_MAX_LENGTH,
  providerType: PROVIDER_TYPE_MAX_LENGTH,
  'team.id': REF_ID_MAX_LENGTH,
  'team.name': NAME_MAX_LENGTH,
  'player.id': REF_ID_MAX_LENGTH,
  'player.name': NAME_MAX_LENGTH,
  'relatedPlayer.id': REF_ID_MAX_LENGTH,
  'relatedPlayer.name': NAME_MAX_LENGTH,
}
const hostileString = fc.oneof(
  ...Object.entries(TEXT_FIELDS).map(([field, max]) => text(max).map((value) => ({ field, value }))),
)

// Numbers within what the model allows (non-negative; integers where it says so), hostile for storage:
// int4 and int8 edges, -0, subnormals, the largest doubles.
const INT4 = [0, -0, 1, INT4_MAX - 1, INT4_MAX, 2 ** 31, 2 ** 31 + 1, 2 ** 32, Number.MAX_SAFE_INTEGER]
const DOUBLES = [-0, 5e-324, 1e-320, 2.2250738585072014e-308, 0.1, 2 ** 53 + 2, 1e300, Number.MAX_VALUE]
const hostileNumber = fc.oneof(
  fc.record({ field: fc.constantFrom('minute', 'addedTime'), value: fc.constantFrom(...INT4) }),
  fc.record({ field: fc.constantFrom('seq', 'periodTime', 'endZ'), value: fc.constantFrom(...DOUBLES) }),
  fc.record({
    field: fc.constant('version'),
    value: fc.constantFrom(0, -0, 2 ** 31, Number.MAX_SAFE_INTEGER),
  }),
  fc.record({ field: fc.constantFrom('x', 'y'), value: fc.constantFrom(-0, 5e-324, 1e-320, 68) }),
  fc.record({ field: fc.constant('score'), value: fc.constantFrom(...INT4) }),
)

const hostileTimestamp = fc
  .tuple(fc.constantFrom('0000', '0001', '1970', '2024', '9999'), fc.integer({ min: 0, max: 11 }))
  .map(([year, digits]) => `${year}-12-31T23:59:59${digits === 0 ? '' : `.${'9'.repeat(digits)}`}Z`)

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { k: value }
  return value
}
/** A raw whose JSON text is `length` characters long. */
const sizedRaw = (length: number) => ({ text: 'ю'.repeat(length - '{"text":""}'.length) })
const rawLeaf = fc.oneof(
  { weight: 3, arbitrary: hostileText },
  { weight: 3, arbitrary: fc.constantFrom(...DOUBLES, ...INT4, null, true, false) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, undefined, 10n, new Date(0), new Map()),
  },
)
const hostileRaw = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(hostileText, rawLeaf, { maxKeys: 4 }) },
  { weight: 2, arbitrary: fc.array(rawLeaf, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(RAW_MAX_DEPTH - 1, RAW_MAX_DEPTH, RAW_MAX_DEPTH + 1, 10_000)
      .map((depth) => nested(depth)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(RAW_MAX_JSON_LENGTH, RAW_MAX_JSON_LENGTH + 1).map(sizedRaw),
  },
)

const hostileEvent = fc.record({
  text: fc.option(hostileString, { nil: undefined }),
  number: fc.option(hostileNumber, { nil: undefined }),
  timestamp: fc.option(hostileTimestamp, { nil: undefined }),
  raw: fc.option(hostileRaw, { nil: undefined }),
})

type Hostile = typeof hostileEvent extends fc.Arbitrary<infer T> ? T : never
// Every optional string field present, so that each can be made hostile; a pass with its end.
const BASE: Partial<MatchEvent> = {
  team: { id: 't1', name: 'Home', side: 'home' },
  player: { id: 'p1', name: 'One' },
}
Object.assign(BASE, { relatedPlayer: { id: 'p2' }, x: 50, y: 30, endX: 60, endY: 30 })
let serial = 0
/** A valid event with the hostile values in place; its id unique to this run (by matchId or providerEventId). */
function build(h: Hostile): MatchEvent {
  const n = `${RUN.slice(-9, -1)}${++serial}`
  const e = makeEvent({ matchId: `m${n}`, providerEventId: `e${n}`, ...BASE })
  if (h.text) {
    const [head, tail] = h.text.field.split('.') as [string, string | undefined]
    const target = e as unknown as Record<string, Record<string, unknown>>
    if (tail === undefined) (e as unknown as Record<string, unknown>)[head] = h.text.value
    else target[head] = { ...target[head], [tail]: h.text.value }
    // Only one of matchId / providerEventId is hostile at a time: the other keeps the id unique to this run.
  }
  if (h.number) {
    const { field, value } = h.number
    if (field === 'score') e.score = { home: value, away: value }
    else (e as unknown as Record<string, number>)[field] = value
  }
  if (h.timestamp !== undefined) e.timestamp = h.timestamp
  if (h.raw !== undefined) e.raw = h.raw
  e.id = `${e.provider}:${e.matchId}:${e.providerEventId}`
  return e
}

// ---------------------------------------------------------------------------------------------------------
// Storing and reading back

type Outcome = 'equal' | 'differs' | 'refused'

/** -0 as 0, deeply: the one difference JSON makes to a value that holds JSON values only. */
function jsonNumbers(value: unknown): unknown {
  if (value === 0) return 0
  if (Array.isArray(value)) return value.map(jsonNumbers)
  const proto = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined
  if (proto === Object.prototype || proto === null) {
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, jsonNumbers(v)]))
  }
  return value
}

function same(back: MatchEvent | undefined, sent: MatchEvent): boolean {
  if (back === undefined) return false
  try {
    expect(jsonNumbers(back)).toEqual(jsonNumbers(sent))
    return true
  } catch {
    return false
  }
}

async function streamEvents(matchId: string): Promise<MatchEvent[]> {
  const reply = (await node.sendCommand(['XRANGE', sinks.redis.key(matchId), '-', '+'])) as [
    string,
    string[],
  ][]
  return reply.map(([, flat]) => JSON.parse(flat[flat.indexOf('event') + 1]!) as MatchEvent)
}

/** Writes `event` to every sink without validation, and reads it back from each. */
async function storeEverywhere(event: MatchEvent): Promise<Record<keyof typeof sinks, Outcome>> {
  const read = {
    memory: async () => sinks.memory.events().find((e) => e.id === event.id),
    postgres: async () =>
      (await readEvents(pool, { schema, matchId: event.matchId })).find((e) => e.id === event.id),
    redis: async () => (await streamEvents(event.matchId)).find((e) => e.id === event.id),
  }
  const outcomes = {} as Record<keyof typeof sinks, Outcome>
  for (const name of ['memory', 'postgres', 'redis'] as const) {
    try {
      await sinks[name].write(markValidated([event])) // the sink's own write path, its validation bypassed
    } catch {
      outcomes[name] = 'refused'
      continue
    }
    outcomes[name] = same(await read[name](), event) ? 'equal' : 'differs'
  }
  return outcomes
}

function verdict(event: MatchEvent): InvalidMatchEventError | undefined {
  try {
    validateMatchEvents([event])
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMatchEventError)
    return error as InvalidMatchEventError
  }
}

// A bound set with a margin below the real limit: exceeding it does not make a sink fail.
const MARGIN_BOUND =
  /longer than \d+ characters|nested deeper than \d+ levels|larger than \d+ characters as JSON/

describe('MatchEvent bounds against the real sinks (property)', () => {
  it('accepted ⇒ every sink stores it and reads it back equal; refused for storage ⇒ a sink cannot', {
    timeout: 120_000,
  }, async () => {
    const seen = { accepted: 0, refusedStorage: 0, refusedMargin: 0 }
    await fc.assert(
      fc.asyncProperty(hostileEvent, async (h) => {
        const event = build(h)
        const refused = verdict(event)
        const outcomes = await storeEverywhere(event)
        if (refused === undefined) {
          seen.accepted++
          expect(outcomes, 'accepted, so every sink stores it and reads it back equal').toEqual({
            memory: 'equal',
            postgres: 'equal',
            redis: 'equal',
          })
        } else if (MARGIN_BOUND.test(refused.reason)) {
          seen.refusedMargin++
        } else {
          seen.refusedStorage++
          expect(
            Object.values(outcomes).some((o) => o !== 'equal'),
            `refused (${refused.message}), so some sink must fail it: ${JSON.stringify(outcomes)}`,
          ).toBe(true)
        }
      }),
      { numRuns: 200 },
    )
    // The generators reach every kind of outcome.
    expect(seen.accepted).toBeGreaterThan(10)
    expect(seen.refusedStorage).toBeGreaterThan(10)
    expect(seen.refusedMargin).toBeGreaterThan(3)
  })

  it('the issue case: 9 good events and one player id with a NUL are refused before anything is written', async () => {
    const matchId = `issue${randomUUID().slice(0, 8)}`
    const items = Array.from({ length: 10 }, (_, i) => ({
      match_id: matchId,
      event_type: 'pass',
      minute: i,
      event_id: `e${i}`,
      player_id: i === 9 ? 'a\u0000b' : `p${i}`,
    }))
    expect(() => parseCustomEvents(JSON.stringify(items))).toThrow(/custom: \[9\]\.player_id: contains a NUL/)
    // The same batch as MatchEvents, handed to the sinks: refused by their validation, naming the field.
    const events = items.map((item, i) =>
      makeEvent({ matchId, providerEventId: item.event_id, seq: i, player: { id: item.player_id } }),
    )
    await expect(sinks.postgres.write(events)).rejects.toThrow(/events\[9\]\.player\.id: contains a NUL/)
    await expect(sinks.redis.write(events)).rejects.toThrow(/events\[9\]\.player\.id/)
    expect(await readEvents(pool, { schema, matchId })).toEqual([])
    expect(await streamEvents(matchId)).toEqual([])
    // Unchecked, the one bad event fails the whole statement: none of the 9 good ones is stored either.
    await expect(sinks.postgres.write(markValidated(events))).rejects.toThrow(/22021|22P05/)
    expect(await readEvents(pool, { schema, matchId })).toEqual([])
  })

  it('the issue case over a signed webhook into Postgres: a 400 naming the field on every retry, never a 500', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const handler = createWebhookHandler({
      verify: { scheme: 'standard-webhooks', secret },
      parse: (raw) => parseCustomEvents(raw),
      onEvents: (events) => sinks.postgres.write(events),
    })
    const matchId = `hook${randomUUID().slice(0, 8)}`
    const item = (i: number, playerId: string) => ({
      match_id: matchId,
      event_type: 'pass',
      minute: i,
      player_id: playerId,
    })
    const deliver = async (items: unknown[], id: string) => {
      const body = JSON.stringify(items)
      const response = await handler.fetch(
        new Request('http://hooks.test/events', {
          method: 'POST',
          body,
          headers: signStandardWebhook(body, { secret, id }),
        }),
      )
      return { status: response.status, body: (await response.json()) as Record<string, unknown> }
    }
    const poisoned = [...Array.from({ length: 9 }, (_, i) => item(i, `p${i}`)), item(9, 'a\u0000b')]
    for (const attempt of [1, 2]) {
      const answer = await deliver(poisoned, `msg_poison_${matchId}_${attempt}`)
      expect(answer.status).toBe(400)
      expect(JSON.stringify(answer.body)).toMatch(/\[9\]\.player_id/)
    }
    expect(await readEvents(pool, { schema, matchId })).toEqual([])
    // The sender fixes its mistake: the 9 are stored.
    expect((await deliver(poisoned.slice(0, 9), `msg_fixed_${matchId}`)).status).toBe(200)
    expect(await readEvents(pool, { schema, matchId })).toHaveLength(9)
  })
})

describe('where the real limits are: above every bound (unchecked writes)', () => {
  const ok = async (event: MatchEvent) => {
    expect(validateMatchEvents([event])).toHaveLength(1)
    expect(await storeEverywhere(event)).toEqual({ memory: 'equal', postgres: 'equal', redis: 'equal' })
  }
  const refusedBy = async (event: MatchEvent, pattern: RegExp) => {
    expect(verdict(event)).toBeDefined()
    await expect(sinks.postgres.write(markValidated([event]))).rejects.toThrow(pattern)
  }
  const cjk = (n: number) =>
    Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))).join('')
  const uniq = () => `${randomUUID().slice(0, 8)}`

  it('ids: the longest (450 CJK characters, 1,350 bytes) is stored; 2,712 bytes exceed the btree row limit', async () => {
    const longest = makeEvent({
      provider: 'p'.repeat(64),
      matchId: `${uniq()}${cjk(120)}`,
      providerEventId: cjk(256),
    })
    expect(longest.id).toHaveLength(450)
    await ok(longest)
    await refusedBy(makeEvent({ matchId: uniq(), providerEventId: cjk(900) }), /54000|index row size/)
  })

  it('raw: 64 levels and 256 Ki of JSON are stored; JSON.stringify itself fails at some thousands of levels', async () => {
    await ok(makeEvent({ matchId: uniq(), raw: nested(RAW_MAX_DEPTH) }))
    await ok(makeEvent({ matchId: uniq(), raw: sizedRaw(RAW_MAX_JSON_LENGTH) }))
    await refusedBy(makeEvent({ matchId: uniq(), raw: nested(20_000) }), /call stack|too much recursion/i)
  })

  it('timestamp: 30 characters are stored; Postgres refuses a much longer one (22007) and year 0000 (22008)', async () => {
    await ok(makeEvent({ matchId: uniq(), timestamp: '9999-12-31T23:59:59.999999999Z' }))
    await refusedBy(
      makeEvent({ matchId: uniq(), timestamp: `2024-01-01T00:00:00.${'1'.repeat(200)}Z` }),
      /22007/,
    )
    await refusedBy(makeEvent({ matchId: uniq(), timestamp: '0000-01-01T00:00:00Z' }), /22008/)
  })

  it('int4: 2^31 - 1 is stored, 2^31 is refused (22003)', async () => {
    await ok(makeEvent({ matchId: uniq(), minute: INT4_MAX, addedTime: INT4_MAX }))
    await refusedBy(makeEvent({ matchId: uniq(), minute: 2 ** 31 }), /22003/)
  })

  it('Redis: lone surrogates are not stored either, they are replaced, so two match ids share one stream', async () => {
    const base = uniq()
    const a = makeEvent({ matchId: `${base}\ud800`, providerEventId: 'a' })
    const b = makeEvent({ matchId: `${base}\udbff`, providerEventId: 'b' })
    await sinks.redis.write(markValidated([a]))
    await sinks.redis.write(markValidated([b]))
    // Each key was written as UTF-8 with U+FFFD in place of the surrogate: one stream holds both matches.
    expect((await streamEvents(a.matchId)).map((e) => e.providerEventId)).toEqual(['a', 'b'])
  })
})
