import fc from 'fast-check'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { createOutboxRelay, migrate, postgresSink } from '../../src/sinks/postgres/index.js'
import { makeEvent } from '../helpers/events.js'
import { connectTestDatabase, uniqueName } from '../helpers/postgres.js'

// A model-based test of the transactional outbox on real Postgres: random writes (new events, corrections,
// stale replays), relay rounds that succeed or die after the sinks took the rows, and prunes, in any order.
// The model says which versions the sink stores and in what order per match; whatever the interleaving,
// the relay must deliver each of them at least once, first in that order, and leave nothing behind.

let pool: pg.Pool
const schema = uniqueName('mf_outbox_model')
beforeAll(async () => {
  pool = await connectTestDatabase()
})
afterAll(async () => {
  await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool?.end()
})

const MATCHES = ['a', 'b', 'c'] as const
type Command =
  | { kind: 'write'; events: { match: string; n: number; version: number }[] }
  | { kind: 'relay' }
  | { kind: 'crash' }
  | { kind: 'prune' }

const write = fc
  .uniqueArray(
    fc.record({ match: fc.constantFrom(...MATCHES), n: fc.nat(7), version: fc.nat(3) }),
    { minLength: 1, maxLength: 6, selector: (e) => `${e.match}${e.n}` }, // one version of an id per batch
  )
  .map((events) => ({ kind: 'write' as const, events }))
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: write },
  { weight: 2, arbitrary: fc.constant({ kind: 'relay' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'prune' as const }) },
)

const key = (e: MatchEvent) => `${e.id}@${e.version}`

describe('transactional outbox, model-based', () => {
  it('delivers every stored version at least once, first in per-match store order, whatever the interleaving', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        const table = uniqueName('m')
        await migrate(pool, { schema, table })
        const sink = postgresSink({ client: pool, schema, table, outbox: true })
        const delivered: string[] = []
        let crash = false
        const recorder = {
          name: 'recorder',
          async write(batch: readonly MatchEvent[]) {
            delivered.push(...batch.map(key))
            if (crash)
              throw new MatchfeedError('relay killed after the sinks took the rows', { code: 'killed' })
          },
        }
        const relay = createOutboxRelay({
          client: pool,
          schema,
          table,
          sinks: [recorder],
          batchSize: 4,
          keepDoneMs: 0,
        })

        // The model: the highest stored version per id, and what the outbox must relay, per match, in order.
        const stored = new Map<string, number>()
        const expected = new Map<string, string[]>(MATCHES.map((m) => [m, []]))
        for (const c of commands) {
          if (c.kind === 'write') {
            const batch = c.events.map((e) =>
              makeEvent({ matchId: e.match, providerEventId: `e${e.n}`, seq: e.n, version: e.version }),
            )
            await sink.write(batch)
            for (const e of [...batch].sort((x, y) => x.seq - y.seq)) {
              if ((stored.get(e.id) ?? -1) >= e.version) continue // a replay or a stale version: not stored
              stored.set(e.id, e.version)
              expected.get(e.matchId)!.push(key(e))
            }
          } else if (c.kind === 'prune') {
            await relay.pruneOnce()
          } else {
            crash = c.kind === 'crash'
            await relay.relayOnce().catch((error) => {
              if (!crash) throw error
            })
            crash = false
          }
        }
        while ((await relay.relayOnce()) > 0) {}

        for (const m of MATCHES) {
          const firsts = [...new Set(delivered.filter((k) => k.startsWith(`custom:${m}:`)))]
          expect(firsts, `match ${m}`).toEqual(expected.get(m))
        }
        expect(new Set(delivered).size).toBe([...expected.values()].flat().length)
        const { rows } = await pool.query(
          `SELECT count(*) FILTER (WHERE done_at IS NULL)::int AS pending FROM "${schema}"."${table}_outbox"`,
        )
        expect(rows[0].pending).toBe(0)
        await relay.pruneOnce()
        const left = await pool.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}_outbox"`)
        expect(left.rows[0].n).toBe(0)
        await pool.query(`DROP TABLE "${schema}"."${table}_outbox", "${schema}"."${table}"`)
      }),
      { numRuns: 40 },
    )
  })
})
