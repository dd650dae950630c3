// Kinesis against kinesalite in a child process (started here, on 127.0.0.1): the sink through createPipeline
// versus a raw-SDK PutRecords loop, the consumer's catch-up into a memory sink versus a raw GetRecords loop —
// each pair against the same kinesalite in the same run, so the RATIOS are the figures (kinesalite is
// CPU-bound and locks a stream per request: its absolute speed says nothing about Kinesis) — and the takeover
// time of a shard after a worker dies (it stops renewing) and after a graceful stop, over 10 runs, with
// Postgres leases. Not a test: figures go to notes.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import pg from 'pg'
import type { MatchEvent } from '../src/event/schema.js'
import { validateMatchEvents } from '../src/event/validate.js'
import { createPipeline } from '../src/pipeline/index.js'
import {
  createKinesisConsumer,
  decodeRecord,
  type KinesisConsumer,
  kinesisSink,
  type LeaseStore,
  postgresLeaseStore,
} from '../src/sinks/kinesis/index.js'
import { memorySink } from '../src/sinks/memory.js'
import { migrate } from '../src/sinks/postgres/index.js'
import { type Kinesalite, startKinesalite } from '../test/helpers/kinesalite.js'
import { killableStore } from '../test/helpers/kinesis-workers.js'
import { DATABASE_URL } from '../test/helpers/postgres.js'
import { benchEvents } from './events.js'

const MATCHES = Number(process.env.BENCH_KINESIS_MATCHES ?? 1_000)
const PER_MATCH = 100
const PER_WRITE = 10
const SHARDS = 4

/** Bench clients: no SDK retries (the sink and the consumer retry themselves), room for a slow kinesalite. */
const benchClient = (k: Kinesalite) =>
  k.client({
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 30_000 }),
    maxAttempts: 1,
  })

/** Writes of PER_WRITE events, round-robin over the matches (as feeds deliver them), validated as parsed. */
function writes(): MatchEvent[][] {
  const out: MatchEvent[][] = []
  for (let from = 0; from < PER_MATCH; from += PER_WRITE) {
    for (let m = 0; m < MATCHES; m++) out.push(validateMatchEvents(benchEvents(m, from, PER_WRITE)))
  }
  return out
}

const perSecond = (count: number, ms: number) => Math.round(count / (ms / 1000))

/** Each match's writes in order, every match side by side (as on a match day: one feed per live match). */
function perMatch(work: MatchEvent[][]): MatchEvent[][][] {
  const byMatch = new Map<string, MatchEvent[][]>()
  for (const batch of work) byMatch.set(batch[0]!.matchId, [...(byMatch.get(batch[0]!.matchId) ?? []), batch])
  return [...byMatch.values()]
}

/** kinesisSink fed by one source per match, through createPipeline or (`direct`) calling `write` itself. */
async function sinkPut(k: Kinesalite, streamName: string, work: MatchEvent[][], direct: boolean) {
  const sink = kinesisSink({ client: benchClient(k), streamName })
  const pipeline = createPipeline({ sinks: [sink], dedupe: { maxIdsPerMatch: 200, maxMatches: MATCHES } })
  const feeds = perMatch(work)
  const started = performance.now()
  await Promise.all(
    feeds.map(async (batches) => {
      for (const batch of batches) await (direct ? sink.write(batch) : pipeline.emit(batch))
    }),
  )
  await pipeline.stop()
  const ms = performance.now() - started
  const events = work.length * PER_WRITE
  const { recordsPut, calls } = sink.counters()
  return { events, records: recordsPut, calls, eventsPerSecond: perSecond(events, ms) }
}

/**
 * The raw-SDK baseline: the same records (one per write, the sink's wire format), 500 per PutRecords (or
 * 5 MiB), 4 calls in flight — with no per-match ordering at all, so an upper bound.
 */
