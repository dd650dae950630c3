import { describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { createPollingSource } from '../../src/providers/polling/polling-source.js'
import { makeEvent } from '../helpers/events.js'

const ev = (n: number, version = 0, extra: Partial<MatchEvent> = {}) =>
  makeEvent({ providerEventId: `e${n}`, seq: n, version, ...extra })

describe('createPollingSource', () => {
  it('emits what changed between polls, and advances only after emit resolved', async () => {
    const snapshots = [[ev(1, 1)], [ev(1, 1), ev(2, 1)], [ev(2, 1)], [ev(2, 1)]]
    let poll = 0
    let failNext = true
    const emitted: string[][] = []
    const source = createPollingSource({
      name: 'test',
      matchId: 'm1',
      intervalMs: 1,
      stampVersions: false,
      poll: async () => snapshots[Math.min(poll++, snapshots.length - 1)]!,
      isFinal: () => poll >= snapshots.length,
    })
    await source.start(async (batch) => {
      if (poll === 2 && failNext) {
        failNext = false
        throw new Error('sink down')
      }
      emitted.push(batch.map((e) => `${e.providerEventId}${e.deleted ? '-' : ''}`))
    }, new AbortController().signal)
    // Poll 2 failed to emit, so poll 3 saw e2 as still new; e1 vanished at poll 3.
    expect(emitted).toEqual([['e1'], ['e1-', 'e2']])
  })
})
