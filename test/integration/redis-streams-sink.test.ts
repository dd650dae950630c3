import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { InvalidMatchEventError } from '../../src/event/validate.js'
import {
  type RedisClientLike,
  RedisError,
  redisStreamsSink,
  STREAM_FIELDS,
} from '../../src/sinks/redis/index.js'
import { makeEvent } from '../helpers/events.js'
import {
  closeRedisClients,
  connectRedisClients,
  freePort,
  type NodeRedisClient,
  REDIS_URL,
  runPrefix,
} from '../helpers/redis.js'
import { describeSinkConformance, type SinkHarness } from '../helpers/sink-conformance.js'

const RUN = runPrefix()

let node: NodeRedisClient
let io: Redis

beforeAll(async () => {
  ;({ node, io } = await connectRedisClients())
})

afterAll(() => closeRedisClients({ node, io }, RUN))

async function deleteKeys(pattern: string): Promise<void> {
  for await (const keys of node.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
    if (keys.length > 0) await node.unlink(keys)
  }
}

async function entries(key: string): Promise<Record<string, string>[]> {
  const reply = (await node.sendCommand(['XRANGE', key, '-', '+'])) as [string, string[]][]
  return reply.map(([, flat]) => {
    const fields: Record<string, string> = {}
    for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!
    return fields
  })
}

let harnesses = 0
function harness(client: () => RedisClientLike): SinkHarness {
  const prefix = `${RUN}h${++harnesses}:`
  return {
    open: async () => redisStreamsSink({ client: client(), prefix }),
    records: async (matchId) =>
      (await entries(`${prefix}events:${matchId}`)).map((f) => JSON.parse(f.event!) as MatchEvent),
    dispose: () => deleteKeys(`${prefix}*`),
  }
}

describeSinkConformance('redis streams (node-redis)', async () => harness(() => node), { appendOnly: true })
describeSinkConformance('redis streams (ioredis)', async () => harness(() => io), { appendOnly: true })

const ev = (matchId: string, n: number, extra: Partial<MatchEvent> = {}) =>
  makeEvent({ matchId, providerEventId: `e${n}`, seq: n, ...extra })