async function rawPutLoop(k: Kinesalite, streamName: string, work: MatchEvent[][]) {
  const kinesis = benchClient(k)
  const utf8 = new TextEncoder()
  const started = performance.now() // the encoding counts: a producer does it too
  const records = work.map((events) => ({
    PartitionKey: events[0]!.matchId,
    Data: utf8.encode(JSON.stringify({ v: 1, matchId: events[0]!.matchId, events })),
  }))
  const calls: (typeof records)[] = []
  let call: typeof records = []
  let bytes = 0
  for (const r of records) {
    const size = r.Data.byteLength + r.PartitionKey.length
    if (call.length === 500 || bytes + size > 5 * 1024 * 1024) {
      calls.push(call)
      call = []
      bytes = 0
    }
    call.push(r)
    bytes += size
  }
  calls.push(call)
  let next = 0
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < calls.length)
        await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: calls[next++]! }))
    }),
  )
  const ms = performance.now() - started
  kinesis.destroy()
  return {
    events: work.length * PER_WRITE,
    calls: calls.length,
    eventsPerSecond: perSecond(work.length * PER_WRITE, ms),
  }
}

/** The consumer from the trim horizon into a memory sink (through its pipeline), until every event is in. */
async function consumerCatchUp(k: Kinesalite, streamName: string, leaseStore: LeaseStore, total: number) {
  const memory = memorySink()
  const consumer = createKinesisConsumer({
    client: benchClient(k),
    streamName,
    leaseStore,
    sinks: [memory],
    batchSize: 10_000,
    idleMs: 50,
  })
  const started = performance.now()
  await consumer.start()
  while (consumer.metrics().eventsRead < total || memory.events().length < total) await sleep(5)
  const ms = performance.now() - started
  await consumer.stop()
  return { events: total, eventsPerSecond: perSecond(total, ms) }
}

/** The baseline: GetRecords over every shard side by side, decoding each record, until every shard is read. */
async function rawGetLoop(k: Kinesalite, streamName: string, total: number) {
  const kinesis = benchClient(k)
  let events = 0
  const started = performance.now()
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }))
  await Promise.all(
    Shards.map(async (shard) => {
      let { ShardIterator: iterator } = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
      while (iterator) {
        const reply = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }))
        for (const r of reply.Records ?? []) events += decodeRecord(r.Data!).length
        if ((reply.Records ?? []).length === 0) break
        iterator = reply.NextShardIterator
      }
    }),
  )
  const ms = performance.now() - started
  kinesis.destroy()
  if (events !== total) throw new Error(`raw GetRecords read ${events} events, expected ${total}`)
  return { events, eventsPerSecond: perSecond(events, ms) }
}

/** How long after a worker dies (or stops gracefully) another holds its shard: `runs` times each. */
async function takeovers(k: Kinesalite, pool: pg.Pool, schema: string, runs: number) {
  const leaseDurationMs = 3_000 // the lease spike's figure (kinesis-here.md)
  const measure = async (graceful: boolean) => {
    const streamName = `take-${randomUUID().slice(0, 8)}`
    await k.createStream(streamName, 1)
    const group = randomUUID()
    const make = (store: LeaseStore, workerId: string): KinesisConsumer =>
      createKinesisConsumer({
        client: benchClient(k),
        streamName,
        leaseStore: store,
        workerId,
        leaseDurationMs,
        idleMs: 50,
        handler: () => {},
      })
    const first = killableStore(postgresLeaseStore({ client: pool, schema, group }))
    const a = make(first.store, 'a')
    await a.start()
    while (a.shards().length === 0) await sleep(5)
    const b = make(postgresLeaseStore({ client: pool, schema, group }), 'b')
    await b.start()
    await sleep(100)
    const t = performance.now()
    if (graceful) await a.stop()
    else first.kill()
    while (b.shards().length === 0) await sleep(5)
    const ms = performance.now() - t
    await Promise.all([a.stop(), b.stop()]) // a dead worker's loop would go on otherwise

    return ms
  }
  const summary = (values: number[]) => {
    const s = [...values].sort((x, y) => x - y)
    const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]!)
    return { runs: s.length, minMs: q(0), p50Ms: q(0.5), p90Ms: q(0.9), maxMs: q(1) }
  }
  const killed: number[] = []
  const stopped: number[] = []
  for (let i = 0; i < runs; i++) killed.push(await measure(false))
  for (let i = 0; i < runs; i++) stopped.push(await measure(true))
  return { leaseDurationMs, afterKill: summary(killed), afterGracefulStop: summary(stopped) }
}

