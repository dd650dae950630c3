import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { kinesisSink } from '../../src/sinks/kinesis/index.js'
import { migrate } from '../../src/sinks/postgres/index.js'
import { type Kinesalite, startKinesalite } from '../helpers/kinesalite.js'
import { startWorker, type WorkerProcess } from '../helpers/kinesis-worker-pool.js'
import { matchDay } from '../helpers/match-day.js'
import { connectTestDatabase, DATABASE_URL, uniqueName } from '../helpers/postgres.js'
import { until } from '../helpers/redis.js'

// Worker PROCESSES on a 4-shard stream, their leases and their sink in Postgres. Leases of 1.5 s.
const LEASE_MS = 1_500

let kinesalite: Kinesalite
let pool: pg.Pool
const schemas: string[] = []
const workers: WorkerProcess[] = []

beforeAll(async () => {
  kinesalite = await startKinesalite()
  pool = await connectTestDatabase()
})
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()))
})
afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool?.end()
  await kinesalite?.stop()
})

/** A stream, a schema, and a producer writing a match day (20 matches) in small batches over ~`spreadMs`. */
async function setUp(perMatch: number, spreadMs: number) {
  const stream = `w-${randomUUID().slice(0, 8)}`
  await kinesalite.createStream(stream, 4)
  const schema = uniqueName('kworkers')
  schemas.push(schema)
  await migrate(pool, { schema })
  const { expected, perFeeder, total } = matchDay(20, perMatch, 1)
  const sink = kinesisSink({ client: kinesalite.client(), streamName: stream })
  const batches = perFeeder[0]!
  let produced: Promise<void> | undefined
  const produce = () => {
    produced ??= (async () => {
      for (const [i, batch] of batches.entries()) {
        await sink.write(batch)
        if (i % 20 === 0) await sleep(spreadMs / (batches.length / 20))
      }
      await sink.close()
    })()
    return produced
  }
  const env = {
    DATABASE_URL,
    KINESIS_ENDPOINT: kinesalite.endpoint,
    STREAM: stream,
    SCHEMA: schema,
    LEASE_MS: String(LEASE_MS),
  }
  return { expected, total, produce, env, schema }
}

/** Every stored version, per match, in the order stored (the outbox: one row per version actually stored). */
async function stored(schema: string): Promise<Map<string, string[]>> {
  const { rows } = await pool.query(
    `SELECT match_id, event_id, version FROM "${schema}"."match_events_outbox" ORDER BY id`,
  )
  const out = new Map<string, string[]>()
  for (const r of rows) out.set(r.match_id, [...(out.get(r.match_id) ?? []), `${r.event_id}@${r.version}`])
  return out
}

/** id → the version the match day ends with. */
function finalVersions(expected: Map<string, string[]>): Map<string, number> {
  const out = new Map<string, number>()
  for (const k of [...expected.values()].flat()) {
    const [id, v] = k.split('@') as [string, string]
    out.set(id, Math.max(out.get(id) ?? -1, Number(v)))
  }
  return out
}

/**
 * The sink holds every event at its final version; no version was stored twice; per match, events were first
 * stored in seq order and each id's versions ascending. (A write holding two versions of an id stores the
 * higher only: the outbox has the versions stored, not every version produced.)
 */
async function expectEveryEventOnceInOrder(schema: string, expected: Map<string, string[]>) {
  const finals = finalVersions(expected)
  const current = async () => {
    const { rows } = await pool.query(`SELECT id, version FROM "${schema}"."match_events"`)
    return new Map(rows.map((r) => [r.id as string, Number(r.version)]))
  }
  await until(
    async () => {
      const now = await current()
      return [...finals].every(([id, v]) => now.get(id) === v)
    },
    'every event stored at its final version',
    15_000,
  )
  expect((await current()).size).toBe(finals.size)
  const byMatch = await stored(schema)
  for (const [matchId, sequence] of expected) {
    const got = byMatch.get(matchId)!
    expect(new Set(got).size).toBe(got.length) // no version stored twice
    const firstSeen = [...new Set(got.map((k) => k.split('@')[0]!))]
    expect(firstSeen).toEqual([...new Set(sequence.map((k) => k.split('@')[0]!))])
    const versions = new Map<string, number>()
    for (const k of got) {
      const [id, v] = k.split('@') as [string, string]
      expect(Number(v)).toBeGreaterThan(versions.get(id) ?? -1)
      versions.set(id, Number(v))
    }
  }
}

