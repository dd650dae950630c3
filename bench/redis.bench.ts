// Redis Streams sink against a real Redis (REDIS_URL, default redis://127.0.0.1:6379): events/s appended
// pipelined (the dedupe script included), p99 write latency for a batch of 100, and the same through
// createPipeline. Not a test: figures go to notes. Keys live under their own prefix and are deleted.
import { randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import type { MatchEvent } from '../src/event/schema.js'
import { validateMatchEvents } from '../src/event/validate.js'
import { createPipeline } from '../src/pipeline/index.js'
import { type RedisClientLike, redisStreamsSink } from '../src/sinks/redis/index.js'
import { benchEvents } from './events.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

const events = benchEvents

/** Batches of one match each, round-robin over `matches`, validated as a parser's output is. */
function batches(total: number, size: number, matches: number): MatchEvent[][] {
  return Array.from({ length: total / size }, (_, i) =>
    validateMatchEvents(events(i % matches, Math.floor(i / matches) * size, size)),
  )
}

async function clear(client: ReturnType<typeof createClient>, prefix: string): Promise<void> {
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) await client.unlink(keys)
  }
}

/** `writers` side by side (like the pipeline's lanes), each writing its next batch when the last resolved. */
async function throughput(client: RedisClientLike, prefix: string, work: MatchEvent[][], writers: number) {
  const sink = redisStreamsSink({ client, prefix })
  await sink.write(events(999_999, 0, 1)) // loads the script
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < work.length) await sink.write(work[next++]!)
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const count = work.reduce((sum, b) => sum + b.length, 0)
  return { events: count, appended: sink.appended - 1, eventsPerSecond: Math.round(count / seconds) }
}

async function latency(client: RedisClientLike, prefix: string, work: MatchEvent[][]) {
  const sink = redisStreamsSink({ client, prefix })
  const times: number[] = []
  for (const batch of work) {
    const t = performance.now()
    await sink.write(batch)
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!
  return { writes: times.length, p50ms: q(0.5), p99ms: q(0.99), maxMs: times.at(-1)! }
}

async function throughPipeline(
  client: RedisClientLike,
  prefix: string,
  work: MatchEvent[][],
  sources: number,
) {
  const sink = redisStreamsSink({ client, prefix })
  const pipeline = createPipeline({ sinks: [sink], dedupe: { maxIdsPerMatch: 5_000, maxMatches: 200 } })
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: sources }, async () => {
      while (next < work.length) await pipeline.emit(work[next++]!)
    }),
  )
  const seconds = (performance.now() - started) / 1000
  await pipeline.stop()
  const count = work.reduce((sum, b) => sum + b.length, 0)
  return { events: count, appended: sink.appended, eventsPerSecond: Math.round(count / seconds) }
}

export async function run() {
  const node: ReturnType<typeof createClient> = createClient({ url: REDIS_URL })
  node.on('error', () => {})
  try {
    await node.connect()
  } catch (error) {
    throw new Error(`redis bench: cannot reach ${REDIS_URL}: ${(error as Error).message}`)
  }
  const io = new Redis(REDIS_URL)
  const prefix = `mfbench:${randomUUID().slice(0, 8)}:`
  const results: Record<string, unknown> = {}
  try {
    const total = Number(process.env.BENCH_REDIS_EVENTS ?? 200_000)
    for (const [name, client] of [
      ['node-redis', node],
      ['ioredis', io],
    ] as const) {
      await throughput(client, prefix, batches(20_000, 500, 100), 4) // warm-up
      await clear(node, prefix)
      const b500 = await throughput(client, prefix, batches(total, 500, 100), 8)
      await clear(node, prefix)
      const b100 = await throughput(client, prefix, batches(total, 100, 100), 8)
      await clear(node, prefix)
      const serial = await throughput(client, prefix, batches(total / 2, 500, 100), 1)
      await clear(node, prefix)
      const lat = await latency(client, prefix, batches(200_000, 100, 100))
      await clear(node, prefix)
      results[name] = { batch500x8: b500, batch100x8: b100, batch500serial: serial, latency100: lat }
      console.log(
        `${name}: ${b500.eventsPerSecond.toLocaleString()} events/s (batches of 500, 8 writers), ${b100.eventsPerSecond.toLocaleString()} (batches of 100, 8 writers), ${serial.eventsPerSecond.toLocaleString()} (batches of 500, one writer); batch of 100: p50 ${lat.p50ms.toFixed(2)} ms, p99 ${lat.p99ms.toFixed(2)} ms, max ${lat.maxMs.toFixed(2)} ms (${lat.writes} writes)`,
      )
    }
    const piped = await throughPipeline(node, prefix, batches(total, 100, 100), 8)
    await clear(node, prefix)
    results.pipeline = piped
    console.log(
      `createPipeline → redisStreamsSink (node-redis), batches of 100 from 8 sources: ${piped.eventsPerSecond.toLocaleString()} events/s`,
    )
  } finally {
    await clear(node, prefix)
    node.destroy()
    io.disconnect()
  }
  return results
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify({ bench: 'redis', ...(await run()) }))
}
