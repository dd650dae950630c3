import fc from 'fast-check'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { redisLiveStore } from '../../src/live/redis-store.js'
import type { LiveStore } from '../../src/live/store.js'
import { redisPubSubSink, redisStreamsSink } from '../../src/sinks/redis/index.js'
import {
  type HubServer,
  revised,
  scriptedEvents,
  startHub,
  storedState,
  type TrackedClient,
  trackedClient,
  until,
  versions,
} from '../helpers/live-harness.js'
import {
  closeRedisClients,
  connectRedisClients,
  type NodeRedisClient,
  REDIS_URL,
  runPrefix,
} from '../helpers/redis.js'

// Two hub instances over one Redis: the streams sink's streams are the order, the pubsub sink's channels
// wake the hubs up. Hub A reads through node-redis, hub B through ioredis.
const RUN = runPrefix()
let node: NodeRedisClient
let io: Redis

beforeAll(async () => {
  ;({ node, io } = await connectRedisClients())
})
afterAll(() => closeRedisClients({ node, io }, RUN))

let runs = 0
const hubErrors: unknown[] = []
const WAKE_UP_ONLY = { pollMs: 60_000, onError: (error: unknown) => void hubErrors.push(error) }
afterEach(() => {
  expect(hubErrors.splice(0)).toEqual([])
})

/** Two hubs, the two sinks, and clients that connect to A and B in turn. */
async function cluster() {
  const prefix = `${RUN}${runs++}:`
  const stores: LiveStore[] = [
    redisLiveStore({ client: node, prefix }),
    redisLiveStore({ client: io, prefix }),
  ]
  const hubs: HubServer[] = []
  // Polling off (a minute): the events must come through the Pub/Sub wake-up, and the subscriber must not fail.
  for (const store of stores) hubs.push(await startHub({ store, lingerMs: 0, batchMs: 2, ...WAKE_UP_ONLY }))
  const streams = redisStreamsSink({ client: node, prefix })
  const pubsub = redisPubSubSink({ client: node, prefix })
  const clients: TrackedClient[] = []
  const latest = new Map<string, MatchEvent>()
  return {
    hubs,
    stores,
    clients,
    latest,
    client(matchIds: string[]) {
      let turn = clients.length
      const t = trackedClient({ url: () => hubs[turn++ % 2]!.url, matches: matchIds })
      clients.push(t)
      return t
    },
    /** The pipeline's two writes: stream and channel, in either order (the pipeline runs them in parallel). */
    async write(events: MatchEvent[], pubsubFirst = false) {
      for (const e of events) latest.set(e.id, e)
      if (pubsubFirst) await pubsub.write(events)
      await streams.write(events)
      if (!pubsubFirst) await pubsub.write(events)
    },
    async converged(matchIds: string[]) {
      for (const matchId of matchIds) {
        const stored = versions((await storedState(stores[0]!, matchId)).values()).join()
        await until(
          () => clients.every((c) => versions(c.client.events(matchId)).join() === stored),
          `every client to hold ${matchId} as stored`,
        )
      }
    },
    async close() {
      for (const c of clients) c.client.close()
      for (const h of hubs) await h.close()
      for (const s of stores) await s.close?.()
      await streams.close()
      await pubsub.close()
    },
  }
}

function expectExactlyOnce(t: TrackedClient, matchId: string) {
  const got = t.received.get(matchId) ?? []
  expect(new Set(got).size, `${matchId}: an event twice`).toBe(got.length)
}

/** Every event frame a client got, over all its connections, came in the stream's order. */
async function expectStreamOrder(store: LiveStore, t: TrackedClient, matchId: string) {
  const order = new Map<string, number>()
  for (const { event } of await store.read(matchId, store.start, 10_000))
    order.set(`${event.id}@${event.version}`, order.size)
  const indices = (t.received.get(matchId) ?? []).map((key) => order.get(key) ?? -1)
  expect(indices.every((index, i) => index >= 0 && (i === 0 || index > indices[i - 1]!))).toBe(true)
}

