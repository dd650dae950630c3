import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import {
  createKinesisConsumer,
  type KinesisConsumer,
  kinesisSink,
  memoryLeaseStore,
} from '../../src/sinks/kinesis/index.js'
import { makeEvent } from '../helpers/events.js'
import { type Kinesalite, startKinesalite } from '../helpers/kinesalite.js'
import { splitShard } from '../helpers/kinesis-reshard.js'
import { killableStore } from '../helpers/kinesis-workers.js'
import { until } from '../helpers/redis.js'

// Test 8: a model run mixes producing, workers starting, crashing, pausing past their lease, stopping,
// handler failures and a reshard; then checks the invariants: every event handled, each match's events first
// handled in order (the order handler calls STARTED: a worker only starts one while its lease is surely
// valid), and no checkpoint ever moving backwards.
const LEASE_MS = 450
const MATCHES = ['a', 'b', 'c', 'd']

type Action =
  | { kind: 'produce'; count: number }
  | { kind: 'start' }
  | { kind: 'crash' }
  | { kind: 'pause' }
  | { kind: 'stop' }
  | { kind: 'fail' }
  | { kind: 'split' }

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('produce' as const), count: fc.integer({ min: 1, max: 6 }) }),
  fc.constant({ kind: 'start' as const }),
  fc.constant({ kind: 'crash' as const }),
  fc.constant({ kind: 'pause' as const }),
  fc.constant({ kind: 'stop' as const }),
  fc.constant({ kind: 'fail' as const }),
  fc.constant({ kind: 'split' as const }),
)

let kinesalite: Kinesalite
beforeAll(async () => {
  kinesalite = await startKinesalite()
})
afterAll(() => kinesalite?.stop())

interface Worker {
  consumer: KinesisConsumer
  kill(): void
  /** The next handler call of this worker blocks this long (a GC pause, a stopped process). */
  pauseNext: number
  failNext: boolean
  hung: boolean
}

async function runModel(actions: Action[]): Promise<void> {
  const streamName = `model-${randomUUID().slice(0, 8)}`
  await kinesalite.createStream(streamName, 2)
  const sink = kinesisSink({ client: kinesalite.client(), streamName })
  const leases = memoryLeaseStore()
  const produced: string[] = []
  const firstStarted: string[] = [] // `${matchId}:${seq}` in the order handler calls started, first time each
  const started = new Set<string>()
  const checkpoints = new Map<string, bigint>()
  const backwards: string[] = []
  const watch = setInterval(async () => {
    for (const lease of await leases.list('')) {
      if (!lease.checkpoint || !/^\d+$/.test(lease.checkpoint)) continue
      const value = BigInt(lease.checkpoint)
      if (value < (checkpoints.get(lease.key) ?? 0n)) backwards.push(lease.key)
      checkpoints.set(lease.key, value)
    }
  }, 10)
  const workers: Worker[] = []
  const live = () => workers.filter((w) => !w.hung && w.consumer.running)
  let seq = 0

  const startWorker = async () => {
    const store = killableStore(leases)
    const worker: Worker = {
      consumer: undefined as never,
      kill: store.kill,
      pauseNext: 0,
      failNext: false,
      hung: false,
    }
    worker.consumer = createKinesisConsumer({
      client: kinesalite.client(),
      streamName,
      leaseStore: store.store,
      leaseDurationMs: LEASE_MS,
      idleMs: 20,
      backoffMs: 10,
      shardSyncIntervalMs: 100,
      maxDeliveries: 100,
      handler: async (events: MatchEvent[]) => {
        for (const e of events) {
          const key = `${e.matchId}:${e.seq}`
          if (!started.has(key)) {
            started.add(key)
            firstStarted.push(key)
          }
        }
        if (worker.hung) return new Promise<void>(() => {})
        if (worker.failNext) {
          worker.failNext = false
          throw new Error('injected handler failure')
        }
        if (worker.pauseNext > 0) {
          const ms = worker.pauseNext
          worker.pauseNext = 0
          await sleep(ms)
        }
      },
    })
    workers.push(worker)
    await worker.consumer.start()
  }

  let split = false
  try {
    for (const a of actions) {
      const pick = live()[0]
      if (a.kind === 'produce') {
        const batch = MATCHES.flatMap((m) =>
          Array.from({ length: a.count }, (_, i) =>
            makeEvent({ matchId: m, providerEventId: `e${seq + i}`, seq: seq + i }),
          ),
        )
        seq += a.count
        await sink.write(batch)
        produced.push(...batch.map((e) => `${e.matchId}:${e.seq}`))
      } else if (a.kind === 'start' && workers.length < 4) await startWorker()
      else if (a.kind === 'crash' && pick) {
        pick.hung = true
        pick.kill()
      } else if (a.kind === 'pause' && pick) pick.pauseNext = LEASE_MS * 2
      else if (a.kind === 'stop' && pick) await pick.consumer.stop()
      else if (a.kind === 'fail' && pick) pick.failNext = true
      else if (a.kind === 'split' && !split) {
        split = true
        await splitShard(kinesalite.client(), streamName, 0)
      }
      await sleep(60)
    }
    if (live().length === 0) await startWorker()
    await until(() => produced.every((k) => started.has(k)), 'every event handled', 15_000)
    // The invariants.
    for (const m of MATCHES) {
      const seqs = firstStarted.filter((k) => k.startsWith(`${m}:`)).map((k) => Number(k.split(':')[1]))
      expect(seqs).toEqual(seqs.map((_, i) => i))
    }
    expect(backwards).toEqual([])
  } finally {
    clearInterval(watch)
    await Promise.all(live().map((w) => w.consumer.stop()))
    await sink.close()
  }
}

describe('the kinesis consumer, modelled', () => {
  it('keeps its invariants through crashes, pauses, stops, handler failures and a reshard', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 4, maxLength: 12 }), (actions) =>
        runModel([{ kind: 'start' }, { kind: 'produce', count: 3 }, ...actions]),
      ),
      { numRuns: 5, endOnFailure: true },
    )
  }, 60_000)
})
