import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { createPipeline, type Sink, type Source } from '../../src/pipeline/index.js'
import { makeEvent } from '../helpers/events.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A sink that fails (retryably) on a random schedule, is sometimes "restarted" (down for a while), and stores like a real one. */
function chaoticSink(name: string, failures: boolean[], downAt: number | undefined, delays: number[]) {
  let call = 0
  let downUntil = -1
  const store = new Map<string, MatchEvent>()
  const writesByMatch = new Map<string, number[]>()
  const sink: Sink = {
    name,
    async write(batch) {
      const n = call++
      await sleep(delays[n % delays.length]!)
      if (downAt !== undefined && n === downAt) downUntil = n + 4 // a restart: the next writes fail too
      if (n <= downUntil || failures[n % failures.length]) {
        throw new MatchfeedError(`${name} unavailable`, { code: 'unavailable', retryable: true })
      }
      for (const event of batch) {
        const current = store.get(event.id)
        if (!current || event.version > current.version) store.set(event.id, event)
        const seqs = writesByMatch.get(event.matchId) ?? []
        seqs.push(event.seq)
        writesByMatch.set(event.matchId, seqs)
      }
    },
  }
  return { sink, store, writesByMatch }
}

const eventArb = (match: string) =>
  fc
    .record({ n: fc.integer({ min: 0, max: 15 }), version: fc.integer({ min: 0, max: 2 }) })
    .map(({ n, version }) =>
      makeEvent({ matchId: match, providerEventId: `e${n}`, seq: n, version, deleted: version === 2 }),
    )

// Each source plays one match: batches in seq order (a provider's order), some repeated or re-versioned.
const sourceArb = (index: number) =>
  fc
    .array(fc.array(eventArb(`m${index}`), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 })
    .map((batches) => {
      let seq = 0
      return batches.map((batch) => batch.map((e) => ({ ...e, seq: seq++ })))
    })

const sinkArb = fc.record({
  // At least one success in every cycle of the schedule: a sink that never comes back is not this test.
  failures: fc.array(fc.boolean(), { minLength: 0, maxLength: 7 }).map((f) => [...f, false]),
  downAt: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  delays: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }),
})

describe('pipeline property: random sources, sink failures, delays and restarts', () => {
  it('delivers every event to every block sink, once after the merge rule, in per-match order, balanced', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(sourceArb(0), sourceArb(1), sourceArb(2)),
        fc.tuple(sinkArb, sinkArb),
        async (plays, sinkSpecs) => {
          const sinks = sinkSpecs.map((s, i) => chaoticSink(`s${i}`, s.failures, s.downAt, s.delays))
          // A source re-sends what was given back until it is taken, as a poller that does not advance.
          const sources: Source[] = plays.map((batches, i) => ({
            name: `src${i}`,
            async start(emit, signal) {
              for (const batch of batches) {
                // Re-sent until taken, like a poller that does not advance — and gone once the pipeline stops.
                for (;;) {
                  if (signal.aborted) return
                  try {
                    await emit(batch)
                    break
                  } catch {
                    await sleep(1)
                  }
                }
              }
            },
          }))
          const pipeline = createPipeline({
            sources,
            sinks: sinks.map((s) => ({ sink: s.sink, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } })),
          })
          await pipeline.start()
          // Wait until every source has played its batches and the queues are empty.
          const batchOf = new Map<string, number>()
          plays.forEach((batches, s) => {
            batches.forEach((batch, k) => {
              for (const event of batch) batchOf.set(`m${s}:${event.seq}`, k)
            })
          })
          const expected = new Map<string, MatchEvent>()
          for (const batches of plays) {
            for (const event of batches.flat()) {
              const current = expected.get(event.id)
              if (!current || event.version > current.version) expected.set(event.id, event)
            }
          }
          // Wait (bounded) until the sources have played everything through; the checks below say what is missing.
          const caughtUp = () =>
            sinks.every((k) => [...expected].every(([id, e]) => k.store.get(id)?.version === e.version)) &&
            Object.values(pipeline.metrics().sinks).every((c) => c.pending === 0)
          for (let i = 0; i < 5000 && !caughtUp(); i++) await sleep(2)
          await pipeline.stop({ deadlineMs: 100 })

          for (const { store, writesByMatch } of sinks) {
            // At least once, exactly once after the merge rule: the same latest version of every id.
            expect([...store.keys()].sort()).toEqual([...expected.keys()].sort())
            for (const [id, event] of expected) expect(store.get(id)!.version).toBe(event.version)
            // Per-match order: the batches reached the sink in the source's order (a batch given back and
            // re-sent may repeat, at least once, but nothing from a later batch came before it).
            for (const [match, seqs] of writesByMatch) {
              const batchIndexes = seqs.map((seq) => batchOf.get(`${match}:${seq}`)!)
              for (let i = 1; i < batchIndexes.length; i++) {
                expect(batchIndexes[i]!).toBeGreaterThanOrEqual(batchIndexes[i - 1]!)
              }
            }
          }
          for (const c of Object.values(pipeline.metrics().sinks)) {
            expect(c.received).toBe(
              c.delivered + c.deadLettered + c.droppedByPolicy + c.deduplicated + c.rejected + c.pending,
            )
            expect(c.pending).toBe(0)
          }
        },
      ),
      // A failing run waits up to 10 s to catch up, and so would every shrinking step: report the first
      // counterexample and its seed at once rather than shrink past the test's timeout.
      { numRuns: 40, endOnFailure: true },
    )
  }, 60_000)
})