describe('matchfeed/live over Redis Streams and Pub/Sub, two hub instances', () => {
  it('a client that loses hub A resumes on hub B after its position: no snapshot again, no gap, no repeat', async () => {
    const c = await cluster()
    try {
      await c.write(scriptedEvents('m1', 0, 10))
      const t = c.client(['m1'])
      await c.converged(['m1'])
      expect(t.client.position('m1')).toMatch(/^\d+-\d+$/)
      const events = scriptedEvents('m1', 10, 10)
      await c.write(events.slice(0, 5))
      t.kill() // to hub B
      await c.write([...events.slice(5), revised(events[0]!, 'correct'), revised(events[1]!, 'delete')], true)
      await until(() => t.connections() === 2, 'the reconnect')
      await c.converged(['m1'])
      expect(t.snapshots.get('m1')).toBe(1)
      expectExactlyOnce(t, 'm1')
      expect(t.client.events('m1').some((e) => e.providerEventId === 'e11')).toBe(false)
      const hubMetrics = c.hubs.map((h) => h.hub.metrics())
      expect(hubMetrics.map((m) => m.clients)).toEqual([0, 1])
    } finally {
      await c.close()
    }
  })

  it('redisLiveStore with a `url` opens its own connections (node-redis, an optional peer)', async () => {
    const prefix = `${RUN}url:`
    const store = redisLiveStore({ url: REDIS_URL, prefix })
    const hub = await startHub({ store, lingerMs: 0, batchMs: 2, ...WAKE_UP_ONLY })
    const streams = redisStreamsSink({ client: io, prefix })
    const pubsub = redisPubSubSink({ client: io, prefix })
    const t = trackedClient({ url: hub.url, matches: ['m1'] })
    try {
      await until(
        () => t.client.status === 'open' && hub.hub.metrics().subscriptions === 1,
        'the subscription',
      )
      for (let i = 0; i < 12; i += 3) {
        const events = scriptedEvents('m1', i, 3)
        await streams.write(events)
        await pubsub.write(events)
      }
      await until(() => t.client.events('m1').length === 12, 'the events')
      expectExactlyOnce(t, 'm1')
    } finally {
      t.client.close()
      await hub.close()
      await store.close?.()
      await streams.close()
      await pubsub.close()
    }
  })

  it('property: random writes, corrections, deletions and drops → every client holds the stored state, each event once', async () => {
    const command = fc.oneof(
      fc.record({
        kind: fc.constant('new' as const),
        match: fc.nat(1),
        count: fc.integer({ min: 1, max: 6 }),
      }),
      fc.record({
        kind: fc.constantFrom('correct' as const, 'delete' as const),
        match: fc.nat(1),
        pick: fc.nat(),
        pubsubFirst: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('drop' as const), client: fc.nat(2) }),
      fc.record({ kind: fc.constant('pause' as const) }),
    )
    let resumed = 0
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 24 }), async (commands) => {
        const c = await cluster()
        const matchIds = [`a${runs}`, `b${runs}`]
        const next = [0, 0]
        try {
          await c.write(scriptedEvents(matchIds[0]!, 0, 3))
          next[0] = 3
          for (let i = 0; i < 3; i++) c.client(matchIds)
          for (const cmd of commands) {
            if (cmd.kind === 'new') {
              await c.write(scriptedEvents(matchIds[cmd.match]!, next[cmd.match]!, cmd.count))
              next[cmd.match]! += cmd.count
            } else if (cmd.kind === 'drop') {
              c.clients[cmd.client]!.kill()
            } else if (cmd.kind === 'pause') {
              await new Promise((resolve) => setTimeout(resolve, 5))
            } else {
              const live = [...c.latest.values()].filter(
                (e) => e.matchId === matchIds[cmd.match] && !e.deleted,
              )
              const target = live[cmd.pick % Math.max(1, live.length)]
              if (target) await c.write([revised(target, cmd.kind)], cmd.pubsubFirst)
            }
          }
          await c.converged(matchIds)
          for (const t of c.clients) {
            for (const matchId of matchIds) {
              expectExactlyOnce(t, matchId)
              await expectStreamOrder(c.stores[1]!, t, matchId)
            }
          }
          for (const t of c.clients) if (t.connections() > 1 && t.snapshots.get(matchIds[0]!) === 1) resumed++
        } finally {
          await c.close()
        }
      }),
      { numRuns: 40, endOnFailure: true },
    )
    expect(resumed, 'clients that reconnected and resumed without a second snapshot').toBeGreaterThan(0)
  }, 120_000)
})
