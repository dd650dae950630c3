import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import pg from 'pg'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPipeline, type SinkOptions } from '../../src/pipeline/index.js'
import { migrate, postgresSink } from '../../src/sinks/postgres/index.js'
import { type RedisClientLike, redisStreamsSink } from '../../src/sinks/redis/index.js'
import { type ChaosProxy, createChaosProxy } from '../helpers/chaos-proxy.js'
import { expectExactlyOnce, feed, matchDay } from '../helpers/match-day.js'
import { connectTestDatabase, DATABASE_URL, uniqueName } from '../helpers/postgres.js'
import { REDIS_URL, requireRedis, runPrefix } from '../helpers/redis.js'

// The network between the sinks and their servers goes bad while a match day streams through the pipeline:
// latency on every chunk, connections reset mid-stream, and a blackhole that swallows everything for a while
// before the connections die (Toxiproxy's latency, reset_peer and timeout toxics, from a proxy of our own).
// Whatever happens on the wire, every event must land exactly once, in order, with nothing dead-lettered.

const RUN = runPrefix()
let pool: pg.Pool
let admin: ReturnType<typeof createClient>
const schema = uniqueName('mf_chaos')

beforeAll(async () => {
  await requireRedis()
  pool = await connectTestDatabase()
  admin = createClient({ url: REDIS_URL })
  admin.on('error', () => {})
  await admin.connect()
})

afterAll(async () => {
  await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool?.end()
  if (admin?.isOpen) {
    for await (const keys of admin.scanIterator({ MATCH: `${RUN}*`, COUNT: 1000 })) {
      if (keys.length > 0) await admin.unlink(keys)
    }
    admin.destroy()
  }
})

const target = (url: string) => {
  const { hostname, port } = new URL(url)
  return { host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) }
}

/** Counts what reaches the sink, so that faults start once the stream is under way. */
function chaosPipeline(sink: SinkOptions) {
  const pipeline = createPipeline({ sinks: [sink] })
  let delivered = 0
  let errors = 0
  pipeline.on('delivered', (batch) => {
    delivered += batch.length
  })
  pipeline.on('sink:error', () => errors++)
  return { pipeline, delivered: () => delivered, errors: () => errors }
}

/**
 * While the batches flow: 2 ms of latency on every chunk from the start; resets when a tenth, a fifth and
 * three tenths of the events are delivered; a blackhole of `holeMs` at half; resets again at 0.7 and 0.8.
 * Tied to progress, not to time, so every fault lands mid-stream however fast the machine is.
 */
async function withChaos(
  proxy: ChaosProxy,
  run: { delivered: () => number },
  total: number,
  work: () => Promise<void>,
  holeMs: number,
): Promise<{ resets: number; holes: number }> {
  const plan: [number, 'reset' | 'hole'][] = [
    [0.1, 'reset'],
    [0.2, 'reset'],
    [0.3, 'reset'],
    [0.5, 'hole'],
    [0.7, 'reset'],
    [0.8, 'reset'],
  ]
  proxy.latency(2)
  let finished = false
  let resets = 0
  let holes = 0
  const chaos = (async () => {
    while (!finished && plan.length > 0) {
      await sleep(5)
      if (run.delivered() < total * plan[0]![0]) continue
      const [, fault] = plan.shift()!
      if (fault === 'hole') {
        holes++
        await proxy.blackhole(holeMs)
      } else if (proxy.reset() > 0) {
        resets++
      }
    }
  })()
  try {
    await work()
  } finally {
    finished = true
    await chaos
  }
  return { resets, holes }
}

/** A client that reconnects fast, as a service would configure it. */
async function chaosClient(kind: 'node-redis' | 'ioredis', url: string) {
  if (kind === 'node-redis') {
    const client = createClient({ url, socket: { reconnectStrategy: () => 20 } })
    client.on('error', () => {})
    await client.connect()
    return { client: client as RedisClientLike, close: () => client.destroy() }
  }
  const client = new Redis(url, { retryStrategy: () => 20, lazyConnect: true })
  client.on('error', () => {})
  await client.connect()
  return { client: client as RedisClientLike, close: () => client.disconnect() }
}

