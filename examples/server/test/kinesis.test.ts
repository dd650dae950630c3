// Kinesis mode (the guide's Option B) against kinesalite, real Postgres and Redis: receivers acknowledge a
// webhook only once the stream took it, and 503 while Kinesis is away; workers, as processes, store every
// event once at its highest version and carry it to Redis through the outbox; a worker killed with -9
// mid-stream loses nothing that was acknowledged.
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChaosProxy } from '../../../test/helpers/chaos-proxy.js'
import { type Kinesalite, startKinesalite } from '../../../test/helpers/kinesalite.js'
import { readStream } from '../../../test/helpers/kinesis-stream.js'
import { REDIS_URL, requireRedis } from '../../../test/helpers/redis.js'
import { build } from '../src/app.js'
import { buildWorker } from '../src/worker.js'
import {
  deleteMatchKeys,
  deliveries,
  expectDeliveredOnce,
  queryOnce,
  storedVersions,
  testDatabases,
} from './delivered.js'
import { guideEvent, injectDelivery, testConfig } from './helpers.js'
import { freePort, type ServerProcess, startServer } from './server-process.js'

const run = `${process.pid}x${Math.random().toString(36).slice(2, 7)}`
// kinesalite checks no signature, but the SDK's default chain must find credentials to sign with.
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }
const saved = {
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
}
const databases = testDatabases('mfkin')
const freshDatabase = () => databases.create()
const cleanups: (() => Promise<unknown>)[] = []
let kinesalite: Kinesalite

beforeAll(async () => {
  Object.assign(process.env, CREDENTIALS)
  await requireRedis()
  kinesalite = await startKinesalite()
}, 30_000)
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  await kinesalite?.stop()
  await databases.dropAll()
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
}, 30_000)

async function freshStream(shards: number, on = kinesalite): Promise<string> {
  const name = `mfkin-${run}-${Math.random().toString(36).slice(2, 7)}`
  await on.createStream(name, shards)
  return name
}

/** Receivers in this process (inject), putting to `stream`; closed after the test. */
async function receivers(env: Record<string, string>): Promise<FastifyInstance> {
  const app = await build(testConfig({ SHUTDOWN_DEADLINE_MS: '500', ...env }))
  cleanups.push(() => app.close())
  await app.runtime.ready
  return app
}

const post = injectDelivery

/** A worker process on the stream, with the consumer's default 10 s lease. */
function startWorker(env: Record<string, string>, port: number): Promise<ServerProcess> {
  return startServer({ MATCHFEED_MODE: 'worker', ...CREDENTIALS, ...env }, port)
}

/**
 * Match ids spread over both shards of a two-shard stream, `perShard` on each: Kinesis puts a key on the shard
 * whose hash-key range holds MD5(key), and a new stream's ranges split the 128-bit space evenly.
 */
function onBothShards(prefix: string, perShard: number): string[] {
  const byShard: string[][] = [[], []]
  for (let i = 0; byShard.some((ids) => ids.length < perShard); i++) {
    const id = `${prefix}${i}`
    const ids = byShard[createHash('md5').update(id).digest()[0]! < 0x80 ? 0 : 1]!
    if (ids.length < perShard) ids.push(id)
  }
  return byShard.flat()
}

/** A TCP proxy in front of kinesalite that can slow the network down or cut it; closed after the test. */
async function slowKinesis() {
  const proxy = await createChaosProxy({ host: '127.0.0.1', port: kinesalite.port })
  cleanups.push(() => proxy.close())
  return proxy
}

/** Waits (30 s at most) until the worker holds a shard's lease. */
async function holdsAShard(worker: ServerProcess) {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const { shards } = await fetch(`${worker.base}/readyz`).then((r) => r.json())
    if (shards?.length > 0) return
    await sleep(200)
  }
  throw new Error(`the worker held no shard within 30 s:\n${worker.output()}`)
}

