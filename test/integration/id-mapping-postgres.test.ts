// The id map in real Postgres: the store, its migration, and one match followed through two providers'
// real-format files (API-Football live, StatsBomb after the match) landing under one internal match id.
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import {
  type IdMapEntry,
  type IdMapKey,
  InvalidIdMapEntryError,
  idMapping,
  memoryIdMapStore,
  postgresIdMapStore,
} from '../../src/id-mapping/index.js'
import { createPipeline } from '../../src/pipeline/index.js'
import { parseApiFootballFixture } from '../../src/providers/api-football/index.js'
import { migrate, postgresSink, type Queryable, readEvents } from '../../src/sinks/postgres/index.js'
import { makeEvent } from '../helpers/events.js'
import { connectTestDatabase, uniqueName } from '../helpers/postgres.js'
import { parse as parseStatsBomb } from '../helpers/statsbomb.js'

const AF_FIXTURE = readFileSync(
  new URL('../fixtures/api-football/fixture-900001-own-goal-var.json', import.meta.url),
  'utf8',
)

let pool: pg.Pool
const schema = uniqueName('idmap')
beforeAll(async () => {
  pool = await connectTestDatabase()
  await migrate(pool, { schema })
})
afterAll(async () => {
  await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool?.end()
})

const entry = (provider: string, kind: IdMapEntry['kind'], externalId: string, internalId: string) => ({
  provider,
  kind,
  externalId,
  internalId,
})

