import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { PutRecordCommand } from '@aws-sdk/client-kinesis'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createKinesisConsumer,
  type KinesisConsumer,
  type KinesisConsumerOptions,
  type KinesisDeadLetter,
  kinesisSink,
  memoryLeaseStore,
  postgresLeaseStore,
  registerKinesisConsumerMetrics,
} from '../../src/sinks/kinesis/index.js'
import { memorySink } from '../../src/sinks/memory.js'
import { migrate } from '../../src/sinks/postgres/index.js'
import { prng } from '../../src/testing/seeded-random.js'
import { type ConsumerHarness, describeConsumerConformance } from '../helpers/consumer-conformance.js'
import { makeEvent } from '../helpers/events.js'
import { type Kinesalite, startKinesalite } from '../helpers/kinesalite.js'
import { injectKinesisFaults } from '../helpers/kinesis-faults.js'
import { mergeShards, splitShard } from '../helpers/kinesis-reshard.js'
import { killableStore } from '../helpers/kinesis-workers.js'
import { matchDay } from '../helpers/match-day.js'
import { connectTestDatabase, uniqueName } from '../helpers/postgres.js'
import { until } from '../helpers/redis.js'

let kinesalite: Kinesalite
beforeAll(async () => {
  kinesalite = await startKinesalite()
})
afterAll(() => kinesalite?.stop())

/** Short leases (600 ms) so that a crashed worker's shards are taken over within a second. */
async function harness(): Promise<ConsumerHarness> {
  const streamName = `c-${randomUUID().slice(0, 8)}`
  await kinesalite.createStream(streamName, 2)
  const sink = kinesisSink({ client: kinesalite.client(), streamName })
  const leases = memoryLeaseStore()
  const alive = new Set<KinesisConsumer>()
  return {
    produce: (batch) => sink.write(batch),
    async open(hooks) {
      const worker = killableStore(leases)
      const consumer = createKinesisConsumer({
        client: kinesalite.client(),
        streamName,
        leaseStore: worker.store,
        leaseDurationMs: 600,
        idleMs: 20,
        backoffMs: 10,
        maxDeliveries: hooks.maxDeliveries,
        handler: (events) => hooks.handler(events),
        deadLetter: (letter) => hooks.deadLetter(letter.events ?? []),
      })
      alive.add(consumer)
      return {
        start: () => consumer.start(),
        stop: async () => {
          alive.delete(consumer)
          await consumer.stop()
        },
        crash() {
          alive.delete(consumer)
          worker.kill()
        },
      }
    },
    async dispose() {
      await Promise.all([...alive].map((c) => c.stop()))
      await sink.close()
    },
  }
}

describeConsumerConformance('kinesis consumer', harness)

const newStream = async (shards: number) => {
  const name = `k-${randomUUID().slice(0, 8)}`
  await kinesalite.createStream(name, shards)
  return name
}

/** A consumer with short timings that records (match, seq, shard) of every event it is handed. */
function recordingConsumer(
  options: Partial<KinesisConsumerOptions> & Pick<KinesisConsumerOptions, 'streamName' | 'leaseStore'>,
) {
  const handled: { key: string; shardId: string; id: string; version: number; sequence: string }[] = []
  const errors: unknown[] = []
  const consumer = createKinesisConsumer({
    client: kinesalite.client(),
    leaseDurationMs: 600,
    idleMs: 20,
    backoffMs: 10,
    shardSyncIntervalMs: 200,
    handler: (events, { shardId, sequenceNumbers }) => {
      // With one event per record (as in the startAt test), events[i] came from record i; else the last one.
      events.forEach((e, i) => {
        const sequence =
          sequenceNumbers[events.length === sequenceNumbers.length ? i : sequenceNumbers.length - 1]!
        handled.push({ key: `${e.matchId}:${e.seq}`, shardId, id: e.id, version: e.version, sequence })
      })
    },
    onError: (error) => errors.push(error),
    ...options,
  })
  return { consumer, handled, errors }
}

/** Per match, the (id, version) pairs in the order handled, the first of each kept. */
function firstSeen(handled: { key: string; id: string; version: number }[]): Map<string, string[]> {
  const seen = new Set<string>()
  const out = new Map<string, string[]>()
  for (const h of handled) {
    const k = `${h.id}@${h.version}`
    if (seen.has(k)) continue
    seen.add(k)
    const matchId = h.key.split(':')[0]!
    out.set(matchId, [...(out.get(matchId) ?? []), k])
  }
  return out
}

