import { describe, expect, it } from 'vitest'
import { latestVersions } from '../../src/event/merge.js'
import type { MatchEvent } from '../../src/event/schema.js'
import type { Sink } from '../../src/pipeline/contracts.js'
import { makeEvent } from './events.js'

/** What the conformance suite needs to look inside a sink. */
export interface SinkHarness {
  /** A fresh sink over the harness's storage; several may be open at once (concurrent writers). */
  open(): Promise<Sink>
  /** Every stored record (rows, stream entries…) of a match, in storage order. */
  records(matchId: string): Promise<MatchEvent[]>
  /** Removes what the harness created (schema, keys). */
  dispose(): Promise<void>
}

const ev = (matchId: string, n: number, version = 0, extra: Partial<MatchEvent> = {}) =>
  makeEvent({ matchId, providerEventId: `e${n}`, seq: n, version, ...extra })

/**
 * ONE suite for every sink (memory, Postgres via pg and PGlite, Redis Streams): idempotent on (id, version),
 * higher versions win, deletes, per-match order, batch boundaries, volume, flush on close, concurrent writers.
 * `appendOnly` sinks (streams) keep every accepted version as a record; the others keep one per id.
 */
export function describeSinkConformance(
  name: string,
  makeHarness: () => Promise<SinkHarness>,
  options: { appendOnly?: boolean } = {},
): void {
  describe(`${name}: sink conformance`, () => {
    const withSink = async (fn: (sink: Sink, harness: SinkHarness) => Promise<void>) => {
      const harness = await makeHarness()
      const sink = await harness.open()
      try {
        await fn(sink, harness)
      } finally {
        await sink.close?.()
        await harness.dispose()
      }
    }
    const latest = async (harness: SinkHarness, matchId: string) =>
      latestVersions(await harness.records(matchId)).sort((a, b) => a.seq - b.seq)

    it('rewriting a batch changes nothing', async () => {
      await withSink(async (sink, harness) => {
        const batch = [ev('m1', 1), ev('m1', 2), ev('m1', 3)]
        await sink.write(batch)
        const before = await harness.records('m1')
        await sink.write(batch)
        await sink.write([batch[1]!])
        expect(await harness.records('m1')).toEqual(before)
        expect(before).toHaveLength(3)
      })
    })

    it('a higher version replaces, a lower one does not; a delete is a version', async () => {
      await withSink(async (sink, harness) => {
        await sink.write([ev('m1', 1, 1), ev('m1', 2, 1)])
        await sink.write([ev('m1', 1, 0, { result: 'incomplete' })]) // stale: ignored
        await sink.write([ev('m1', 1, 2, { result: 'out' })])
        await sink.write([ev('m1', 2, 3, { deleted: true })])
        const state = await latest(harness, 'm1')
        expect(state.map((e) => [e.providerEventId, e.version, e.result, e.deleted])).toEqual([
          ['e1', 2, 'out', false],
          ['e2', 3, 'complete', true],
        ])
        expect(await harness.records('m1')).toHaveLength(options.appendOnly ? 4 : 2)
      })
    })

    it('separates matches; a stream keeps the order of writing, a table serves seq order', async () => {
      await withSink(async (sink, harness) => {
        await sink.write([ev('a', 1), ev('b', 1), ev('a', 3)])
        await sink.write([ev('b', 2), ev('a', 2)])
        // A stream is read in the order it was written (the pipeline writes each match in order); a table
        // has no order of its own and is read by seq.
        expect((await harness.records('a')).map((e) => e.seq)).toEqual(
          options.appendOnly ? [1, 3, 2] : [1, 2, 3],
        )
        expect((await harness.records('b')).map((e) => e.seq)).toEqual([1, 2])
      })
    })

    it('handles batch boundaries: empty, single, and the same id twice in one batch', async () => {
      await withSink(async (sink, harness) => {
        await sink.write([])
        await sink.write([ev('m1', 1)])
        await sink.write([ev('m1', 2, 0), ev('m1', 2, 1, { result: 'out' })])
        const state = await latest(harness, 'm1')
        expect(state.map((e) => [e.seq, e.version])).toEqual([
          [1, 0],
          [2, 1],
        ])
      })
    })

    it('stores 10,000 events of 10 matches', async () => {
      await withSink(async (sink, harness) => {
        const events = Array.from({ length: 10_000 }, (_, i) => ev(`m${i % 10}`, Math.floor(i / 10)))
        for (let i = 0; i < events.length; i += 2_500) await sink.write(events.slice(i, i + 2_500))
        for (let m = 0; m < 10; m++) {
          const seqs = (await harness.records(`m${m}`)).map((e) => e.seq)
          expect(seqs).toHaveLength(1_000)
          expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
        }
      })
    })

    it('has everything written once close() resolves', async () => {
      const harness = await makeHarness()
      try {
        const sink = await harness.open()
        const writes = [sink.write([ev('m1', 1)]), sink.write([ev('m1', 2)])]
        await sink.close?.()
        await Promise.all(writes)
        expect((await harness.records('m1')).map((e) => e.seq)).toEqual([1, 2])
      } finally {
        await harness.dispose()
      }
    })

    it('lets concurrent writers converge on the highest versions, without duplicates', async () => {
      const harness = await makeHarness()
      const a = await harness.open()
      const b = await harness.open()
      try {
        const versions = [0, 1, 2, 3]
        await Promise.all(
          versions.flatMap((v) => [
            a.write(Array.from({ length: 50 }, (_, n) => ev('m1', n, v))),
            b.write(Array.from({ length: 50 }, (_, n) => ev('m1', n, 3 - v))),
          ]),
        )
        const state = await latest(harness, 'm1')
        expect(state).toHaveLength(50)
        expect(state.every((e) => e.version === 3)).toBe(true)
        const records = await harness.records('m1')
        const keys = records.map((e) => `${e.id}@${e.version}`)
        expect(new Set(keys).size).toBe(keys.length)
      } finally {
        await a.close?.()
        await b.close?.()
        await harness.dispose()
      }
    })
  })
}

/** Records for one match, as stored by a memory sink: for the suite's own check on the reference sink. */
export function memoryRecords(events: MatchEvent[], matchId: string): MatchEvent[] {
  return events.filter((e) => e.matchId === matchId).sort((a, b) => a.seq - b.seq)
}
