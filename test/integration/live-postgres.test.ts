import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { memoryLiveStore } from '../../src/live/store.js'
import { migrate, postgresSink, readEvents } from '../../src/sinks/postgres/index.js'
import {
  type HubServer,
  revised,
  scriptedEvents,
  startHub,
  trackedClient,
  until,
  versions,
} from '../helpers/live-harness.js'
import { connectTestDatabase, uniqueName } from '../helpers/postgres.js'

// One hub instance over Postgres: the pipeline writes Postgres and a memory store; a restarted instance seeds
// each match's memory from readEvents, so a client that comes back gets the whole match again.
let pool: pg.Pool
const schema = uniqueName('mf_live')
const table = 'events'
beforeAll(async () => {
  pool = await connectTestDatabase()
  await migrate(pool, { schema, table })
})
afterAll(async () => {
  await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool?.end()
})

describe('matchfeed/live seeded from Postgres', () => {
  it('a client of a restarted instance gets a snapshot from Postgres, then the live events', async () => {
    const sink = postgresSink({ client: pool, schema, table })
    const load = (matchId: string) => readEvents(pool, { schema, table, matchId })
    const start = async () => {
      const store = memoryLiveStore({ load })
      return { store, server: await startHub({ store, lingerMs: 0 }) }
    }
    let current: { store: ReturnType<typeof memoryLiveStore>; server: HubServer } = await start()
    const write = async (events: MatchEvent[]) => {
      await sink.write(events) // durable first, as the pipeline's block sink
      await current.store.write(events)
    }
    const t = trackedClient({ url: () => current.server.url, matches: ['m1'] })
    try {
      const first = scriptedEvents('m1', 0, 10)
      await write(first)
      await until(() => t.client.events('m1').length === 10, 'the first events')

      await current.server.close() // the instance goes; its memory with it
      current = await start()
      await write([
        ...scriptedEvents('m1', 10, 5),
        revised(first[2]!, 'correct'),
        revised(first[3]!, 'delete'),
      ])

      const stored = (await load('m1')).filter((e) => !e.deleted)
      expect(stored).toHaveLength(14)
      await until(
        () => versions(t.client.events('m1')).join() === versions(stored).join(),
        'the stored state',
      )
      expect(t.snapshots.get('m1')).toBe(2) // a position of the old process is not one of the new
      const got = t.received.get('m1') ?? []
      expect(new Set(got).size).toBe(got.length)
    } finally {
      t.client.close()
      await current.server.close()
      await sink.close?.()
    }
  })
})
