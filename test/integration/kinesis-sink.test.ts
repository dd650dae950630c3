import { randomUUID } from 'node:crypto'
import type { KinesisClient } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { createPipeline, type DeadLetter } from '../../src/pipeline/index.js'
import { kinesisSink } from '../../src/sinks/kinesis/index.js'
import { prng } from '../../src/testing/seeded-random.js'
import { createChaosProxy } from '../helpers/chaos-proxy.js'
import { makeEvent } from '../helpers/events.js'
import { type Kinesalite, startKinesalite } from '../helpers/kinesalite.js'
import { injectKinesisFaults } from '../helpers/kinesis-faults.js'
import { dedupedByMatch, readStream } from '../helpers/kinesis-stream.js'
import { feed, matchDay } from '../helpers/match-day.js'
import { describeSinkConformance, type SinkHarness } from '../helpers/sink-conformance.js'

let kinesalite: Kinesalite
let admin: KinesisClient

beforeAll(async () => {
  kinesalite = await startKinesalite()
  admin = kinesalite.client()
})
afterAll(() => kinesalite?.stop())

const newStream = async (shards: number) => {
  const name = `s-${randomUUID().slice(0, 8)}`
  await kinesalite.createStream(name, shards)
  return name
}

// Kinesis has no idempotent put: the stream is at least once, and what a match's history IS, is what a
// deduplicating reader (every matchfeed sink, behind the consumer) keeps of it: each (id, version) the first
// time, and only above the id's highest version seen. The suite checks that view of the stream.
async function harness(): Promise<SinkHarness> {
  const streamName = await newStream(2)
  return {
    open: async () => kinesisSink({ client: kinesalite.client(), streamName }),
    records: async (matchId) => dedupedByMatch(await readStream(admin, streamName)).get(matchId) ?? [],
    dispose: async () => {},
  }
}

describeSinkConformance('kinesis', harness, { appendOnly: true })

const keys = (events: MatchEvent[] | undefined) => (events ?? []).map((e) => `${e.id}@${e.version}`)

/**
 * The sink as the fault tests use it: records of 2 KiB (a write of 10 events is 2–3 chunks, so a match has
 * several records queued at once) and room for many retries.
 */
const sinkUnderFaults = (client: KinesisClient, streamName: string) =>
  kinesisSink({
    client,
    streamName,
    maxRecordBytes: 2048,
    retry: { attempts: 20, minDelayMs: 5, maxDelayMs: 50 },
  })

/** A match day through the pipeline into a 4-shard stream, with faults on the sink's client. */
async function matchDayThroughFaults(
  seed: number,
  setup: (faults: ReturnType<typeof injectKinesisFaults>) => void,
) {
  const streamName = await newStream(4)
  const client = kinesalite.client({ maxAttempts: 1 })
  const faults = injectKinesisFaults(client, prng(seed))
  setup(faults)
  const sink = sinkUnderFaults(client, streamName)
  const letters: DeadLetter[] = []
  const pipeline = createPipeline({ sinks: [sink], onDeadLetter: (letter) => void letters.push(letter) })
  const { expected, perFeeder, total } = matchDay(20, 200, 4)
  await pipeline.start()
  await feed(pipeline, perFeeder)
  await pipeline.stop()
  const raw = await readStream(admin, streamName)
  return { raw, expected, total, letters, faults, sink, pipeline }
}