describe('receivers (MATCHFEED_MODE=server with KINESIS_STREAM)', () => {
  it('answers a signed webhook 200 only once its record is in the stream, and stores nothing itself', async () => {
    const url = await freshDatabase()
    const stream = await freshStream(1)
    const proxy = await slowKinesis()
    const app = await receivers({
      DATABASE_URL: url,
      KINESIS_STREAM: stream,
      KINESIS_ENDPOINT: proxy.url(kinesalite.endpoint),
    })
    const matchId = `a${run}`
    proxy.latency(300) // each way: the put takes at least 600 ms
    const started = Date.now()
    const res = await post(app, [
      guideEvent({ match_id: matchId }),
      guideEvent({ match_id: matchId, event_id: 'e2' }),
    ])
    expect(Date.now() - started).toBeGreaterThanOrEqual(600) // the answer waited for the put's
    proxy.latency(0)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', events: 2 })

    // Read back at once: the acknowledgement came after Kinesis took the put.
    const client = kinesalite.client()
    const [events] = [...(await readStream(client, stream)).values()]
    expect(events?.map((e) => e.id)).toEqual([`custom:${matchId}:e1`, `custom:${matchId}:e2`])
    expect(events?.[0]).toMatchObject({ matchId, providerType: 'goal', version: 0 })
    // The workers store; a receiver does not (its read routes read what they stored).
    expect((await storedVersions(url, [matchId])).size).toBe(0)
    const ready = await app.inject('/readyz')
    expect(ready.statusCode).toBe(200)
    const health = (await app.inject('/api/v1/feed/health')).json()
    expect(health.kinesis).toEqual({ stream, reachable: true })
  })

  it('Kinesis unreachable: 503 with Retry-After, never 2xx; /readyz and the health route say so', async () => {
    const url = await freshDatabase()
    const own = await startKinesalite()
    cleanups.push(() => own.stop())
    const stream = await freshStream(1, own)
    const app = await receivers({
      DATABASE_URL: url,
      KINESIS_STREAM: stream,
      KINESIS_ENDPOINT: own.endpoint,
      RESPOND_WITHIN_MS: '1000',
    })
    const matchId = `u${run}`
    expect((await post(app, guideEvent({ match_id: matchId, event_id: 'before' }))).statusCode).toBe(200)

    await own.stop() // connections refused from now on
    const answers = []
    for (let i = 0; i < 3; i++) {
      const res = await post(app, guideEvent({ match_id: matchId, event_id: `during${i}` }))
      answers.push([res.statusCode, res.headers['retry-after']])
    }
    expect(answers).toEqual([
      [503, '5'],
      [503, '5'],
      [503, '5'],
    ])
    const ready = await app.inject('/readyz')
    expect(ready.statusCode).toBe(503)
    expect(ready.headers['retry-after']).toBe('5')
    // The error's code only: the SDK's message (endpoints, addresses) goes to the log, not to the public.
    expect(ready.json().problems).toEqual(['kinesis unreachable: ECONNREFUSED'])
    const health = await app.inject('/api/v1/feed/health')
    expect(health.statusCode).toBe(503)
    expect(health.json()).toMatchObject({
      status: 'down',
      kinesis: { stream, reachable: false, error: 'ECONNREFUSED' },
    })
  })

  it('Kinesis not answering: 503 at RESPOND_WITHIN_MS, never 2xx; the same receiver acknowledges the retries once it answers', async () => {
    const url = await freshDatabase()
    const stream = await freshStream(1)
    const proxy = await slowKinesis()
    const app = await receivers({
      DATABASE_URL: url,
      KINESIS_STREAM: stream,
      KINESIS_ENDPOINT: proxy.url(kinesalite.endpoint),
      RESPOND_WITHIN_MS: '1000',
    })
    const matchId = `b${run}`
    const list = [0, 1, 2].map((i) => guideEvent({ match_id: matchId, event_id: `e${i}` }))
    // Long enough for the three 1 s answers and a /readyz whose probe waits 2 s, with room to spare.
    const outage = proxy.blackhole(15_000)
    const during = []
    for (const delivery of list) {
      const res = await post(app, delivery)
      during.push([res.statusCode, res.headers['retry-after']])
    }
    expect(during).toEqual(list.map(() => [503, '5']))
    expect((await app.inject('/readyz')).statusCode).toBe(503)
    await outage

    // The sender retries each delivery until acknowledged; each is then in the stream.
    for (const delivery of list) {
      const deadline = Date.now() + 30_000
      let status = 0
      while (status !== 200 && Date.now() < deadline) {
        status = (await post(app, delivery)).statusCode
        if (status !== 200) await sleep(200)
      }
      expect(status).toBe(200)
    }
    const [events] = [...(await readStream(kinesalite.client(), stream)).values()]
    expect(new Set(events?.map((e) => e.id))).toEqual(
      new Set(list.map((d) => `custom:${matchId}:${d.event_id}`)),
    )
    expect((await app.inject('/readyz')).statusCode).toBe(200)
  }, 60_000)

  it('answers every health poll and readiness check from one DescribeStreamSummary at a time, reused for 5 s', async () => {
    const url = await freshDatabase()
    const stream = await freshStream(1)
    const app = await receivers({
      DATABASE_URL: url,
      KINESIS_STREAM: stream,
      KINESIS_ENDPOINT: kinesalite.endpoint,
    })
    let described = 0
    app.runtime.kinesis!.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DescribeStreamSummaryCommand') described++
        return next(args)
      },
      { step: 'initialize' },
    )
    const burst = () =>
      Promise.all(Array.from({ length: 40 }, (_, i) => app.inject(i % 2 ? '/readyz' : '/api/v1/feed/health')))
    const first = await burst()
    expect(first.map((r) => r.statusCode)).toEqual(first.map(() => 200))
    expect((await burst()).every((r) => r.statusCode === 200)).toBe(true)
    expect(described).toBe(1)
    await sleep(5200)
    expect((await burst()).every((r) => r.statusCode === 200)).toBe(true)
    expect(described).toBe(2)
  }, 30_000)
})