describe('redisStreamsSink', () => {
  const prefix = `${RUN}s:`

  it('stores the documented field layout: flat fields, then the event as JSON', async () => {
    const sink = redisStreamsSink({ client: node, prefix })
    const event = ev('layout', 7, { version: 2, deleted: true, type: 'shot', result: 'goal' })
    await sink.write([event])
    const [fields] = await entries(sink.key('layout'))
    expect(Object.keys(fields!)).toEqual([...STREAM_FIELDS])
    expect(fields).toEqual({
      id: event.id,
      version: '2',
      seq: '7',
      type: 'shot',
      deleted: 'true',
      event: JSON.stringify(event),
    })
    expect(sink.key('layout')).toBe(`${prefix}events:layout`)
    expect(sink.seenKey(sink.key('layout'))).toBe(`${prefix}events:layout:seen`)
    expect(await node.hGet(sink.seenKey(sink.key('layout')), event.id)).toBe('2')
  })

  it('sends every stream of a batch before awaiting a reply: one round trip', async () => {
    const log: string[] = []
    let sent = 0
    const counting = {
      sendCommand: (args: string[]) => {
        const n = ++sent
        log.push(`send ${n} ${args[0]}`)
        return node.sendCommand(args).finally(() => log.push(`reply ${n}`))
      },
      duplicate: () => node.duplicate(),
      connect: () => node.connect(),
      on: () => counting,
    }
    const sink = redisStreamsSink({ client: counting, prefix })
    await sink.write([ev('rt-a', 1), ev('rt-b', 1), ev('rt-a', 2), ev('rt-c', 1)])
    // One script call per stream, all sent before the first reply (a NOSCRIPT would add an EVAL each).
    expect(log.filter((l) => l.endsWith('EVALSHA'))).toHaveLength(3)
    expect(log.slice(0, 3).every((l) => l.endsWith('EVALSHA'))).toBe(true)
  })

  it('falls back to EVAL when the server lost its script cache (NOSCRIPT)', async () => {
    const sink = redisStreamsSink({ client: io, prefix })
    await sink.write([ev('noscript', 1)])
    await node.sendCommand(['SCRIPT', 'FLUSH'])
    await sink.write([ev('noscript', 2), ev('noscript', 1)])
    expect((await entries(sink.key('noscript'))).map((f) => f.seq)).toEqual(['1', '2'])
    expect(sink.appended).toBe(2)
    expect(sink.skipped).toBe(1)
  })

  it('trims with MAXLEN ~ and keeps the seen-hash with its TTL', async () => {
    const sink = redisStreamsSink({ client: node, prefix, maxLen: 100, seenTtlSeconds: 3_600 })
    const events = Array.from({ length: 1_000 }, (_, n) => ev('trim', n))
    for (let i = 0; i < events.length; i += 250) await sink.write(events.slice(i, i + 250))
    const length = await node.xLen(sink.key('trim'))
    expect(length).toBeGreaterThanOrEqual(100)
    expect(length).toBeLessThan(300) // whole nodes of ~100 entries are trimmed
    // Trimmed entries are still remembered: a replay of the whole match appends nothing.
    await sink.write(events)
    expect(await node.xLen(sink.key('trim'))).toBe(length)
    const ttl = await node.ttl(sink.seenKey(sink.key('trim')))
    expect(ttl).toBeGreaterThan(3_500)
    expect(ttl).toBeLessThanOrEqual(3_600)
  })

  it('rejects an invalid batch before writing anything (not retryable)', async () => {
    const sink = redisStreamsSink({ client: node, prefix })
    const bad = [ev('invalid', 1), { ...ev('invalid', 2), x: 500, y: 10 }]
    const error = await sink.write(bad).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidMatchEventError)
    expect((error as InvalidMatchEventError).retryable).toBe(false)
    expect(await node.exists(sink.key('invalid'))).toBe(0)
  })

  it('reports a server error a retry cannot fix as not retryable (WRONGTYPE)', async () => {
    const sink = redisStreamsSink({ client: node, prefix })
    await node.set(sink.key('wrongtype'), 'not a stream')
    const error = await sink.write([ev('wrongtype', 1)]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RedisError)
    expect(error).toMatchObject({
      code: 'redis_error',
      retryable: false,
      reply: 'WRONGTYPE',
      sink: 'redis-streams',
      backendCode: 'WRONGTYPE',
    })
  })

  it('reports an unreachable server as retryable, within timeoutMs', async () => {
    const port = await freePort()
    const sink = redisStreamsSink({ url: `redis://127.0.0.1:${port}`, prefix, timeoutMs: 300 })
    const error = await sink.write([ev('down', 1)]).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'redis_error', retryable: true })
    expect(String((error as Error).message)).toMatch(/timed out after 300 ms/)
    await sink.close()
  })

  it('creates and closes a client of its own from a URL (node-redis, imported on first use)', async () => {
    const sink = redisStreamsSink({ url: REDIS_URL, prefix })
    await sink.write([ev('url', 1)])
    await sink.close()
    expect(await node.xLen(sink.key('url'))).toBe(1)
    await expect(sink.write([ev('url', 2)])).rejects.toMatchObject({ code: 'sink_closed' })
  })

  it('refuses something that is not a Redis client, and neither or both of client / url', () => {
    expect(() => redisStreamsSink({ client: {} as RedisClientLike })).toThrow(
      /node-redis client .* or an ioredis/,
    )
    expect(() => redisStreamsSink({})).toThrow(/either `client` or `url`/)
    expect(() => redisStreamsSink({ client: node, url: REDIS_URL })).toThrow(/either `client` or `url`/)
  })

  it('leaves the injected client open on close()', async () => {
    const sink = redisStreamsSink({ client: node, prefix })
    await sink.close()
    expect(node.isOpen).toBe(true)
    expect(io.status).toBe('ready')
  })
})
