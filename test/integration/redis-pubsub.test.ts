import { setTimeout as sleep } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { createPipeline } from '../../src/pipeline/index.js'
import { memorySink } from '../../src/sinks/memory.js'
import { redisPubSubSink, redisStreamsSink } from '../../src/sinks/redis/index.js'
import { makeEvent } from '../helpers/events.js'
import {
  closeRedisClients,
  connectRedisClients,
  freePort,
  type NodeRedisClient,
  runPrefix,
  until,
} from '../helpers/redis.js'

const RUN = runPrefix()

let node: NodeRedisClient
let io: Redis

beforeAll(async () => {
  ;({ node, io } = await connectRedisClients())
})

afterAll(() => closeRedisClients({ node, io }, RUN))

const ev = (matchId: string, n: number, extra: Partial<MatchEvent> = {}) =>
  makeEvent({ matchId, providerEventId: `e${n}`, seq: n, ...extra })

/** A subscriber on its own connection; messages parsed, per channel. */
async function subscribe(kind: 'node-redis' | 'ioredis', channels: string[]) {
  const received = new Map<string, MatchEvent[]>()
  const take = (channel: string, message: string) => {
    const list = received.get(channel) ?? []
    list.push(JSON.parse(message) as MatchEvent)
    received.set(channel, list)
  }
  if (kind === 'node-redis') {
    const sub = node.duplicate()
    sub.on('error', () => {})
    await sub.connect()
    await sub.subscribe(channels, (message, channel) => take(channel, message))
    return { received, close: () => sub.destroy() }
  }
  const sub = io.duplicate()
  sub.on('message', take)
  await sub.subscribe(...channels)
  return { received, close: () => sub.disconnect() }
}

describe.each<'node-redis' | 'ioredis'>(['node-redis', 'ioredis'])('redisPubSubSink (%s)', (kind) => {
  const client = () => (kind === 'node-redis' ? node : io)

  it('publishes each event as JSON on its match channel, in order', async () => {
    const prefix = `${RUN}${kind}:order:`
    const sink = redisPubSubSink({ client: client(), prefix })
    const sub = await subscribe(kind, [sink.channel('a'), sink.channel('b')])
    try {
      const batch = [ev('a', 1), ev('b', 1), ev('a', 2), ev('a', 3, { type: 'shot', result: 'goal' })]
      await sink.write(batch)
      await until(() => (sub.received.get(sink.channel('a'))?.length ?? 0) === 3, 'the messages of a')
      expect(sub.received.get(sink.channel('a'))).toEqual([batch[0], batch[2], batch[3]])
      expect(sub.received.get(sink.channel('b'))).toEqual([batch[1]])
      expect(sink.channel('a')).toBe(`${prefix}events:a`)
      expect(sink.published).toBe(4)
    } finally {
      sub.close()
    }
  })

  it('does not publish again what it already published at that version (a retried write)', async () => {
    const sink = redisPubSubSink({ client: client(), prefix: `${RUN}${kind}:retry:` })
    const sub = await subscribe(kind, [sink.channel('m')])
    try {
      await sink.write([ev('m', 1), ev('m', 2)])
      await sink.write([ev('m', 1), ev('m', 2), ev('m', 1, { version: 1, result: 'out' })])
      await until(() => sink.published === 3, 'three publishes')
      await sleep(50)
      expect(sub.received.get(sink.channel('m'))!.map((e) => [e.seq, e.version])).toEqual([
        [1, 0],
        [2, 0],
        [1, 1],
      ])
      expect(sink.skipped).toBe(2)
    } finally {
      sub.close()
    }
  })
})

describe('redisPubSubSink in a pipeline', () => {
  it('is best effort with drop-oldest: a Redis that is down never fails or holds back the source', async () => {
    const port = await freePort()
    const pubsub = redisPubSubSink({ url: `redis://127.0.0.1:${port}`, timeoutMs: 100 })
    const store = memorySink()
    const pipeline = createPipeline({
      sinks: [store, { sink: pubsub, policy: 'drop-oldest', retry: { retries: 0 } }],
    })
    const started = Date.now()
    for (let n = 0; n < 5; n++) await pipeline.emit([ev('m', n)])
    expect(Date.now() - started).toBeLessThan(100 * 5) // emit did not wait for the pub/sub timeouts
    expect(store.match('m')).toHaveLength(5)
    await pipeline.stop({ deadlineMs: 2_000 })
  })

  it('lets a late subscriber fill the gap from the stream by seq', async () => {
    const prefix = `${RUN}gap:`
    const streams = redisStreamsSink({ client: node, prefix })
    const pubsub = redisPubSubSink({ client: node, prefix })
    const pipeline = createPipeline({ sinks: [streams, { sink: pubsub, policy: 'drop-oldest' }] })
    await pipeline.emit([ev('m', 1), ev('m', 2), ev('m', 3)]) // nobody listening: gone from Pub/Sub
    const sub = await subscribe('node-redis', [pubsub.channel('m')])
    try {
      await pipeline.emit([ev('m', 4), ev('m', 5)])
      await until(() => (sub.received.get(pubsub.channel('m'))?.length ?? 0) === 2, 'the live messages')
      const live = sub.received.get(pubsub.channel('m'))!
      // The documented recipe: read the match's stream up to the first live seq, merge by (id, version).
      const reply = (await node.sendCommand(['XRANGE', streams.key('m'), '-', '+'])) as [string, string[]][]
      const stored = reply.map(([, f]) => JSON.parse(f[f.indexOf('event') + 1]!) as MatchEvent)
      const missed = stored.filter((e) => e.seq < live[0]!.seq)
      expect([...missed, ...live].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    } finally {
      sub.close()
      await pipeline.stop()
    }
  })
})
