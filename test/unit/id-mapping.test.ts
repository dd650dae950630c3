import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { isValidated, markValidated, validateMatchEvents } from '../../src/event/validate.js'
import {
  type IdMapEntry,
  IdMappingError,
  type IdMapStore,
  InvalidIdMapEntryError,
  idMapping,
  memoryIdMapStore,
  registerIdMappingMetrics,
} from '../../src/id-mapping/index.js'
import { createPipeline, type Transform } from '../../src/pipeline/index.js'
import { memorySink } from '../../src/sinks/memory.js'
import { makeEvent } from '../helpers/events.js'

const ENTRIES: IdMapEntry[] = [
  { provider: 'api-football', kind: 'match', externalId: '900001', internalId: 'our-match-1' },
  { provider: 'api-football', kind: 'team', externalId: '546', internalId: 'getafe' },
  { provider: 'api-football', kind: 'player', externalId: '47', internalId: 'p-47' },
]

const afEvent = (n: number, extra: Partial<MatchEvent> = {}) =>
  makeEvent({
    provider: 'api-football',
    matchId: '900001',
    providerEventId: `e${n}`,
    seq: n,
    team: { id: '546', name: 'Getafe', side: 'home' },
    player: { id: '47', name: 'J. Mata' },
    relatedPlayer: { id: '99' },
    ...extra,
  })

/** A store that counts its get calls and can be told to fail. */
function countingStore(entries: IdMapEntry[] = ENTRIES) {
  const inner = memoryIdMapStore(entries)
  const calls: number[] = []
  let failWith: Error | undefined
  const store: IdMapStore & { calls: number[]; fail(error?: Error): void } = {
    ...inner,
    calls,
    fail(error) {
      failWith = error
    },
    async get(keys) {
      calls.push(keys.length)
      if (failWith) throw failWith
      return inner.get(keys)
    },
  }
  return store
}

