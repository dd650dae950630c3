import { setTimeout as sleep } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import {
  createRedisStreamConsumer,
  type RedisClientLike,
  type RedisStreamConsumer,
  type RedisStreamConsumerOptions,
  redisStreamsSink,
  type StreamBatchContext,
  type StreamDeadLetter,
} from '../../src/sinks/redis/index.js'
import { type ConsumerHarness, describeConsumerConformance } from '../helpers/consumer-conformance.js'
import { makeEvent } from '../helpers/events.js'
import {
  closeRedisClients,
  connectRedisClients,
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

const running: RedisStreamConsumer[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()))
})

const ev = (matchId: string, n: number, extra: Partial<MatchEvent> = {}) =>
  makeEvent({ matchId, providerEventId: `e${n}`, seq: n, ...extra })

const pendingCount = async (key: string, group: string) =>
  Number(((await node.sendCommand(['XPENDING', key, group])) as unknown[])[0])

describe.each<'node-redis' | 'ioredis'>(['node-redis', 'ioredis'])('redis stream consumer (%s)', (kind) => {
  const client = (): RedisClientLike => (kind === 'node-redis' ? node : io)
  let prefix: string
  let tests = 0

  const setup = () => {
    prefix = `${RUN}${kind}:c${++tests}:`
    return redisStreamsSink({ client: client(), prefix })
  }

  /** A consumer with fast timings, recording what it is handed. */
  function consumer(
    options: Partial<RedisStreamConsumerOptions> & Pick<RedisStreamConsumerOptions, 'group'>,
  ) {
    const handled: { events: MatchEvent[]; context: StreamBatchContext }[] = []
    const dead: StreamDeadLetter[] = []
    const errors: unknown[] = []
    const c = createRedisStreamConsumer({
      client: client(),
      consumer: 'c1',
      blockMs: 50,
      claimIdleMs: 200,
      handler: (events, context) => {
        handled.push({ events, context })
      },
      deadLetter: (letter) => {
        dead.push(letter)
      },
      onError: (error) => errors.push(error),
      ...options,
    } as RedisStreamConsumerOptions)
    running.push(c)
    const seqs = () => handled.flatMap((h) => h.events.map((e) => `${e.matchId}:${e.seq}`))
    return { c, handled, dead, errors, seqs }
  }

  it('hands each stream its events in order, and acknowledges only after the handler resolved', async () => {
    const sink = setup()
    await sink.write([ev('a', 1), ev('b', 1), ev('a', 2), ev('a', 3), ev('b', 2)])
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const seen: string[][] = []
    const { c } = consumer({
      keys: [sink.key('a'), sink.key('b')],
      group: 'g',
      handler: async (events, { stream }) => {
        seen.push([stream, ...events.map((e) => String(e.seq))])
        await gate
      },
    })
    await c.start()
    await until(() => seen.length > 0, 'the first handler call')
    // Delivered, not yet acknowledged: still pending in the group.
    expect(await pendingCount(sink.key('a'), 'g')).toBe(3)
    release()
    await until(() => c.stats().acknowledged === 5, 'every entry acknowledged')
    expect(await pendingCount(sink.key('a'), 'g')).toBe(0)
    expect(await pendingCount(sink.key('b'), 'g')).toBe(0)
    expect(seen).toEqual(
      expect.arrayContaining([
        [sink.key('a'), '1', '2', '3'],
        [sink.key('b'), '1', '2'],
      ]),
    )
  })

  it('takes over what a dead consumer left pending (XAUTOCLAIM after claimIdleMs)', async () => {
    const sink = setup()
    const key = sink.key('m')
    await sink.write([ev('m', 1), ev('m', 2), ev('m', 3)])
    await node.sendCommand(['XGROUP', 'CREATE', key, 'g', '0'])
    // "dead" reads and never acknowledges: it crashed mid-handler.
    await node.sendCommand(['XREADGROUP', 'GROUP', 'g', 'dead', 'COUNT', '10', 'STREAMS', key, '>'])
    const started = Date.now()
    const { c, handled, seqs } = consumer({ keys: [key], group: 'g', consumer: 'alive' })
    await c.start()
    await until(() => c.stats().acknowledged === 3, 'the claimed entries acknowledged')
    expect(Date.now() - started).toBeGreaterThanOrEqual(150) // not before they were idle long enough
    expect(seqs()).toEqual(['m:1', 'm:2', 'm:3'])
    // Redeliveries come one at a time, with their delivery count.
    expect(handled.map((h) => [h.events.length, h.context.deliveries])).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ])
    expect(c.stats().claimed).toBe(3)
    expect(await pendingCount(key, 'g')).toBe(0)
  })

  it('redelivers after a handler failure, holding the stream meanwhile (order kept)', async () => {
    const sink = setup()
    const key = sink.key('m')
    await sink.write([ev('m', 1), ev('m', 2)])
    let failures = 0
    const order: number[] = []
    const { c, errors } = consumer({
      keys: [key],
      group: 'g',
      handler: (events) => {
        if (failures++ === 0) throw new Error('database down')
        order.push(...events.map((e) => e.seq))
      },
    })
    await c.start()
    await until(() => errors.length === 1, 'the handler failure')
    expect(await pendingCount(key, 'g')).toBe(2) // not acknowledged
    await sink.write([ev('m', 3)]) // newer: must not overtake the failed entries
    await until(() => c.stats().acknowledged === 3, 'everything acknowledged')
    expect(order).toEqual([1, 2, 3])
    expect(String(errors[0])).toMatch(/database down/)
  })

  it('dead-letters a poison event after maxDeliveries and goes on with the rest', async () => {
    const sink = setup()
    const key = sink.key('m')
    await sink.write([1, 2, 3, 4, 5].map((n) => ev('m', n)))
    const { c, dead, seqs, handled } = consumer({
      keys: [key],
      group: 'g',
      maxDeliveries: 3,
      claimIdleMs: 100,
      handler: (events, context) => {
        if (events.some((e) => e.seq === 3)) throw new Error('cannot handle e3')
        handled.push({ events, context })
      },
    })
    await c.start()
    await until(() => dead.length === 1 && c.stats().acknowledged === 5, 'the poison dead-lettered')
    expect(dead[0]).toMatchObject({ stream: key, deliveries: 3, event: { seq: 3 } })
    expect(dead[0]!.fields.id).toBe(ev('m', 3).id)
    expect(String(dead[0]!.error)).toMatch(/cannot handle e3/)
    expect(seqs()).toEqual(['m:1', 'm:2', 'm:4', 'm:5'])
    expect(c.stats()).toMatchObject({ deadLettered: 1, acknowledged: 5 })
    expect(await pendingCount(key, 'g')).toBe(0)
  })

  it('dead-letters a malformed entry at once: not JSON, or not a MatchEvent', async () => {
    const sink = setup()
    const key = sink.key('m')
    await sink.write([ev('m', 1)])
    await node.sendCommand(['XADD', key, '*', 'id', 'x', 'event', '{not json'])
    await node.sendCommand(['XADD', key, '*', 'id', 'y', 'event', JSON.stringify({ id: 'y' })])
    await sink.write([ev('m', 2)])
    const { c, dead, seqs } = consumer({ keys: [key], group: 'g' })
    await c.start()
    await until(() => c.stats().acknowledged === 4, 'everything acknowledged')
    expect(dead.map((d) => [d.fields.id, d.deliveries, d.event])).toEqual([
      ['x', 1, undefined],
      ['y', 1, undefined],
    ])
    expect(String(dead[0]!.error)).toMatch(/not JSON/)
    expect(String(dead[1]!.error)).toMatch(/invalid MatchEvent/)
    expect(seqs()).toEqual(['m:1', 'm:2'])
  })

  it('dead-letters, without calling the handler, an entry whose consumers kept dying on it', async () => {
    const sink = setup()
    const key = sink.key('m')
    await sink.write([ev('m', 1), ev('m', 2)])
    await node.sendCommand(['XGROUP', 'CREATE', key, 'g', '0'])
    await node.sendCommand(['XREADGROUP', 'GROUP', 'g', 'dead', 'COUNT', '1', 'STREAMS', key, '>'])
    const [first] = (await node.sendCommand(['XRANGE', key, '-', '+', 'COUNT', '1'])) as [string, string[]][]
    const id = first![0]
    // As if delivered (and crashed on) 5 times already.
    await node.sendCommand(['XCLAIM', key, 'g', 'dead', '0', id, 'RETRYCOUNT', '5'])
    const { c, dead, seqs } = consumer({ keys: [key], group: 'g', maxDeliveries: 5, claimIdleMs: 50 })
    await c.start()
    await until(() => c.stats().acknowledged === 2, 'everything settled')
    expect(dead).toHaveLength(1)
    expect(dead[0]).toMatchObject({ id, deliveries: 6, event: { seq: 1 } })
    expect((dead[0]!.error as { code?: string }).code).toBe('max_deliveries')
    expect(seqs()).toEqual(['m:2'])
  })

  it('without a deadLetter hook, leaves what it cannot deliver pending and says so', async () => {
    const sink = setup()
    const key = sink.key('m')
    await node.sendCommand(['XADD', key, '*', 'event', 'garbage'])
    const { c, errors } = consumer({ keys: [key], group: 'g', deadLetter: undefined })
    await c.start()
    await until(() => errors.length > 0, 'the report')
    expect(errors[0]).toMatchObject({ code: 'dead_letter_unhandled' })
    expect(await pendingCount(key, 'g')).toBe(1) // never dropped
  })

  it('finds streams by pattern, including streams created after start', async () => {
    const sink = setup()
    await sink.write([ev('p1', 1)])
    const { c, seqs } = consumer({ pattern: `${prefix}events:*`, group: 'g', discoverIntervalMs: 50 })
    await c.start()
    await until(() => seqs().length === 1, 'the first stream')
    await sink.write([ev('p2', 1), ev('p1', 2)])
    await until(() => seqs().length === 3, 'the second stream')
    expect(seqs().sort()).toEqual(['p1:1', 'p1:2', 'p2:1'])
    expect(c.streams().sort()).toEqual([sink.key('p1'), sink.key('p2')]) // not the :seen hashes
  })

  it('sets its group up again when the stream is deleted under it', async () => {
    const sink = setup()
    const key = sink.key('m')
    const { c, seqs, errors } = consumer({ keys: [key], group: 'g' })
    await c.start()
    await sink.write([ev('m', 1)])
    await until(() => seqs().length === 1, 'the first event')
    await node.del([key, sink.seenKey(key)])
    await sleep(100)
    await sink.write([ev('m', 2)])
    await until(() => seqs().length === 2, 'the event after the deletion')
    expect(seqs()).toEqual(['m:1', 'm:2'])
    expect(errors.some((e) => /NOGROUP/.test(String(e)))).toBe(true)
  })

  it('stops promptly while a read is blocked', async () => {
    const sink = setup()
    const { c } = consumer({ keys: [sink.key('idle')], group: 'g', blockMs: 10_000 })
    await c.start()
    await sleep(100)
    const started = Date.now()
    await c.stop()
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(c.running).toBe(false)
  })
})