describe('postgresIdMapStore', () => {
  it('is created by migrate under its own target, once', async () => {
    const { rows } = await pool.query(
      `SELECT version FROM "${schema}".matchfeed_migrations WHERE target = 'matchfeed_id_map'`,
    )
    expect(rows).toEqual([{ version: 1 }])
    await migrate(pool, { schema, table: 'other_events' })
    const again = await pool.query(
      `SELECT count(*)::int AS n FROM "${schema}".matchfeed_migrations WHERE target = 'matchfeed_id_map'`,
    )
    expect(again.rows[0].n).toBe(1)
  })

  it('upserts, gets a batch in one query, lists by provider and kind, deletes', async () => {
    let queries = 0
    const counting: Queryable = {
      query: (text, values) => {
        queries++
        return pool.query(text, values as unknown[])
      },
    }
    const store = postgresIdMapStore({ client: counting, schema })
    await store.set([
      entry('opta', 'match', 'g1', 'old'),
      entry('opta', 'team', 't1', 'club-1'),
      entry('opta', 'match', 'g1', 'ours-1'), // the last of a key wins
      entry('statsbomb', 'player', '5503', 'messi'),
    ])
    await store.set([entry('opta', 'team', 't1', 'club-one')])
    queries = 0
    expect(
      await store.get([
        { provider: 'opta', kind: 'match', externalId: 'g1' },
        { provider: 'opta', kind: 'team', externalId: 't1' },
        { provider: 'opta', kind: 'player', externalId: 'g1' }, // another kind: not there
        { provider: 'statsbomb', kind: 'player', externalId: '5503' },
      ]),
    ).toEqual(
      expect.arrayContaining([
        entry('opta', 'match', 'g1', 'ours-1'),
        entry('opta', 'team', 't1', 'club-one'),
        entry('statsbomb', 'player', '5503', 'messi'),
      ]),
    )
    expect(queries).toBe(1)
    expect(await store.list({ provider: 'opta' })).toEqual([
      entry('opta', 'match', 'g1', 'ours-1'),
      entry('opta', 'team', 't1', 'club-one'),
    ])
    expect(await store.list({ kind: 'player' })).toEqual([entry('statsbomb', 'player', '5503', 'messi')])
    expect(await store.list({ limit: 1 })).toHaveLength(1)
    await store.delete([{ provider: 'opta', kind: 'match', externalId: 'g1' }])
    expect(await store.get([{ provider: 'opta', kind: 'match', externalId: 'g1' }])).toEqual([])
    await expect(store.set([entry('opta', 'match', 'g2', 'a:b')])).rejects.toBeInstanceOf(
      InvalidIdMapEntryError,
    )
  })

  it('pages in key order by character code after a key, the same as the memory store', async () => {
    const ids = ['b', 'B', 'a', 'é', 'Z', '10', '9', 'a:1']
    const entries = [
      ...ids.map((id) => entry('pager', 'team', id, `t-${id}`)),
      entry('pager', 'match', 'm1', 'ours-m1'),
      entry('pager', 'player', 'p1', 'ours-p1'),
    ]
    const byCode = [...ids].sort() // UTF-16 code units: what "C" gives for these
    for (const store of [postgresIdMapStore({ client: pool, schema }), memoryIdMapStore()]) {
      await store.set(entries)
      const pages: string[][] = []
      let after: IdMapKey | undefined
      for (;;) {
        const page = await store.list({ provider: 'pager', limit: 3, ...(after && { after }) })
        if (page.length === 0) break
        pages.push(page.map((e) => `${e.kind}/${e.externalId}`))
        after = page.at(-1)
      }
      expect(pages.flat()).toEqual(['match/m1', 'player/p1', ...byCode.map((id) => `team/${id}`)])
      expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 1])
      // Within one kind.
      expect(
        (await store.list({ kind: 'team', after: { provider: 'pager', kind: 'team', externalId: 'a' } })).map(
          (e) => e.externalId,
        ),
      ).toEqual(byCode.slice(byCode.indexOf('a') + 1))
    }
  })

  it('reads a page from the primary key index, not a sort of the table', async () => {
    const client = await pool.connect()
    try {
      await client.query('SET enable_sort = off') // a plan that must sort then shows it (disabled, but there)
      const plans: string[] = []
      const explaining: Queryable = {
        query: async (text, values) => {
          const { rows } = await client.query(`EXPLAIN ${text}`, values as unknown[])
          plans.push(rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'))
          return { rows: [] }
        },
      }
      const store = postgresIdMapStore({ client: explaining, schema })
      await store.list({ limit: 10 })
      await store.list({ provider: 'pager', kind: 'team', limit: 10 })
      await store.list({ after: { provider: 'pager', kind: 'team', externalId: 'a' }, limit: 10 })
      expect(plans).toHaveLength(3)
      for (const plan of plans) {
        expect(plan).toContain('Index Scan using matchfeed_id_map_pkey')
        expect(plan).not.toContain('Sort')
      }
    } finally {
      await client.query('RESET enable_sort')
      client.release()
    }
  })

  it('fails with a retryable PostgresError while the database is unreachable', async () => {
    const away = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/test', max: 1 })
    away.on('error', () => {})
    const store = postgresIdMapStore({ client: away })
    const error = await store.get([{ provider: 'opta', kind: 'match', externalId: 'g1' }]).catch((e) => e)
    expect(error).toMatchObject({ code: 'postgres_error', retryable: true, sink: 'id-map' })
    await away.end()
  })
})

describe('idMapping on Postgres: ids the table cannot take', () => {
  it('refuses an event whose id holds a NUL or a lone surrogate as invalid (the field named), not as a store failure', async () => {
    const store = postgresIdMapStore({ client: pool, schema })
    await store.set([entry('custom', 'match', 'nul-1', 'ours-nul')])
    // Postgres refuses text with NUL (22P05) or a lone surrogate: asked for one, the whole lookup would fail,
    // a retryable IdMappingError a poller would retry for ever.
    const raw = await store
      .get([{ provider: 'custom', kind: 'match', externalId: 'a\u0000b' }])
      .catch((e) => e)
    expect(raw).toMatchObject({ code: 'postgres_error' })
    const sink = postgresSink({ client: pool, schema })
    const pipeline = createPipeline({ sinks: [sink], transforms: [idMapping({ store })] })
    await pipeline.start()
    const nul = makeEvent({ matchId: 'nul-\u00001', providerEventId: 'e1' })
    const surrogate = makeEvent({ matchId: 'nul-1', providerEventId: 'e2', team: { id: 't\ud800' } })
    for (const [bad, field] of [
      [nul, 'matchId'],
      [surrogate, 'team.id'],
    ] as const) {
      const error = await pipeline
        .emit([makeEvent({ matchId: 'nul-1', providerEventId: 'e0' }), bad], 'custom')
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'invalid_event', index: 1, field, retryable: false })
    }
    // The valid ids around them are still mapped.
    await pipeline.emit([makeEvent({ matchId: 'nul-1', providerEventId: 'e0' })], 'custom')
    await pipeline.stop()
    expect((await readEvents(pool, { schema, matchId: 'ours-nul' })).map((e) => e.id)).toEqual([
      'custom:nul-1:e0',
    ])
  })
})