describe('idMapping', () => {
  it('maps match, team and player ids, keeping the provider’s beside them, and leaves the event id alone', async () => {
    const mapping = idMapping({ store: memoryIdMapStore(ENTRIES) })
    const [e] = (await mapping.transform([afEvent(1)])) as MatchEvent[]
    expect(e).toMatchObject({
      id: 'api-football:900001:e1',
      matchId: 'our-match-1',
      providerMatchId: '900001',
      team: { id: 'getafe', providerId: '546', name: 'Getafe', side: 'home' },
      player: { id: 'p-47', providerId: '47', name: 'J. Mata' },
      relatedPlayer: { id: '99' }, // unmapped: unchanged
    })
    expect(e!.relatedPlayer).not.toHaveProperty('providerId')
    // A mapped event is a valid MatchEvent: the id rule reads providerMatchId.
    expect(validateMatchEvents([e])).toHaveLength(1)
  })

  it('gives the same provider event the same id with and without a mapping', async () => {
    const without = (await idMapping({ store: memoryIdMapStore() }).transform([afEvent(1)]))[0]!
    const withMap = (await idMapping({ store: memoryIdMapStore(ENTRIES) }).transform([afEvent(1)]))[0]!
    expect(without.id).toBe(withMap.id)
    expect([without.matchId, withMap.matchId]).toEqual(['900001', 'our-match-1'])
  })

  it('passes unmapped ids through unchanged, counts them per provider and kind, and lists the recent ones', async () => {
    let now = 1_000
    const seen: string[] = []
    const mapping = idMapping({
      store: memoryIdMapStore(),
      now: () => now,
      onUnmapped: (k) => {
        seen.push(`${k.kind}:${k.externalId}`)
        throw new Error('an observer that throws changes nothing')
      },
    })
    const batch = markValidated([afEvent(1), afEvent(2)])
    const out = await mapping.transform(batch)
    // Nothing mapped: the very array goes on, still marked as checked.
    expect(out).toBe(batch)
    expect(isValidated(out)).toBe(true)
    now = 2_000
    await mapping.transform([afEvent(3, { relatedPlayer: undefined })])
    const { counts, recent } = mapping.unmapped()
    expect(counts).toEqual([
      { provider: 'api-football', kind: 'match', count: 3 },
      { provider: 'api-football', kind: 'team', count: 3 },
      { provider: 'api-football', kind: 'player', count: 5 },
    ])
    expect(recent.map((u) => [u.kind, u.externalId, u.count, u.lastSeenAt])).toEqual([
      ['match', '900001', 3, 2_000],
      ['team', '546', 3, 2_000],
      ['player', '47', 3, 2_000],
      ['player', '99', 2, 1_000],
    ])
    // Once per id per batch.
    expect(seen).toEqual([
      'match:900001',
      'team:546',
      'player:47',
      'player:99',
      'match:900001',
      'team:546',
      'player:47',
    ])
  })

  it('asks the store once per batch for what the cache does not hold, and again after the ttl', async () => {
    let now = 0
    const store = countingStore()
    const mapping = idMapping({ store, now: () => now, cacheTtlMs: 1_000 })
    await mapping.transform([afEvent(1), afEvent(2), afEvent(3)])
    expect(store.calls).toEqual([4]) // match, team, two players: one query
    now = 999
    await mapping.transform([afEvent(4)])
    expect(store.calls).toEqual([4]) // mapped and unmapped answers both cached
    now = 1_000
    await mapping.transform([afEvent(5)])
    expect(store.calls).toEqual([4, 4])
  })

  it('sees an entry set through it at once, and one set in the store behind it after the ttl', async () => {
    let now = 0
    const store = countingStore([])
    const mapping = idMapping({ store, now: () => now, cacheTtlMs: 60_000 })
    expect((await mapping.transform([afEvent(1)]))[0]!.matchId).toBe('900001')
    await mapping.set([ENTRIES[0]!])
    expect((await mapping.transform([afEvent(2)]))[0]!.matchId).toBe('our-match-1')
    expect(mapping.unmapped().recent.map((u) => u.kind)).toEqual(['team', 'player', 'player'])
    await store.set([ENTRIES[1]!]) // behind the mapping's back, as another process would
    expect((await mapping.transform([afEvent(3)]))[0]!.team?.id).toBe('546')
    now = 60_000
    expect((await mapping.transform([afEvent(4)]))[0]!.team?.id).toBe('getafe')
    await mapping.delete([ENTRIES[0]!])
    expect((await mapping.transform([afEvent(5)]))[0]!.matchId).toBe('900001')
  })

  it('keeps what set() and delete() wrote over an answer the store read before them', async () => {
    // A store whose next get, once held, reads its answer and then waits to be released.
    const inner = memoryIdMapStore(ENTRIES)
    let gate: Promise<void> | undefined
    let reading: () => void = () => {}
    const read = () =>
      new Promise<void>((resolve) => {
        reading = resolve
      })
    const store: IdMapStore = {
      ...inner,
      async get(keys) {
        const answer = await inner.get(keys)
        const held = gate
        gate = undefined
        reading()
        await held
        return answer
      },
    }
    const hold = () => {
      let release: () => void = () => {}
      gate = new Promise<void>((resolve) => {
        release = resolve
      })
      return release
    }

    const mapping = idMapping({ store })
    let release = hold()
    let answered = read()
    const inFlight = mapping.transform([afEvent(1)])
    await answered // the store has read 'our-match-1'
    await mapping.set([{ ...ENTRIES[0]!, internalId: 'our-match-2' }])
    release()
    // Still being looked up when set() returned: this batch and every later one get the new id.
    expect((await inFlight)[0]!.matchId).toBe('our-match-2')
    expect((await mapping.transform([afEvent(2)]))[0]!.matchId).toBe('our-match-2')

    // The same for delete(): the answer read before it does not bring the mapping back.
    const other = idMapping({ store })
    release = hold()
    answered = read()
    const inFlight2 = other.transform([afEvent(3)])
    await answered
    await other.delete([ENTRIES[1]!])
    release()
    expect((await inFlight2)[0]!.team?.id).toBe('546')
    expect((await other.transform([afEvent(4)]))[0]!.team?.id).toBe('546')

    // Nor when what set() wrote has already left a full cache: the old answer is not cached in its place.
    const small = idMapping({ store, cacheSize: 8 }) // two generations of 4
    release = hold()
    answered = read()
    const inFlight3 = small.transform([afEvent(5)])
    await answered
    await small.set([{ ...ENTRIES[0]!, internalId: 'our-match-3' }])
    await small.set(Array.from({ length: 8 }, (_, i) => ({ ...ENTRIES[2]!, externalId: `x${i}` }))) // drops it
    release()
    await inFlight3
    expect((await small.transform([afEvent(6)]))[0]!.matchId).toBe('our-match-3')
  })

  it('never looks up an id no event can hold (NUL, lone surrogate), leaving validation to name it', async () => {
    const store = countingStore()
    const asked: string[] = []
    const looked: string[][] = []
    const mapping = idMapping({
      store: {
        ...store,
        get: (keys) => {
          looked.push(keys.map((k) => `${k.kind}/${k.externalId}`))
          return store.get(keys)
        },
      },
      lookup: (_p, kind, externalId) => {
        asked.push(`${kind}/${externalId}`)
        return undefined
      },
    })
    const bad = afEvent(1, {
      matchId: '9000\u000001',
      id: 'api-football:9000\u000001:e1',
      team: { id: '\ud800', name: 'Getafe', side: 'home' },
    })
    const [out] = await mapping.transform([bad])
    // The bad ids stay as they came, for validation; the good ones of the same batch are mapped.
    expect([out!.matchId, out!.providerMatchId, out!.team, out!.player?.id]).toEqual([
      '9000\u000001',
      undefined,
      bad.team,
      'p-47',
    ])
    expect(looked).toEqual([['player/47', 'player/99']])
    expect(asked).toEqual(['player/99'])
    // Not counted as unmapped ids either: their events are refused.
    expect(mapping.unmapped().recent.map((u) => u.externalId)).toEqual(['99'])

    const pipeline = createPipeline({ sinks: [memorySink()], transforms: [mapping] })
    await pipeline.start()
    const error = await pipeline.emit([afEvent(2), bad], 'af').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'invalid_event', index: 1, field: 'matchId', retryable: false })
    const surrogate = afEvent(3, { team: { id: '\ud800', name: 'Getafe', side: 'home' } })
    expect(await pipeline.emit([surrogate], 'af').catch((e: unknown) => e)).toMatchObject({
      code: 'invalid_event',
      field: 'team.id',
    })
    await pipeline.stop()
  })

  it('asks the lookup hook for what the store lacks, and caches its answers', async () => {
    const asked: string[] = []
    const mapping = idMapping({
      store: memoryIdMapStore([ENTRIES[0]!]),
      lookup: async (provider, kind, externalId) => {
        asked.push(`${provider}/${kind}/${externalId}`)
        return kind === 'player' && externalId === '99' ? 'p-99' : undefined
      },
    })
    const [e] = await mapping.transform([afEvent(1)])
    expect([e!.matchId, e!.team?.id, e!.player?.id, e!.relatedPlayer]).toEqual([
      'our-match-1',
      '546',
      '47',
      { id: 'p-99', providerId: '99' },
    ])
    await mapping.transform([afEvent(2)])
    expect(asked).toEqual(['api-football/team/546', 'api-football/player/47', 'api-football/player/99'])
  })

  it('throws a retryable IdMappingError when the store fails: nothing passes half mapped', async () => {
    const store = countingStore()
    const mapping = idMapping({ store })
    store.fail(new Error('connect ECONNREFUSED 127.0.0.1:5432'))
    const error = await mapping.transform([afEvent(1)]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IdMappingError)
    expect(error).toMatchObject({ code: 'id_mapping_failed', retryable: true })
    expect((error as Error).message).toContain('api-football match "900001" and 3 more')
    expect(mapping.metrics().failures).toBe(1)
    // A cause that says it cannot pass is not retried.
    store.fail(new MatchfeedError('no such table', { code: 'postgres_error', retryable: false }))
    expect(await mapping.transform([afEvent(1)]).catch((e: unknown) => e)).toMatchObject({ retryable: false })
  })

  it('refuses a lookup answer an event cannot hold, naming it', async () => {
    const mapping = idMapping({
      store: memoryIdMapStore(),
      lookup: (_p, kind) => (kind === 'match' ? 'a:b' : undefined),
    })
    const error = (await mapping.transform([afEvent(1)]).catch((e: unknown) => e)) as IdMappingError
    expect(error).toMatchObject({ code: 'id_mapping_failed', retryable: false })
    expect(error.cause).toBeInstanceOf(InvalidIdMapEntryError)
    expect(error.message).toContain('lookup(api-football, match, "900001"): must not contain ":"')
  })

  it('leaves an event mapped before alone (providerMatchId / providerId set)', async () => {
    const mapping = idMapping({ store: memoryIdMapStore(ENTRIES) })
    const [once] = await mapping.transform([afEvent(1)])
    const [twice] = await mapping.transform([once!])
    expect(twice).toBe(once)
  })

  it('passes what is not an event through, for validation to refuse', async () => {
    const mapping = idMapping({ store: memoryIdMapStore(ENTRIES) })
    const odd = [null, 42, { provider: 'api-football' }] as unknown as MatchEvent[]
    expect(await mapping.transform(odd)).toBe(odd)
  })

  it('refuses entries an event could not hold, naming the field', async () => {
    const store = memoryIdMapStore()
    const bad = [
      [{ ...ENTRIES[0]!, internalId: 'a:b' }, '[0].internalId'],
      [{ ...ENTRIES[0]!, kind: 'coach' }, '[0].kind'],
      [{ ...ENTRIES[0]!, provider: 'API Football' }, '[0].provider'],
      [{ ...ENTRIES[1]!, externalId: '' }, '[0].externalId'],
      [{ ...ENTRIES[1]!, internalId: 'x'.repeat(129) }, '[0].internalId'],
      [{ ...ENTRIES[1]!, internalId: 'nul\u0000' }, '[0].internalId'],
    ] as const
    for (const [entry, field] of bad) {
      const error = await store.set([entry as IdMapEntry]).catch((e: unknown) => e)
      expect(error, field).toBeInstanceOf(InvalidIdMapEntryError)
      expect(error).toMatchObject({ code: 'invalid_id_map_entry', field })
    }
    // A team id may hold ":" (it is not part of event ids).
    await store.set([{ ...ENTRIES[1]!, internalId: 'club:getafe' }])
    expect(await store.list({ kind: 'team' })).toEqual([{ ...ENTRIES[1]!, internalId: 'club:getafe' }])
  })

  it('exposes its counters as Prometheus metrics', async () => {
    const mapping = idMapping({ store: memoryIdMapStore(ENTRIES) })
    await mapping.transform([afEvent(1)])
    const register = await registerIdMappingMetrics(mapping, { register: new Registry() })
    const text = await register.metrics()
    expect(text).toContain(
      'matchfeed_id_map_ids_total{provider="api-football",kind="match",outcome="mapped"} 1',
    )
    expect(text).toContain(
      'matchfeed_id_map_ids_total{provider="api-football",kind="player",outcome="unmapped"} 1',
    )
    expect(text).toContain('matchfeed_id_map_failures_total 0')
    expect(text).toContain('matchfeed_id_map_cached_ids 4')
  })
})