describe('network chaos between the sinks and their servers', () => {
  it.each(['node-redis', 'ioredis'] as const)(
    'Redis Streams (%s): latency, resets and a blackhole mid-stream; each (id, version) once, in order',
    {
      timeout: 120_000,
    },
    async (kind) => {
      const proxy = await createChaosProxy(target(REDIS_URL))
      const client = await chaosClient(kind, proxy.url(REDIS_URL))
      const sink = redisStreamsSink({
        client: client.client,
        prefix: `${RUN}chaos-${kind}:`,
        timeoutMs: 1_000,
      })
      const run = chaosPipeline({ sink, retry: { retries: 60, minDelayMs: 20, maxDelayMs: 250 } })
      const { expected, perFeeder, total } = matchDay(12, 300, 4)
      const done = await withChaos(proxy, run, total, () => feed(run.pipeline, perFeeder), 1_500)
      await run.pipeline.stop()
      expect(done.holes).toBe(1)
      expect(done.resets).toBeGreaterThanOrEqual(4)
      expect(run.errors()).toBeGreaterThan(0) // the faults did reach the sink
      expect(run.pipeline.metrics().sinks[sink.name]).toMatchObject({
        delivered: total,
        deadLettered: 0,
        rejected: 0,
        pending: 0,
      })
      await expectExactlyOnce((args) => admin.sendCommand(args), sink, expected)
      console.info(
        `[network chaos] ${kind}: ${total} events, ${done.resets} resets, ${done.holes} blackhole, ${proxy.accepted} connections, ${run.errors()} failed writes retried, ${sink.skipped} re-sent events skipped`,
      )
      client.close()
      await proxy.close()
    },
  )

  it('Postgres: latency, resets and a blackhole mid-stream; one row per id at its highest version', {
    timeout: 120_000,
  }, async () => {
    const table = uniqueName('chaos')
    await migrate(pool, { schema, table })
    const proxy = await createChaosProxy(target(DATABASE_URL))
    const sinkPool = new pg.Pool({ connectionString: proxy.url(DATABASE_URL), max: 4 })
    sinkPool.on('error', () => {}) // connections cut by the proxy are replaced
    const sink = postgresSink({ client: sinkPool, schema, table })
    // The blackhole hangs a statement until the proxy cuts its connection: the write timeout stays above it.
    const run = chaosPipeline({
      sink,
      writeTimeoutMs: 5_000,
      retry: { retries: 60, minDelayMs: 20, maxDelayMs: 250 },
    })
    const { expected, perFeeder, total } = matchDay(12, 300, 4)
    const done = await withChaos(proxy, run, total, () => feed(run.pipeline, perFeeder), 1_500)
    await run.pipeline.stop()
    await sinkPool.end()
    await proxy.close()
    expect(done.holes).toBe(1)
    expect(done.resets).toBeGreaterThanOrEqual(4)
    expect(run.errors()).toBeGreaterThan(0)
    expect(run.pipeline.metrics().sinks[sink.name]).toMatchObject({
      delivered: total,
      deadLettered: 0,
      rejected: 0,
      pending: 0,
    })
    // Every id once, at the last version the match produced for it.
    const latest = new Map<string, number>()
    for (const sequence of expected.values()) {
      for (const entry of sequence) {
        const [id, version] = entry.split('@') as [string, string]
        latest.set(id, Math.max(latest.get(id) ?? -1, Number(version)))
      }
    }
    const { rows } = await pool.query<{ id: string; version: number }>(
      `SELECT id, version::int AS version FROM "${schema}"."${table}"`,
    )
    expect(rows.length).toBe(latest.size)
    expect(new Map(rows.map((r) => [r.id, r.version]))).toEqual(latest)
    console.info(
      `[network chaos] postgres: ${total} events, ${done.resets} resets, ${done.holes} blackhole, ${proxy.accepted} connections, ${run.errors()} failed writes retried`,
    )
  })
})