let harnesses = 0
/** One stream per match (the streams sink), found by pattern; each worker on a connection of its own. */
async function conformanceHarness(): Promise<ConsumerHarness> {
  const prefix = `${RUN}conf${++harnesses}:`
  const sink = redisStreamsSink({ client: node, prefix })
  const alive = new Set<RedisStreamConsumer>()
  const connections: NodeRedisClient[] = []
  let workers = 0
  return {
    produce: (batch) => sink.write(batch),
    async open(hooks) {
      const connection = node.duplicate()
      connection.on('error', () => {})
      await connection.connect()
      connections.push(connection)
      const c = createRedisStreamConsumer({
        client: connection,
        pattern: `${prefix}events:*`,
        group: 'g',
        consumer: `w${++workers}`,
        blockMs: 50,
        claimIdleMs: 300,
        discoverIntervalMs: 100,
        maxDeliveries: hooks.maxDeliveries,
        handler: (events) => hooks.handler(events),
        deadLetter: (letter) => hooks.deadLetter(letter.event ? [letter.event] : []),
      })
      alive.add(c)
      return {
        start: () => c.start(),
        stop: async () => {
          alive.delete(c)
          await c.stop()
        },
        // Its handler never returns, so it acknowledges and claims nothing more: as a dead process.
        crash: () => void alive.delete(c),
      }
    },
    async dispose() {
      await Promise.all([...alive].map((c) => c.stop()))
      for (const connection of connections) connection.destroy()
    },
  }
}

describeConsumerConformance('redis stream consumer', conformanceHarness)
