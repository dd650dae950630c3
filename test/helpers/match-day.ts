import { expect } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import type { Pipeline } from '../../src/pipeline/index.js'
import { makeEvent } from './events.js'

/**
 * A match day in miniature: per match, events in seq order with corrections (a higher version) and
 * deletions coming a few events later, cut into small batches. Returns the batches per feeder and what
 * each match's stream must hold, in order: every (id, version) exactly once.
 */
export function matchDay(matches: number, perMatch: number, feeders: number) {
  const expected = new Map<string, string[]>()
  const perFeeder: MatchEvent[][][] = Array.from({ length: feeders }, () => [])
  for (let m = 0; m < matches; m++) {
    const matchId = `m${m}`
    const sequence: MatchEvent[] = []
    for (let n = 0; n < perMatch; n++) {
      sequence.push(makeEvent({ matchId, providerEventId: `e${n}`, seq: n }))
      if (n >= 5 && n % 10 === 5) {
        sequence.push(
          makeEvent({ matchId, providerEventId: `e${n - 5}`, seq: n - 5, version: 1, result: 'out' }),
        )
      }
      if (n >= 7 && n % 50 === 7) {
        sequence.push(
          makeEvent({ matchId, providerEventId: `e${n - 7}`, seq: n - 7, version: 2, deleted: true }),
        )
      }
    }
    expected.set(
      matchId,
      sequence.map((e) => `${e.id}@${e.version}`),
    )
    for (let i = 0; i < sequence.length; i += 10) perFeeder[m % feeders]!.push(sequence.slice(i, i + 10))
  }
  const total = [...expected.values()].reduce((sum, s) => sum + s.length, 0)
  return { expected, perFeeder, total }
}

/** Feeds every feeder's batches in order (feeders run side by side, like several sources). */
export async function feed(pipeline: Pipeline, perFeeder: MatchEvent[][][]): Promise<void> {
  await Promise.all(
    perFeeder.map(async (batches, i) => {
      for (const batch of batches) await pipeline.emit(batch, `feeder${i}`)
    }),
  )
}

async function streamContents(read: (args: string[]) => Promise<unknown>, key: string): Promise<string[]> {
  const reply = (await read(['XRANGE', key, '-', '+'])) as [string, string[]][]
  return reply.map(([, f]) => `${f[f.indexOf('id') + 1]}@${f[f.indexOf('version') + 1]}`)
}

export async function expectExactlyOnce(
  read: (args: string[]) => Promise<unknown>,
  sink: { key(matchId: string): string },
  expected: Map<string, string[]>,
): Promise<void> {
  for (const [matchId, sequence] of expected) {
    // Nothing lost, nothing twice, and in the order the match produced it.
    expect(await streamContents(read, sink.key(matchId))).toEqual(sequence)
  }
}