describe('kinesisSink under faults (a match day: 20 matches × 200 events, 4 shards)', () => {
  it('10 % of PutRecords entries failing at random indices: every (id, version) lands once, in order per match', async () => {
    const run = await matchDayThroughFaults(14, (f) => {
      f.failEntry = 0.1
    })
    expect(run.faults.injected.failedEntries).toBeGreaterThan(20)
    expect(run.letters).toEqual([])
    // Failed entries are really not stored, and only they are resent: the raw stream has no duplicate.
    const stored = [...run.raw.values()].flat()
    expect(stored).toHaveLength(run.total)
    const byMatch = dedupedByMatch(run.raw)
    for (const [matchId, sequence] of run.expected) expect(keys(byMatch.get(matchId))).toEqual(sequence)
    expect(run.sink.counters().retried).toBeGreaterThanOrEqual(run.faults.injected.failedEntries)
  })

  it('whole PutRecords calls throttled or reset: every (id, version) lands, in order per match', async () => {
    const run = await matchDayThroughFaults(15, (f) => {
      f.throttleCall = 0.15
      f.resetCall = 0.1
    })
    expect(run.faults.injected.throttled).toBeGreaterThan(5)
    expect(run.faults.injected.resets).toBeGreaterThan(5)
    expect(run.letters).toEqual([])
    const byMatch = dedupedByMatch(run.raw)
    for (const [matchId, sequence] of run.expected) expect(keys(byMatch.get(matchId))).toEqual(sequence)
    expect(run.pipeline.metrics().sinks.kinesis).toMatchObject({ deadLettered: 0, rejected: 0, pending: 0 })
  })

  it('real connection resets (a TCP proxy cutting every connection every 30 ms): every (id, version) lands, in order per match', async () => {
    const streamName = await newStream(4)
    const proxy = await createChaosProxy({ host: '127.0.0.1', port: kinesalite.port })
    const client = kinesalite.client({ endpoint: `http://127.0.0.1:${proxy.port}`, maxAttempts: 1 })
    const sink = sinkUnderFaults(client, streamName)
    const letters: DeadLetter[] = []
    const pipeline = createPipeline({ sinks: [sink], onDeadLetter: (letter) => void letters.push(letter) })
    let cuts = 0
    const cutter = setInterval(() => {
      cuts += proxy.reset()
    }, 30)
    try {
      const { expected, perFeeder } = matchDay(20, 100, 4)
      await pipeline.start()
      await feed(pipeline, perFeeder)
      await pipeline.stop()
      expect(cuts).toBeGreaterThan(3)
      expect(sink.counters().retried).toBeGreaterThan(0) // calls really failed, and were retried
      expect(letters).toEqual([])
      // A reset after Kinesis stored a call stores it twice: the deduplicated view is what consumers keep.
      const byMatch = dedupedByMatch(await readStream(admin, streamName))
      for (const [matchId, sequence] of expected) expect(keys(byMatch.get(matchId))).toEqual(sequence)
    } finally {
      clearInterval(cutter)
      await proxy.close()
    }
  })

  it('splits a write over the record size into chunks, stored in order', async () => {
    const streamName = await newStream(1)
    const sink = kinesisSink({ client: kinesalite.client(), streamName, maxRecordBytes: 4096 })
    const events = Array.from({ length: 200 }, (_, n) => makeLocal(n))
    await sink.write(events)
    await sink.close()
    expect(sink.counters().recordsPut).toBeGreaterThan(10)
    const stored = [...(await readStream(admin, streamName)).values()].flat()
    expect(stored.map((e) => e.seq)).toEqual(events.map((e) => e.seq))
  })

  it('writes one MatchEvent per record with format "event"', async () => {
    const streamName = await newStream(1)
    const sink = kinesisSink({ client: kinesalite.client(), streamName, format: 'event' })
    await sink.write([makeLocal(1), makeLocal(2), makeLocal(3)])
    await sink.close()
    expect(sink.counters().recordsPut).toBe(3)
    const stored = [...(await readStream(admin, streamName)).values()].flat()
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3])
  })

  it('rejects a write to a missing stream as permanent, naming the sink and the AWS error', async () => {
    const sink = kinesisSink({ client: kinesalite.client(), streamName: 'no-such-stream' })
    await expect(sink.write([makeLocal(1)])).rejects.toMatchObject({
      sink: 'kinesis',
      code: 'kinesis_error',
      retryable: false,
      backendCode: 'ResourceNotFoundException',
    })
    await sink.close()
  })
})

function makeLocal(n: number): MatchEvent {
  return makeEvent({ matchId: 'big', providerEventId: `e${n}`, seq: n })
}
