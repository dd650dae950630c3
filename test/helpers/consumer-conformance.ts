import { describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { makeEvent } from './events.js'
import { until } from './redis.js'

/** What the suite gives a consumer: the handler and the dead-letter hook, in their common form. */
export interface ConsumerHooks {
  handler(events: MatchEvent[]): Promise<void> | void
  /** The events of a dead letter (the Redis letter's `event`, the Kinesis letter's `events`). */
  deadLetter(events: MatchEvent[]): void
  maxDeliveries: number
}

export interface ConsumerUnderTest {
  start(): Promise<void>
  /** Graceful stop: the batch in progress finishes and is acknowledged. */
  stop(): Promise<void>
  /**
   * As a killed process: from now on it acknowledges nothing, renews nothing, releases nothing. Its handler
   * in progress never returns.
   */
  crash(): void
}

export interface ConsumerHarness {
  /** Appends one batch of writes as the matching sink writes them (a Kinesis record, Redis entries). */
  produce(batch: MatchEvent[]): Promise<void>
  open(hooks: ConsumerHooks): Promise<ConsumerUnderTest>
  dispose(): Promise<void>
}

const ev = (matchId: string, n: number) => makeEvent({ matchId, providerEventId: `e${n}`, seq: n })
const key = (e: MatchEvent) => `${e.matchId}:${e.seq}`

/** A match day in batches of 5 events per match, written in rounds. */
async function produceMatches(
  harness: ConsumerHarness,
  matches: number,
  perMatch: number,
): Promise<string[]> {
  const all: string[] = []
  for (let from = 0; from < perMatch; from += 5) {
    for (let m = 0; m < matches; m++) {
      const batch = Array.from({ length: Math.min(5, perMatch - from) }, (_, i) => ev(`m${m}`, from + i))
      await harness.produce(batch)
      all.push(...batch.map(key))
    }
  }
  return all
}

/** Every match's events in the order they were handled: `m0:0`, `m0:1`… */
function byMatch(keys: string[]): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const k of keys) {
    const [matchId, seq] = k.split(':')
    out.set(matchId!, [...(out.get(matchId!) ?? []), Number(seq)])
  }
  return out
}

/** Each match's events, duplicates dropped (first kept): in order means ascending here. */
function expectInOrderPerMatch(keys: string[], matches: number, perMatch: number): void {
  const seen = byMatch([...new Set(keys)])
  expect(seen.size).toBe(matches)
  for (const seqs of seen.values()) expect(seqs).toEqual(Array.from({ length: perMatch }, (_, i) => i))
}

/**
 * ONE suite for every consumer (the Redis stream consumer, the Kinesis consumer): order per match, redelivery
 * after a crash, dead letters after maxDeliveries without breaking the order, and a graceful stop that leaves
 * nothing handled unacknowledged.
 */
export function describeConsumerConformance(name: string, makeHarness: () => Promise<ConsumerHarness>): void {
  describe(`${name}: consumer conformance`, () => {
    const withHarness = async (fn: (harness: ConsumerHarness) => Promise<void>) => {
      const harness = await makeHarness()
      try {
        await fn(harness)
      } finally {
        await harness.dispose()
      }
    }
    const recorder = (overrides: Partial<ConsumerHooks> = {}) => {
      const handled: string[] = []
      const dead: string[] = []
      const hooks: ConsumerHooks = {
        handler: (events) => void handled.push(...events.map(key)),
        deadLetter: (events) => void dead.push(...events.map(key)),
        maxDeliveries: 3,
        ...overrides,
      }
      return { handled, dead, hooks }
    }

    it('hands every match its events in order, each once', async () => {
      await withHarness(async (harness) => {
        const all = await produceMatches(harness, 6, 30)
        const { handled, dead, hooks } = recorder()
        const consumer = await harness.open(hooks)
        await consumer.start()
        await until(() => handled.length >= all.length, 'every event handled', 15_000)
        await consumer.stop()
        expect(handled).toHaveLength(all.length)
        expectInOrderPerMatch(handled, 6, 30)
        expect(dead).toEqual([])
      })
    })

    it('redelivers to another worker what a crashed one had not acknowledged', async () => {
      await withHarness(async (harness) => {
        const all = await produceMatches(harness, 4, 20)
        const crashedGot: string[] = []
        const crashed = await harness.open({
          handler: (events) => {
            crashedGot.push(...events.map(key))
            return new Promise<void>(() => {}) // dies mid-handler
          },
          deadLetter: () => {},
          maxDeliveries: 3,
        })
        await crashed.start()
        await until(() => crashedGot.length > 0, 'the first delivery', 15_000)
        crashed.crash()
        const { handled, hooks } = recorder()
        const survivor = await harness.open(hooks)
        await survivor.start()
        await until(() => new Set(handled).size >= all.length, 'every event handled by the survivor', 15_000)
        await survivor.stop()
        // What the crashed worker was handed was never acknowledged: the survivor got it again.
        for (const k of crashedGot) expect(handled).toContain(k)
        expectInOrderPerMatch(handled, 4, 20)
      })
    })

    it('retries a failing event, dead-letters it after maxDeliveries, and goes on in order', async () => {
      await withHarness(async (harness) => {
        await harness.produce([ev('p', 0), ev('p', 1)])
        await harness.produce([ev('p', 2)]) // the poison, in a write of its own
        await harness.produce([ev('p', 3), ev('p', 4)])
        let poisonTries = 0
        const { handled, dead, hooks } = recorder({
          handler: (events) => {
            if (events.some((e) => e.seq === 2)) {
              poisonTries++
              throw new Error('poison')
            }
            handled.push(...events.map(key))
          },
        })
        const consumer = await harness.open(hooks)
        await consumer.start()
        await until(() => handled.length >= 4 && dead.length > 0, 'the rest handled, the poison dead', 15_000)
        await consumer.stop()
        expect(dead).toEqual(['p:2'])
        expect(poisonTries).toBe(3)
        expect(handled).toEqual(['p:0', 'p:1', 'p:3', 'p:4'])
      })
    })

    it('stops gracefully: what was handled is acknowledged, the next worker gets only the rest', async () => {
      await withHarness(async (harness) => {
        const all = await produceMatches(harness, 3, 40)
        const first = recorder()
        let calls = 0
        let release!: () => void
        const gate = new Promise<void>((resolve) => {
          release = resolve
        })
        const a = await harness.open({
          ...first.hooks,
          handler: async (events) => {
            if (++calls === 1) await gate // stop() comes while this batch is in progress
            first.handled.push(...events.map(key))
          },
        })
        await a.start()
        await until(() => calls > 0, 'a first batch', 15_000)
        const stopped = a.stop()
        release()
        await stopped
        expect(first.handled.length).toBeGreaterThan(0)
        const second = recorder()
        const b = await harness.open(second.hooks)
        await b.start()
        await until(
          () => first.handled.length + second.handled.length >= all.length,
          'the rest handled',
          15_000,
        )
        await b.stop()
        expect(second.handled.filter((k) => first.handled.includes(k))).toEqual([])
        expectInOrderPerMatch([...first.handled, ...second.handled], 3, 40)
      })
    })
  })
}
