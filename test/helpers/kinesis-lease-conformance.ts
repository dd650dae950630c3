import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { LeaseStore } from '../../src/sinks/kinesis/index.js'

/** A store over fresh storage, and (for races) more stores over the same storage, as other processes would have. */
export interface LeaseStoreHarness {
  open(): Promise<LeaseStore>
  dispose(): Promise<void>
}

/** Lease durations of the suite: short, so that expiry is waited for in tens of milliseconds. */
const SHORT = 150

/**
 * ONE suite for every lease store (memory, Postgres, Redis): creation, acquisition of free and expired leases
 * only, fencing by (owner, epoch), hand-off, and N workers racing for one lease of which exactly one wins.
 */
export function describeLeaseStoreConformance(
  name: string,
  makeHarness: () => Promise<LeaseStoreHarness>,
): void {
  describe(`${name}: lease store conformance`, () => {
    const withStore = async (fn: (store: LeaseStore, harness: LeaseStoreHarness) => Promise<void>) => {
      const harness = await makeHarness()
      const store = await harness.open()
      try {
        await fn(store, harness)
      } finally {
        await store.close?.()
        await harness.dispose()
      }
    }

    it('creates leases once, free and without a checkpoint, and lists them by prefix', async () => {
      await withStore(async (store) => {
        await store.create(['s:b', 's:a', 't:a'])
        await store.acquire('s:a', 'w1', 0, 10_000)
        await store.create(['s:a', 's:b']) // again: nothing changes
        const leases = await store.list('s:')
        expect(leases.map((l) => [l.key, l.owner, l.epoch, l.checkpoint, l.expired, l.handoffTo])).toEqual([
          ['s:a', 'w1', 1, null, false, null],
          ['s:b', null, 0, null, true, null],
        ])
      })
    })

    it('takes a free lease, not a held one, and an expired one on the store’s clock', async () => {
      await withStore(async (store) => {
        await store.create(['k'])
        const mine = await store.acquire('k', 'w1', 0, SHORT)
        expect(mine).toMatchObject({ owner: 'w1', epoch: 1, expired: false })
        expect(await store.acquire('k', 'w2', 1, SHORT)).toBeUndefined() // held
        expect(await store.acquire('k', 'w2', 0, SHORT)).toBeUndefined() // stale epoch
        await sleep(SHORT + 50)
        expect((await store.list('k'))[0]).toMatchObject({ owner: 'w1', expired: true })
        expect(await store.acquire('k', 'w2', 1, 10_000)).toMatchObject({ owner: 'w2', epoch: 2 })
      })
    })

    it('fences a lost owner: no renewal, checkpoint or release with an old epoch', async () => {
      await withStore(async (store) => {
        await store.create(['k'])
        await store.acquire('k', 'w1', 0, SHORT)
        expect(await store.checkpoint('k', 'w1', 1, '100')).toBe(true)
        await sleep(SHORT + 50)
        await store.acquire('k', 'w2', 1, 10_000)
        expect(await store.renew('k', 'w1', 1, 10_000)).toBeUndefined()
        expect(await store.checkpoint('k', 'w1', 1, '50')).toBe(false)
        expect(await store.release('k', 'w1', 1)).toBe(false)
        expect((await store.list('k'))[0]).toMatchObject({ owner: 'w2', epoch: 2, checkpoint: '100' })
        expect(await store.renew('k', 'w2', 2, 10_000)).toMatchObject({ owner: 'w2', epoch: 2 })
      })
    })

    it('renews: the lease stays held past its first expiry', async () => {
      await withStore(async (store) => {
        await store.create(['k'])
        await store.acquire('k', 'w1', 0, SHORT)
        for (let i = 0; i < 4; i++) {
          await sleep(SHORT / 3)
          expect(await store.renew('k', 'w1', 1, SHORT)).toMatchObject({ expired: false })
        }
        expect(await store.acquire('k', 'w2', 1, SHORT)).toBeUndefined()
      })
    })

    it('releases to nobody or straight to the worker that asked for it', async () => {
      await withStore(async (store) => {
        await store.create(['a', 'b'])
        await store.acquire('a', 'w1', 0, 10_000)
        await store.acquire('b', 'w1', 0, 10_000)
        expect(await store.release('a', 'w1', 1)).toBe(true)
        expect((await store.list('a'))[0]).toMatchObject({ owner: null, epoch: 2, expired: true })
        expect(await store.requestHandoff('b', 1, 'w2')).toBe(true)
        expect(await store.renew('b', 'w1', 1, 10_000)).toMatchObject({ handoffTo: 'w2' })
        expect(await store.release('b', 'w1', 1, { owner: 'w2', durationMs: 10_000 })).toBe(true)
        expect((await store.list('b'))[0]).toMatchObject({
          owner: 'w2',
          epoch: 2,
          expired: false,
          handoffTo: null,
        })
      })
    })

    it('takes a held lease with force only at the epoch it saw (the hand-off fallback)', async () => {
      await withStore(async (store) => {
        await store.create(['k'])
        await store.acquire('k', 'w1', 0, 10_000)
        expect(await store.acquire('k', 'w2', 0, 10_000, { force: true })).toBeUndefined()
        expect(await store.acquire('k', 'w2', 1, 10_000, { force: true })).toMatchObject({
          owner: 'w2',
          epoch: 2,
        })
        expect(await store.renew('k', 'w1', 1, 10_000)).toBeUndefined()
      })
    })

    it('lets exactly one of 12 workers racing for a free lease win', async () => {
      const harness = await makeHarness()
      const stores = await Promise.all(Array.from({ length: 4 }, () => harness.open()))
      try {
        await stores[0]!.create(['race'])
        for (let round = 0; round < 3; round++) {
          const epoch = round * 2
          const results = await Promise.all(
            Array.from({ length: 12 }, (_, w) => stores[w % 4]!.acquire('race', `w${w}`, epoch, 10_000)),
          )
          const winners = results.filter((r) => r !== undefined)
          expect(winners).toHaveLength(1)
          const [lease] = await stores[1]!.list('race')
          expect(lease).toMatchObject({ owner: winners[0]!.owner, epoch: epoch + 1 })
          await stores[2]!.release('race', lease!.owner!, epoch + 1)
        }
      } finally {
        for (const s of stores) await s.close?.()
        await harness.dispose()
      }
    })
  })
}