describe('createPipeline({ transforms })', () => {
  it('runs the transforms in order before validation and the dedupe, and stores under the mapped match', async () => {
    const store = memorySink()
    const order: string[] = []
    const tag: Transform = {
      name: 'tag',
      transform: (batch) => {
        order.push(`tag:${batch[0]?.matchId}`)
        return batch
      },
    }
    const pipeline = createPipeline({
      sinks: [store],
      transforms: [idMapping({ store: memoryIdMapStore(ENTRIES) }), tag],
    })
    await pipeline.start()
    await pipeline.emit([afEvent(1), afEvent(2)], 'af')
    await pipeline.emit([afEvent(1)], 'af') // the same provider event again: the same id, deduplicated
    expect(order).toEqual(['tag:our-match-1', 'tag:our-match-1'])
    expect(store.match('our-match-1').map((e) => e.id)).toEqual([
      'api-football:900001:e1',
      'api-football:900001:e2',
    ])
    expect(pipeline.metrics().sinks[store.name]).toMatchObject({ delivered: 2, deduplicated: 1 })
    await pipeline.stop()
  })

  it('gives the batch back to its source when a transform throws, and takes it once the store answers', async () => {
    const idStore = countingStore()
    const store = memorySink()
    const pipeline = createPipeline({ sinks: [store], transforms: [idMapping({ store: idStore })] })
    const errors: [string, string][] = []
    pipeline.on('transform:error', (_error, transform, source) => errors.push([transform, source]))
    await pipeline.start()
    idStore.fail(new Error('connection terminated'))
    const error = await pipeline.emit([afEvent(1)], 'af').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'id_mapping_failed', retryable: true })
    expect(errors).toEqual([['id-mapping', 'af']])
    expect(store.events()).toEqual([])
    // Not counted as invalid, not seen by the sinks.
    expect(pipeline.metrics().sources.af).toMatchObject({ invalid: 0, events: 0 })
    expect(pipeline.metrics().sinks[store.name]).toMatchObject({ received: 0 })
    idStore.fail(undefined)
    await pipeline.emit([afEvent(1)], 'af') // the source's retry
    expect(store.match('our-match-1').map((e) => e.id)).toEqual(['api-football:900001:e1'])
    await pipeline.stop()
  })

  it('refuses a batch whose transform was still waiting when the stop began', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const store = memorySink()
    const slow: Transform = {
      name: 'slow',
      async transform(batch) {
        await gate
        return batch
      },
    }
    const pipeline = createPipeline({ sinks: [store], transforms: [slow] })
    await pipeline.start()
    const pending = pipeline.emit([afEvent(1)], 'af').catch((e: unknown) => e)
    const stopping = pipeline.stop({ deadlineMs: 1_000 })
    release()
    expect(await pending).toMatchObject({ code: 'pipeline_stopped', retryable: true })
    await stopping
    expect(store.events()).toEqual([])
  })

  it('validates what a transform returns', async () => {
    const pipeline = createPipeline({
      sinks: [memorySink()],
      transforms: [{ name: 'breaks-ids', transform: (b) => b.map((e) => ({ ...e, matchId: 'other' })) }],
    })
    await pipeline.start()
    const error = await pipeline.emit([afEvent(1)], 'x').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'invalid_event', index: 0, field: 'id' })
    expect(pipeline.metrics().sources.x?.invalid).toBe(1)
    await pipeline.stop()
  })

  it('refuses a transform without a name and a transform function', () => {
    expect(() =>
      createPipeline({ sinks: [memorySink()], transforms: [(() => []) as unknown as Transform] }),
    ).toThrow(/createPipeline: option transforms\[0\]: must be \{ name, transform\(batch\) \}/)
  })
})