describe('one match through two providers', () => {
  it('lands under one internal match id, provider ids kept, event ids as without a mapping', async () => {
    const MATCH = 'getafe-barcelona-2021-01-04'
    // API-Football live, StatsBomb after the match: the same match, teams and one player under the user's ids.
    const live = parseApiFootballFixture(AF_FIXTURE)
    const after = parseStatsBomb()
    expect(new Set(live.map((e) => e.matchId))).toEqual(new Set(['900001']))
    expect(new Set(after.map((e) => e.matchId))).toEqual(new Set(['9001']))
    const store = postgresIdMapStore({ client: pool, schema })
    await store.set([
      entry('api-football', 'match', '900001', MATCH),
      entry('statsbomb', 'match', '9001', MATCH),
      entry('api-football', 'team', '546', 'getafe'),
      entry('statsbomb', 'team', '100', 'getafe'),
      entry('api-football', 'player', '2001', 'player-7'),
      entry('statsbomb', 'player', '1001', 'player-7'),
    ])

    // The database goes away under the first batch: it is given back (retryable), nothing is stored half
    // mapped, and the source's retry goes through once it answers again.
    const away = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/test', max: 1 })
    away.on('error', () => {})
    let db: Queryable = away
    const switching: Queryable = { query: (text, values) => db.query(text, values) }
    const mapping = idMapping({ store: postgresIdMapStore({ client: switching, schema }) })
    const pipeline = createPipeline({
      sinks: [postgresSink({ client: pool, schema })],
      transforms: [mapping],
    })
    await pipeline.start()
    const refused = await pipeline.emit(live, 'api-football').catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'id_mapping_failed', retryable: true })
    expect(await readEvents(pool, { schema, matchId: MATCH })).toEqual([])
    db = pool
    await away.end()
    await pipeline.emit(live, 'api-football')
    await pipeline.emit(after, 'statsbomb')
    await pipeline.stop()

    const stored = await readEvents(pool, { schema, matchId: MATCH })
    const ids = (events: readonly MatchEvent[]) => new Set(events.map((e) => e.id))
    expect(ids(stored)).toEqual(new Set([...ids(live), ...ids(after)]))
    expect(ids(live).size + ids(after).size).toBe(stored.length)
    for (const e of stored) {
      expect(e.matchId).toBe(MATCH)
      expect(e.providerMatchId).toBe(e.provider === 'api-football' ? '900001' : '9001')
      expect(e.id).toBe(`${e.provider}:${e.providerMatchId}:${e.providerEventId}`)
    }
    // Nothing under the providers' match ids.
    expect(await readEvents(pool, { schema, matchId: '900001' })).toEqual([])
    expect(await readEvents(pool, { schema, matchId: '9001' })).toEqual([])
    // Teams: the home side under one id from both providers, each provider's own id beside it; unmapped as it came.
    const teams = new Set(
      stored.filter((e) => e.team).map((e) => `${e.provider}:${e.team!.id}<-${e.team!.providerId}`),
    )
    expect(teams).toEqual(
      new Set([
        'api-football:getafe<-546',
        'api-football:529<-undefined',
        'statsbomb:getafe<-100',
        'statsbomb:200<-undefined',
      ]),
    )
    const player7 = stored.filter((e) => e.player?.id === 'player-7')
    expect(new Set(player7.map((e) => `${e.provider}:${e.player!.providerId}`))).toEqual(
      new Set(['api-football:2001', 'statsbomb:1001']),
    )
    const { counts } = mapping.unmapped()
    expect(counts.map((c) => `${c.provider}/${c.kind}`).sort()).toEqual([
      'api-football/player',
      'api-football/team',
      'statsbomb/player',
      'statsbomb/team',
    ])
  })
})
