import { describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { createSnapshotDiffer } from '../../src/providers/snapshot.js'
import { makeEvent } from '../helpers/events.js'

const ev = (n: number, version = 0, extra: Partial<MatchEvent> = {}) =>
  makeEvent({ providerEventId: `e${n}`, seq: n, version, ...extra })

describe('createSnapshotDiffer', () => {
  it('emits new, changed and vanished events, and moves on only on commit', () => {
    const differ = createSnapshotDiffer({ stampVersions: false })
    const first = differ.diff('m1', [ev(1, 5), ev(2, 5)])
    expect(first.changes.map((e) => e.providerEventId)).toEqual(['e1', 'e2'])
    // Not committed (the emit failed): the same snapshot is new again.
    expect(differ.diff('m1', [ev(1, 5), ev(2, 5)]).changes).toHaveLength(2)
    differ.diff('m1', [ev(1, 5), ev(2, 5)]).commit()
    expect(differ.diff('m1', [ev(1, 5), ev(2, 5)]).changes).toEqual([])

    const second = differ.diff('m1', [ev(1, 6, { result: 'incomplete' }), ev(3, 5)])
    expect(second.changes.map((e) => [e.providerEventId, e.version, e.deleted])).toEqual([
      ['e1', 6, false],
      ['e2', 6, true], // vanished: withdrawn at a higher version
      ['e3', 5, false],
    ])
    second.commit()
    expect(differ.diff('m1', [ev(1, 6, { result: 'incomplete' }), ev(3, 5)]).changes).toEqual([])
  })

  it('bumps the version of an event whose content changed under the same version', () => {
    const differ = createSnapshotDiffer({ stampVersions: false })
    differ.diff('m1', [ev(1, 3)]).commit()
    const changed = differ.diff('m1', [ev(1, 3, { x: 10, y: 10 })])
    expect(changed.changes.map((e) => e.version)).toEqual([4])
  })

  it('stamps versions with the time seen when the provider has none, so they outrank what sinks hold', () => {
    let clock = 1_000
    const differ = createSnapshotDiffer({ stampVersions: true, now: () => clock })
    const first = differ.diff('m1', [ev(1), ev(2)])
    expect(first.changes.map((e) => e.version)).toEqual([1_000, 1_000])
    first.commit()
    clock = 2_000
    const next = differ.diff('m1', [ev(1, 0, { result: 'out' })])
    expect(next.changes.map((e) => [e.providerEventId, e.version, e.deleted])).toEqual([
      ['e1', 2_000, false],
      ['e2', 2_000, true],
    ])
    // A fresh process (no state) stamps everything anew: later than anything stored before.
    clock = 3_000
    const restarted = createSnapshotDiffer({ stampVersions: true, now: () => clock }).diff('m1', [
      ev(1, 0, { result: 'out' }),
    ])
    expect(restarted.changes[0]!.version).toBe(3_000)
  })
})

describe('createSnapshotDiffer, an event that vanishes and comes back', () => {
  it.each([false, true])('restores it at a higher version (stampVersions: %s)', (stampVersions) => {
    let clock = 10
    const differ = createSnapshotDiffer({ stampVersions, now: () => clock++ })
    differ.diff('m1', [ev(1, 5), ev(2, 5)]).commit()
    const gone = differ.diff('m1', [ev(1, 5)])
    expect(gone.changes.map((e) => [e.providerEventId, e.deleted])).toEqual([['e2', true]])
    gone.commit()
    const back = differ.diff('m1', [ev(1, 5), ev(2, 5)])
    expect(back.changes.map((e) => [e.providerEventId, e.deleted])).toEqual([['e2', false]])
    expect(back.changes[0]!.version).toBeGreaterThan(gone.changes[0]!.version)
  })
})

describe('createSnapshotDiffer, an event the provider itself marks deleted', () => {
  it('emits the deletion once, not on every snapshot', () => {
    const differ = createSnapshotDiffer({ stampVersions: false })
    differ.diff('m1', [ev(1, 5)]).commit()
    const deleted = differ.diff('m1', [ev(1, 6, { deleted: true })])
    expect(deleted.changes.map((e) => [e.version, e.deleted])).toEqual([[6, true]])
    deleted.commit()
    expect(differ.diff('m1', [ev(1, 6, { deleted: true })]).changes).toEqual([])
  })
})
