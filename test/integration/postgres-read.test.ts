// readEvents' paging against the real Postgres and an embedded PGlite: events that share a seq are read once
// each, whatever page boundary falls between them.
import { PGlite } from '@electric-sql/pglite'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { migrate, postgresSink, type Queryable, readEvents } from '../../src/sinks/postgres/index.js'
import { makeEvent } from '../helpers/events.js'
import { connectTestDatabase, uniqueName } from '../helpers/postgres.js'

let pool: pg.Pool
let lite: PGlite
const schema = uniqueName('mf_read')
beforeAll(async () => {
  pool = await connectTestDatabase()
  lite = new PGlite()
})
afterAll(async () => {
  await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool?.end()
  await lite?.close()
})

// Seqs 1, 2, 2, 2, 2, 3, 3, 4: the ties written out of id order.
const SEQS: [string, number][] = [
  ['a', 1],
  ['e', 2],
  ['c', 2],
  ['b', 2],
  ['d', 2],
  ['g', 3],
  ['f', 3],
  ['h', 4],
]

/** Every page of `limit`, each after the last event of the one before (seq and id), as the server pages. */
async function allPages(db: Queryable, table: string, limit: number, withId: boolean) {
  const read: string[] = []
  let last: MatchEvent | undefined
  for (let pages = 0; pages < 20; pages++) {
    const page = await readEvents(db, {
      schema,
      table,
      matchId: 'ties',
      limit,
      ...(last && { afterSeq: last.seq, ...(withId && { afterId: last.id }) }),
    })
    read.push(...page.map((e) => e.providerEventId))
    if (page.length < limit) break
    last = page.at(-1)
  }
  return read
}

describe.each([
  ['postgres', () => pool as Queryable],
  ['pglite', () => lite as unknown as Queryable],
])('readEvents on %s', (_name, db) => {
  it('pages by (seq, id): events sharing a seq across a page boundary are each read once, in id order', async () => {
    const table = uniqueName('ties')
    await migrate(db(), { schema, table })
    await postgresSink({ client: db(), schema, table }).write(
      SEQS.map(([id, seq]) => makeEvent({ matchId: 'ties', providerEventId: id, seq })),
    )
    const all = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    expect(
      (await readEvents(db(), { schema, table, matchId: 'ties' })).map((e) => e.providerEventId),
    ).toEqual(all)
    for (const limit of [1, 2, 3, 4, 7]) expect(await allPages(db(), table, limit, true)).toEqual(all)
    // afterSeq alone (what it did before afterId) skips the rest of a seq: here c, d, e.
    expect(await allPages(db(), table, 2, false)).toEqual(['a', 'b', 'f', 'g', 'h'])
  })
})
