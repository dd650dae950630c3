import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createKinesisConsumer,
  kinesisSink,
  type LeaseStore,
  postgresLeaseStore,
  redisLeaseStore,
} from '../../src/sinks/kinesis/index.js'
import { migrate } from '../../src/sinks/postgres/index.js'
import { createChaosProxy } from '../helpers/chaos-proxy.js'
import { makeEvent } from '../helpers/events.js'
import { type Kinesalite, startKinesalite } from '../helpers/kinesalite.js'
import { callLog, ScratchRedis } from '../helpers/kinesis-outage.js'
import { connectTestDatabase, DATABASE_URL, uniqueName } from '../helpers/postgres.js'
import { freePort, until } from '../helpers/redis.js'

// Test 6: the lease store goes away. A worker must stop handling batches before its lease could expire (no
// other worker could be sure then), and carry on once the store is back. Leases of 900 ms.
const LEASE_MS = 900

let kinesalite: Kinesalite
let admin: pg.Pool
const schemas: string[] = []

beforeAll(async () => {
  kinesalite = await startKinesalite()
  admin = await connectTestDatabase()
})
afterAll(async () => {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await admin?.end()
  await kinesalite?.stop()
})

/** A 2-shard stream with a producer writing one event per match every 20 ms until stopped. */
async function liveStream() {
  const streamName = `o-${randomUUID().slice(0, 8)}`
  await kinesalite.createStream(streamName, 2)
  const sink = kinesisSink({ client: kinesalite.client(), streamName })
  const produced = new Set<string>()
  let running = true
  const done = (async () => {
    for (let n = 0; running; n++) {
      const batch = ['a', 'b', 'c'].map((m) => makeEvent({ matchId: m, providerEventId: `e${n}`, seq: n }))
      await sink.write(batch)
      for (const e of batch) produced.add(e.id)
      await sleep(20)
    }
    await sink.close()
  })()
  return {
    streamName,
    produced,
    stop: async () => {
      running = false
      await done
    },
  }
}

function consumerOn(
  streamName: string,
  leaseStore: LeaseStore,
  seen: Set<string>,
  log: ReturnType<typeof callLog>,
) {
  return createKinesisConsumer({
    client: kinesalite.client(),
    streamName,
    leaseStore,
    leaseDurationMs: LEASE_MS,
    idleMs: 20,
    backoffMs: 20,
    shardSyncIntervalMs: 100,
    handler: (events) => {
      log.record()
      for (const e of events) seen.add(e.id)
    },
  })
}

/**
 * A worker on a live stream with `leaseStore`; the outage runs between `down()` and `up()`. Checks that no
 * batch started from the moment its lease could have expired until the store was back, and that it then
 * handled everything.
 */
async function throughOutage(leaseStore: LeaseStore, down: () => Promise<void>, up: () => Promise<void>) {
  const stream = await liveStream()
  const seen = new Set<string>()
  const log = callLog()
  const consumer = consumerOn(stream.streamName, leaseStore, seen, log)
  try {
    await consumer.start()
    await until(() => consumer.shards().length === 2 && log.at.length > 5, 'the worker handling both shards')
    const downAt = Date.now()
    await down()
    await sleep(LEASE_MS * 2.5)
    const upAt = Date.now()
    expect(log.between(downAt + LEASE_MS, upAt)).toBe(0)
    expect(consumer.shards()).toEqual([])
    await up()
    await until(() => log.after(upAt) && consumer.shards().length === 2, 'the worker handling again', 10_000)
    await stream.stop()
    await until(() => [...stream.produced].every((id) => seen.has(id)), 'everything produced handled', 10_000)
  } finally {
    await consumer.stop()
    await stream.stop()
  }
}

describe('a lease store outage', () => {
  it('Postgres blackholed (then its connections cut): the worker stops before its lease could expire, and resumes', async () => {
    const schema = uniqueName('koutage')
    schemas.push(schema)
    await migrate(admin, { schema })
    const { hostname, port } = new URL(DATABASE_URL)
    const proxy = await createChaosProxy({ host: hostname, port: Number(port || 5432) })
    const pool = new pg.Pool({ connectionString: proxy.url(DATABASE_URL), max: 3 })
    pool.on('error', () => {})
    let hole: Promise<void> | undefined
    try {
      await throughOutage(
        postgresLeaseStore({ client: pool, schema }),
        async () => {
          hole = proxy.blackhole(LEASE_MS * 2.5)
        },
        async () => {
          await hole
        },
      )
    } finally {
      await pool.end()
      await proxy.close()
    }
  })

  it('Postgres connections terminated (pg_terminate_backend): the worker rides it out without losing a lease', async () => {
    const schema = uniqueName('kterm')
    schemas.push(schema)
    await migrate(admin, { schema })
    const application = uniqueName('kinesis_leases')
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 3, application_name: application })
    pool.on('error', () => {})
    const stream = await liveStream()
    const seen = new Set<string>()
    const log = callLog()
    const consumer = consumerOn(stream.streamName, postgresLeaseStore({ client: pool, schema }), seen, log)
    try {
      await consumer.start()
      await until(() => consumer.shards().length === 2, 'the worker holding both shards')
      let terminated = 0
      for (let i = 0; i < 3; i++) {
        const { rows } = await admin.query(
          'SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1',
          [application],
        )
        terminated += rows.filter((r) => r.done).length
        await sleep(LEASE_MS / 2)
      }
      const at = Date.now()
      await until(() => log.after(at), 'a batch after the terminations')
      await stream.stop()
      await until(
        () => [...stream.produced].every((id) => seen.has(id)),
        'everything produced handled',
        10_000,
      )
      expect(terminated).toBeGreaterThan(0)
      expect(consumer.metrics().leasesLost).toBe(0)
    } finally {
      await consumer.stop()
      await stream.stop()
      await pool.end()
    }
  })

  it('Redis killed (a throw-away server) and started again empty: the worker stops in time, then starts over', async () => {
    const redis = new ScratchRedis(await freePort())
    await redis.start()
    const store = redisLeaseStore({ url: redis.url, group: 'outage' })
    try {
      await throughOutage(
        store,
        () => redis.kill(),
        () => redis.start(),
      )
    } finally {
      await store.close?.()
      await redis.kill()
    }
  })
})