describe('MatchEvent: the fields an id mapping sets', () => {
  const mapped = () =>
    ({
      ...afEvent(1),
      matchId: 'our-match-1',
      providerMatchId: '900001',
      team: { id: 'getafe', providerId: '546' },
      player: { id: 'p-47', providerId: '47' },
    }) as MatchEvent
  const invalid = (event: unknown) => {
    try {
      validateMatchEvents([event])
    } catch (error) {
      return error as { field: string; reason: string }
    }
    throw new Error('accepted')
  }

  it('builds the id from providerMatchId when it is there', () => {
    expect(validateMatchEvents([mapped()])).toHaveLength(1)
    const error = invalid({ ...mapped(), id: 'api-football:our-match-1:e1' })
    expect(error).toMatchObject({ field: 'id' })
    expect(error.reason).toContain('<provider>:<providerMatchId, or matchId without it>:<providerEventId>')
  })

  it('holds providerMatchId and providerId to the bounds of the ids they stand beside', () => {
    expect(invalid({ ...mapped(), providerMatchId: 'a:b', id: 'api-football:a:b:e1' })).toMatchObject({
      field: 'providerMatchId',
    })
    expect(invalid({ ...mapped(), providerMatchId: '9\u0000', id: 'api-football:9\u0000:e1' })).toMatchObject(
      {
        field: 'providerMatchId',
      },
    )
    expect(invalid({ ...mapped(), team: { id: 'getafe', providerId: 'x'.repeat(129) } })).toMatchObject({
      field: 'team.providerId',
    })
    expect(invalid({ ...mapped(), player: { id: 'p-47', providerId: '\ud800' } })).toMatchObject({
      field: 'player.providerId',
    })
  })
})