describe('a worker (buildWorker) closed while its consumer starts', () => {
  it('stops the consumer once its start returned, before the storage closes', async () => {
    const url = await freshDatabase()
    const stream = await freshStream(1)
    const app = await buildWorker(
      testConfig({
        MATCHFEED_MODE: 'worker',
        DATABASE_URL: url,
        KINESIS_STREAM: stream,
        KINESIS_ENDPOINT: kinesalite.endpoint,
        SHUTDOWN_DEADLINE_MS: '5000',
      }),
    )
    const { consumer } = app.worker
    cleanups.push(() => consumer.stop())
    // The real start, held open until the close has begun: the window in which the consumer still looks idle
    // to its own stop.
    const start = consumer.start
    let entered!: () => void
    let release!: () => void
    const inStart = new Promise<void>((resolve) => (entered = resolve))
    const held = new Promise<void>((resolve) => (release = resolve))
    let started: Promise<void> | undefined
    Object.assign(consumer, {
      start: () => {
        entered()
        started = held.then(start)
        return started
      },
    })
    await inStart
    const closed = app.close()
    await sleep(200)
    release()
    await closed
    await started
    await sleep(300) // a consumer left running would have taken the shard's lease by now
    expect(consumer.running).toBe(false)
    expect(app.stopOverran).toBe(false)
    expect(
      await queryOnce(url, 'SELECT owner FROM matchfeed_kinesis_leases WHERE owner IS NOT NULL'),
    ).toEqual([])
  }, 30_000)
})

/**
 * For the worker processes: a database and a two-shard stream of their own, the environment of receivers and
 * workers on them, and two match ids on each shard (their Redis keys removed afterwards).
 */
async function workersSetup(tag: string) {
  const url = await freshDatabase()
  const stream = await freshStream(2)
  const env = { DATABASE_URL: url, REDIS_URL, KINESIS_STREAM: stream, KINESIS_ENDPOINT: kinesalite.endpoint }
  const matchIds = onBothShards(`${tag}${run}-`, 2)
  cleanups.push(() => deleteMatchKeys(REDIS_URL, matchIds))
  return { url, stream, env, matchIds }
}