describe('createKinesisConsumer', () => {
  it('reads through throttled, reset and expired GetRecords calls: every (id, version), in order per match', async () => {
    const streamName = await newStream(2)
    const sink = kinesisSink({ client: kinesalite.client(), streamName })
    const { expected, perFeeder, total } = matchDay(8, 100, 1)
    for (const batch of perFeeder[0]!) await sink.write(batch)
    const client = kinesalite.client({ maxAttempts: 1 })
    const faults = injectKinesisFaults(client, prng(2))
    faults.throttleCall = 0.2
    faults.resetCall = 0.1
    faults.expireIterator = 0.1
    const { consumer, handled } = recordingConsumer({
      client,
      streamName,
      leaseStore: memoryLeaseStore(),
      batchSize: 3,
    })
    await consumer.start()
    await until(() => new Set(handled.map((h) => `${h.id}@${h.version}`)).size >= total, 'everything', 20_000)
    await consumer.stop()
    expect(faults.injected.throttled + faults.injected.resets).toBeGreaterThan(5)
    expect(consumer.metrics().expiredIterators).toBeGreaterThan(0)
    expect(Object.fromEntries(firstSeen(handled))).toEqual(Object.fromEntries(expected))
  })

  it('reads parents to their end before their children, across a split and a merge with producers running', async () => {
    const streamName = await newStream(2)
    const admin = kinesalite.client()
    const sink = kinesisSink({ client: kinesalite.client(), streamName })
    const { consumer, handled } = recordingConsumer({ streamName, leaseStore: memoryLeaseStore() })
    await consumer.start()
    const produced: string[] = []
    let producing = true
    const producer = (async () => {
      for (let round = 0; producing || round < 20; round++) {
        const batch = Array.from({ length: 12 }, (_, m) =>
          makeEvent({ matchId: `m${m}`, providerEventId: `e${round}`, seq: round }),
        )
        await sink.write(batch)
        produced.push(...batch.map((e) => `${e.id}@0`))
        await sleep(5)
      }
    })()
    await until(() => handled.length > 50, 'reading before the split')
    await splitShard(admin, streamName, 0)
    await until(() => handled.length > 150, 'reading after the split')
    await mergeShards(admin, streamName, 1)
    await sleep(200)
    producing = false
    await producer
    await until(
      () => new Set(handled.map((h) => h.id)).size >= produced.length,
      'everything produced',
      20_000,
    )
    await consumer.stop()
    const byMatch = firstSeen(handled)
    for (let m = 0; m < 12; m++) {
      const seqs = byMatch.get(`m${m}`)!.map((k) => Number(/:e(\d+)@/.exec(k)![1]))
      expect(seqs).toEqual(seqs.map((_, i) => i)) // every round, in order, across parents and children
    }
    expect([...byMatch.values()].flat()).toHaveLength(produced.length)
    expect(new Set(handled.map((h) => h.shardId)).size).toBeGreaterThanOrEqual(5) // 2 parents, 2 children, 1 merged
  })

  it('6 workers starting at once on one shard (Postgres leases): exactly one holds it, and keeps it', async () => {
    const streamName = await newStream(1)
    const pool = await connectTestDatabase()
    const schema = uniqueName('krace')
    try {
      await migrate(pool, { schema })
      const workers = Array.from(
        { length: 6 },
        (_, i) =>
          recordingConsumer({
            streamName,
            leaseStore: postgresLeaseStore({ client: pool, schema }),
            workerId: `r${i}`,
          }).consumer,
      )
      await Promise.all(workers.map((w) => w.start()))
      await until(() => workers.some((w) => w.shards().length > 0), 'a holder')
      const holder = workers.find((w) => w.shards().length > 0)!
      await sleep(600 * 2) // two lease durations of renewals, requests and races
      expect(workers.map((w) => w.shards().length)).toEqual(workers.map((w) => (w === holder ? 1 : 0)))
      expect(workers.reduce((sum, w) => sum + w.metrics().takeovers + w.metrics().leasesLost, 0)).toBe(0)
      await Promise.all(workers.map((w) => w.stop()))
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await pool.end()
    }
  })

  it('balances 6 shards over 3 workers, 2 each, within 3 lease durations', async () => {
    const streamName = await newStream(6)
    const leaseStore = memoryLeaseStore()
    const workers = [0, 1, 2].map(
      (i) => recordingConsumer({ streamName, leaseStore, workerId: `w${i}` }).consumer,
    )
    await workers[0]!.start()
    await until(() => workers[0]!.shards().length === 6, 'the first worker holding every shard')
    await Promise.all([workers[1]!.start(), workers[2]!.start()])
    await until(() => workers.every((w) => w.shards().length === 2), 'two shards each', 1_800)
    expect(workers.map((w) => w.metrics().handedOff).reduce((a, b) => a + b)).toBeGreaterThanOrEqual(4)
    await Promise.all(workers.map((w) => w.stop()))
  })

  it('starts shards without a checkpoint at startAt: latest, per-shard sequence numbers, a timestamp', async () => {
    const streamName = await newStream(1)
    const sink = kinesisSink({ client: kinesalite.client(), streamName })
    await sink.write([makeEvent({ matchId: 'a', providerEventId: 'old', seq: 1 })])
    const latest = recordingConsumer({ streamName, leaseStore: memoryLeaseStore(), startAt: 'latest' })
    await latest.consumer.start()
    await until(() => latest.consumer.shards().length === 1, 'the lease')
    await sleep(100) // the iterator is taken
    await sink.write([makeEvent({ matchId: 'a', providerEventId: 'new', seq: 2 })])
    await until(() => latest.handled.length > 0, 'the new event')
    await latest.consumer.stop()
    expect(latest.handled.map((h) => h.key)).toEqual(['a:2'])

    const everything = recordingConsumer({ streamName, leaseStore: memoryLeaseStore() })
    await everything.consumer.start()
    await until(() => everything.handled.length === 2, 'both events from the trim horizon')
    await everything.consumer.stop()
    const [old] = everything.handled
    const after = recordingConsumer({
      streamName,
      leaseStore: memoryLeaseStore(),
      startAt: { sequenceNumbers: { [old!.shardId]: old!.sequence } },
    })
    await after.consumer.start()
    await until(() => after.handled.length > 0, 'the event after the given sequence number')
    await after.consumer.stop()
    expect(after.handled.map((h) => h.key)).toEqual(['a:2'])

    // A timestamp: the records that arrived at or after it (one is there: kinesalite never answers otherwise).
    const since = new Date()
    await sleep(20)
    await sink.write([makeEvent({ matchId: 'a', providerEventId: 'newer', seq: 3 })])
    const fromTime = recordingConsumer({ streamName, leaseStore: memoryLeaseStore(), startAt: since })
    await fromTime.consumer.start()
    await until(() => fromTime.handled.length > 0, 'the event after the timestamp')
    await fromTime.consumer.stop()
    expect(fromTime.handled.map((h) => h.key)).toEqual(['a:3'])
  })

  it('exposes its metrics to Prometheus in the pipeline’s family', async () => {
    const streamName = await newStream(1)
    const sink = kinesisSink({ client: kinesalite.client(), streamName })
    await sink.write([
      makeEvent({ matchId: 'a', providerEventId: 'e1', seq: 1 }),
      makeEvent({ matchId: 'a', providerEventId: 'e2', seq: 2 }),
    ])
    const { consumer, handled } = recordingConsumer({ streamName, leaseStore: memoryLeaseStore() })
    const register = await registerKinesisConsumerMetrics(consumer, { register: new Registry() })
    await consumer.start()
    await until(() => handled.length === 2, 'both events')
    const text = await register.metrics()
    await consumer.stop()
    const labels = `stream="${streamName}"`
    expect(text).toContain(`matchfeed_kinesis_records_read_total{${labels}} 1`)
    expect(text).toContain(`matchfeed_kinesis_events_read_total{${labels}} 2`)
    expect(text).toContain(`matchfeed_kinesis_leases_held{${labels}} 1`)
    expect(text).toContain(`matchfeed_kinesis_millis_behind_latest{${labels},shard="shardId-000000000000"} 0`)
    expect(text).toMatch(/# TYPE matchfeed_kinesis_lease_takeovers_total counter/)
  })

  it('writes to the given sinks through a pipeline, and dead-letters a record that holds no MatchEvent at once', async () => {
    const streamName = await newStream(1)
    const raw = kinesalite.client()
    await raw.send(
      new PutRecordCommand({
        StreamName: streamName,
        PartitionKey: 'x',
        Data: new TextEncoder().encode('not json'),
      }),
    )
    const sink = kinesisSink({ client: kinesalite.client(), streamName })
    await sink.write([makeEvent({ matchId: 'a', providerEventId: 'e1', seq: 1 })])
    const memory = memorySink()
    const letters: KinesisDeadLetter[] = []
    const consumer = createKinesisConsumer({
      client: kinesalite.client(),
      streamName,
      leaseStore: memoryLeaseStore(),
      sinks: [memory],
      deadLetter: (letter) => void letters.push(letter),
      idleMs: 20,
    })
    await consumer.start()
    await until(
      () => memory.events().length === 1 && letters.length === 1,
      'the event stored, the bad record dead',
    )
    await consumer.stop()
    expect(letters[0]).toMatchObject({
      stream: streamName,
      partitionKey: 'x',
      events: undefined,
      deliveries: 1,
    })
    expect(new TextDecoder().decode(letters[0]!.data)).toBe('not json')
    expect(consumer.metrics().deadLettered).toBe(1)
  })

  it('refuses bad options by name', () => {
    const base = {
      client: kinesalite.client(),
      streamName: 's',
      leaseStore: memoryLeaseStore(),
      handler: () => {},
    }
    expect(() => createKinesisConsumer({ ...base, handler: undefined })).toThrow(
      /option handler: pass either/,
    )
    expect(() => createKinesisConsumer({ ...base, leaseStore: {} as never })).toThrow(/option leaseStore/)
    expect(() => createKinesisConsumer({ ...base, startAt: 'now' as never })).toThrow(/option startAt/)
    expect(() => createKinesisConsumer({ ...base, leaseDurationMs: 5 })).toThrow(/option leaseDurationMs/)
  })
})