export async function run() {
  const k = await startKinesalite()
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 })
  const schema = `kbench_${randomUUID().slice(0, 8)}`
  const results: Record<string, unknown> = {}
  try {
    await pool.query('SELECT 1').catch((error: Error) => {
      throw new Error(`kinesis bench: cannot reach Postgres at ${DATABASE_URL}: ${error.message}`)
    })
    await migrate(pool, { schema })
    const work = writes()
    const total = work.length * PER_WRITE
    const rawStream = `raw-${randomUUID().slice(0, 8)}`
    const sinkStream = `sink-${randomUUID().slice(0, 8)}`
    await k.createStream(rawStream, SHARDS)
    await k.createStream(sinkStream, SHARDS)
    await rawPutLoop(k, rawStream, work.slice(0, 500)) // warm-up
    const raw = await rawPutLoop(k, rawStream, work)
    const directStream = `direct-${randomUUID().slice(0, 8)}`
    await k.createStream(directStream, SHARDS)
    const direct = await sinkPut(k, directStream, work, true)
    const piped = await sinkPut(k, sinkStream, work, false)
    const ratio = (a: number, b: number) => Number((a / b).toFixed(2))
    results.put = {
      raw,
      sinkAlone: direct,
      pipeline: piped,
      ratio: ratio(piped.eventsPerSecond, raw.eventsPerSecond),
      sinkAloneRatio: ratio(direct.eventsPerSecond, raw.eventsPerSecond),
    }
    console.log(`\nPut ${MATCHES} matches × ${PER_MATCH} events (writes of ${PER_WRITE}), ${SHARDS} shards`)
    console.table({
      'raw SDK PutRecords loop': raw,
      'kinesisSink.write, one writer per match': direct,
      'createPipeline → kinesisSink': piped,
    })
    const put = results.put as { ratio: number; sinkAloneRatio: number }
    console.log(`ratio pipeline / raw: ${put.ratio}; sink alone / raw: ${put.sinkAloneRatio}`)

    const rawRead = await rawGetLoop(k, sinkStream, total)
    const consumed = await consumerCatchUp(
      k,
      sinkStream,
      postgresLeaseStore({ client: pool, schema, group: 'catch-up' }),
      total,
    )
    results.catchUp = {
      raw: rawRead,
      consumer: consumed,
      ratio: Number((consumed.eventsPerSecond / rawRead.eventsPerSecond).toFixed(2)),
    }
    console.log('\nCatch-up: every event of the stream, from the trim horizon')
    console.table({
      'raw GetRecords loop (decode only)': rawRead,
      'createKinesisConsumer → memory sink': consumed,
    })
    console.log(`ratio consumer / raw: ${(results.catchUp as { ratio: number }).ratio}`)

    const runs = Number(process.env.BENCH_KINESIS_TAKEOVER_RUNS ?? 10)
    results.takeover = await takeovers(k, pool, schema, runs)
    console.log(`\nTakeover of a shard (Postgres leases), ${runs} runs each`)
    const t = results.takeover as Record<string, unknown>
    console.table({ 'after the holder died': t.afterKill, 'after a graceful stop': t.afterGracefulStop })
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
    await pool.end()
    await k.stop()
  }
  return results
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify({ bench: 'kinesis', ...(await run()) }))
}