describe('workers (MATCHFEED_MODE=worker) as processes', () => {
  it('store what the receivers put, once at the highest version, and carry it to Redis through the outbox', async () => {
    const { url, stream, env, matchIds } = await workersSetup('w')
    const worker = await startWorker(env, await freePort())
    cleanups.push(() => worker.kill9())
    const app = await receivers(env)
    const { list, highest } = deliveries(matchIds, 30)
    for (const delivery of list) expect((await post(app, delivery)).statusCode).toBe(200)

    await expectDeliveredOnce(url, REDIS_URL, matchIds, highest)
    // Only the operational routes on a worker.
    const [ready, metrics, publicRoute] = await Promise.all([
      fetch(`${worker.base}/readyz`).then(async (r) => [r.status, await r.json()] as const),
      fetch(`${worker.base}/metrics`).then((r) => r.text()),
      fetch(`${worker.base}/api/v1/matches/${matchIds[0]}/events`).then((r) => r.status),
    ])
    expect(ready).toEqual([
      200,
      { status: 'ready', shards: ['shardId-000000000000', 'shardId-000000000001'] },
    ])
    expect(metrics).toMatch(new RegExp(`matchfeed_kinesis_records_read_total\\{stream="${stream}"\\} [1-9]`))
    expect(metrics).toContain('matchfeed_server_outbox_pending_rows 0')
    expect(publicRoute).toBe(404)
    // The receivers' read route reads what the worker stored.
    const read = await app.inject(`/api/v1/matches/${matchIds[0]}/events`)
    expect(read.json().events).toHaveLength(30)
    expect(await worker.stop()).toBe(0)
    // Released, and checkpointed on every shard that had records.
    const byShard = await readStream(kinesalite.client(), stream)
    expect([...byShard.values()].map((events) => events.length > 0)).toEqual([true, true]) // onBothShards
    const leases = await queryOnce(
      url,
      'SELECT lease_key, owner, checkpoint IS NOT NULL AS checkpointed FROM matchfeed_kinesis_leases ORDER BY 1',
    )
    expect(leases).toEqual(
      [...byShard].sort().map(([shardId, events]) => ({
        lease_key: `${stream}:${shardId}`,
        owner: null,
        checkpointed: events.length > 0,
      })),
    )
  }, 90_000)

  it('a worker killed with -9 mid-stream: the other takes its lease over, nothing acknowledged is lost', async () => {
    const { url, stream, env, matchIds } = await workersSetup('k')
    const [a, b] = await Promise.all([startWorker(env, await freePort()), startWorker(env, await freePort())])
    cleanups.push(
      () => a.kill9(),
      () => b.kill9(),
    )
    await holdsAShard(a) // so that the kill takes a lease away
    const app = await receivers(env)
    const { list, highest } = deliveries(matchIds, 40)
    const statuses = new Set<number>()
    let killed: Promise<void> | undefined
    for (const [i, delivery] of list.entries()) {
      if (i === Math.floor(list.length / 3)) killed = a.kill9() // not awaited: mid-stream, batches in flight
      statuses.add((await post(app, delivery)).statusCode)
      if (i % 20 === 0) await sleep(50) // spread over the workers' reads
    }
    await killed
    expect([...statuses]).toEqual([200])

    // b takes over a's shard once its lease expired (10 s) and reads it again from the checkpoint.
    await expectDeliveredOnce(url, REDIS_URL, matchIds, highest)
    const ready = await fetch(`${b.base}/readyz`).then((r) => r.json())
    expect(ready.shards).toEqual(['shardId-000000000000', 'shardId-000000000001'])
    const metrics = await fetch(`${b.base}/metrics`).then((r) => r.text())
    expect(metrics).toMatch(
      new RegExp(`matchfeed_kinesis_lease_takeovers_total\\{stream="${stream}"\\} [1-9]`),
    )
    expect(await b.stop()).toBe(0)
  }, 120_000)

  it('a stop that overruns SHUTDOWN_DEADLINE_MS exits 1 and says the shards are read again, not that events were lost', async () => {
    const url = await freshDatabase()
    const stream = await freshStream(1)
    const postgres = await createChaosProxy({ host: '127.0.0.1', port: Number(new URL(url).port || 5432) })
    cleanups.push(() => postgres.close())
    const worker = await startWorker(
      {
        DATABASE_URL: postgres.url(url),
        KINESIS_STREAM: stream,
        KINESIS_ENDPOINT: kinesalite.endpoint,
        SHUTDOWN_DEADLINE_MS: '500',
      },
      await freePort(),
    )
    cleanups.push(() => worker.kill9())
    await holdsAShard(worker)
    void postgres.blackhole(20_000) // the lease renewals and the release hang
    expect(await worker.stop()).toBe(1)
    expect(worker.output()).toContain(
      "the worker's stop overran its deadline: its shards are read again from their checkpoints by their next owner",
    )
    expect(worker.output()).not.toContain('events not written')
  }, 60_000)
})