/** Lease checkpoints of the group, read every 20 ms: none may ever move backwards. */
function watchCheckpoints(schema: string) {
  const last = new Map<string, bigint>()
  const backwards: string[] = []
  let running = true
  const done = (async () => {
    while (running) {
      const { rows } = await pool.query(
        `SELECT lease_key, checkpoint FROM "${schema}"."matchfeed_kinesis_leases" WHERE checkpoint ~ '^[0-9]+$'`,
      )
      for (const r of rows) {
        const value = BigInt(r.checkpoint)
        if (value < (last.get(r.lease_key) ?? 0n))
          backwards.push(`${r.lease_key}: ${last.get(r.lease_key)} → ${value}`)
        last.set(r.lease_key, value)
      }
      await sleep(20)
    }
  })()
  return {
    backwards,
    async stop() {
      running = false
      await done
    },
  }
}

describe('kinesis consumer worker processes (4 shards, Postgres leases and sink)', () => {
  it.each([2, 3])(
    '%i workers, one SIGKILLed mid-batch: its shards taken over in time, nothing lost, every event once',
    async (count) => {
      const run = await setUp(60, 3_000)
      // Each batch is held 120 ms after its write, before its checkpoint: the kill lands in that window.
      for (let i = 0; i < count; i++) workers.push(startWorker(`w${i}`, { ...run.env, HOLD_MS: '120' }))
      // Setup, not the claim under test: worker processes start slowly on a busy CI box (tsx, the SDK).
      await until(() => workers.every((w) => w.shards.length > 0), 'every worker holding a shard', 40_000)
      const production = run.produce()
      const victim = workers.reduce((a, b) => (b.shards.length > a.shards.length ? b : a))
      const batchesBefore = victim.batches
      await until(() => victim.batches > batchesBefore, 'the victim in a batch (written, not checkpointed)')
      await victim.kill()
      const survivors = workers.filter((w) => w !== victim)
      // The claim: taken over within a lease duration + 2 s of the kill (until throws past it).
      await until(
        () => survivors.flatMap((w) => w.shards).length === 4,
        'the survivors holding all 4 shards',
        LEASE_MS + 2_000,
      )
      await production
      await expectEveryEventOnceInOrder(run.schema, run.expected)
      // What the victim had written but not checkpointed was delivered again.
      expect(workers.reduce((sum, w) => sum + w.handled, 0)).toBeGreaterThan(run.total)
    },
    90_000,
  )

  it('a zombie (SIGSTOP past its lease, then SIGCONT) never moves a checkpoint back; its late writes change nothing', async () => {
    const run = await setUp(80, 3_000)
    const checkpoints = watchCheckpoints(run.schema)
    for (let i = 0; i < 2; i++) workers.push(startWorker(`z${i}`, { ...run.env, HOLD_MS: '40' }))
    await until(() => workers.every((w) => w.shards.length > 0), 'both workers holding shards', 40_000)
    const production = run.produce()
    const [zombie, other] = workers as [WorkerProcess, WorkerProcess]
    const before = zombie.batches
    await until(() => zombie.batches > before, 'the zombie in a batch')
    zombie.signal('SIGSTOP')
    await until(() => other.shards.length === 4, 'the other worker holding every shard', LEASE_MS + 2_000)
    zombie.signal('SIGCONT')
    await until(() => zombie.shards.length === 0 || zombie.batches > before + 1, 'the zombie awake', 5_000)
    await production
    await expectEveryEventOnceInOrder(run.schema, run.expected)
    await checkpoints.stop()
    expect(checkpoints.backwards).toEqual([])
  }, 90_000)
})
