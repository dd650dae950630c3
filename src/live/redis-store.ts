import { invalidOption } from '../errors.js'
import { eventFromJson } from '../event/json.js'
import { importPeer } from '../peer.js'
import {
  lazyConnection,
  type RedisClientLike,
  type RedisConnectionOptions,
  withTimeout,
} from '../sinks/redis/client.js'
import { toEntries } from '../sinks/redis/stream-replies.js'
import type { LiveEntry, LiveStore } from './store.js'

export interface RedisLiveStoreOptions extends RedisConnectionOptions {
  /** The stream of a match, as the streams sink writes it. Default `${prefix}events:${matchId}`. */
  key?: (matchId: string) => string
  /** The Pub/Sub channel of a match, as the pubsub sink publishes it. Default `${prefix}events:${matchId}`. */
  channel?: (matchId: string) => string
  /** Default `matchfeed:`. */
  prefix?: string
  /** A read with no reply after this long fails (the hub retries, or resyncs the client it was for). Default 10 s. */
  timeoutMs?: number
}

interface Subscriber {
  subscribe(channel: string): Promise<void>
  unsubscribe(channel: string): Promise<void>
  close(): void
}

/**
 * The Redis Streams a `redisStreamsSink` writes, as a LiveStore: positions are the stream's entry ids, so
 * every hub instance reading one stream sees one order. The `redisPubSubSink`'s channel of a match only
 * wakes the hub up (Pub/Sub is best effort); what it sends is always read from the stream.
 */
export function redisLiveStore(options: RedisLiveStoreOptions): LiveStore {
  const connection = lazyConnection(options, 'redisLiveStore')
  const prefix = options.prefix ?? 'matchfeed:'
  const key = options.key ?? ((matchId: string) => `${prefix}events:${matchId}`)
  const channel = options.channel ?? ((matchId: string) => `${prefix}events:${matchId}`)
  const timeoutMs = options.timeoutMs ?? 10_000
  const watchers = new Map<string, Set<() => void>>()
  let subscriber: Promise<Subscriber> | undefined
  let closed = false

  const dispatch = (name: string) => {
    for (const changed of watchers.get(name) ?? []) changed()
  }

  async function openSubscriber(): Promise<Subscriber> {
    let base: unknown = options.client
    let own = false
    if (base === undefined) {
      const redis = await importPeer<{ createClient(o: { url: string }): unknown }>('redis', {
        purpose: 'redisLiveStore with `url`',
        alternative: 'or pass a node-redis client or an ioredis instance as `client`',
      })
      base = redis.createClient({ url: options.url! })
      own = true
    }
    const c = base as Record<string, (...args: never[]) => unknown>
    if (typeof c.call === 'function') {
      const io = (c.duplicate as () => RedisClientLike & IoSubscriber)()
      io.on('error', ignore)
      io.on('message', (name: string) => dispatch(name))
      return {
        subscribe: async (name) => void (await io.subscribe(name)),
        unsubscribe: async (name) => void (await io.unsubscribe(name)),
        close: () => io.disconnect(),
      }
    }
    if (typeof c.subscribe !== 'function') {
      throw invalidOption('redisLiveStore', 'client', 'must be a node-redis client or an ioredis instance')
    }
    const node = (own ? base : (c.duplicate as () => unknown)()) as NodeSubscriber
    node.on('error', ignore)
    await node.connect()
    return {
      subscribe: (name) => node.subscribe(name, () => dispatch(name)),
      unsubscribe: (name) => node.unsubscribe(name),
      close: () => node.destroy(),
    }
  }

  return {
    name: 'live-redis-streams',
    start: '0-0',
    async read(matchId, after, limit) {
      const redis = await connection.get()
      const command = ['XRANGE', key(matchId), `(${after}`, '+', 'COUNT', String(limit)]
      const reply = await withTimeout(
        redis.send(command, 'bounded'),
        timeoutMs,
        'read stream',
        'redisLiveStore',
      )
      return toEntries(reply).map(
        (entry): LiveEntry => ({ position: entry.id, event: eventFromJson(entry.fields.event!) }),
      )
    },
    compare(a, b) {
      const [am, as] = a.split('-').map(Number) as [number, number]
      const [bm, bs] = b.split('-').map(Number) as [number, number]
      return am === bm ? as - bs : am - bm
    },
    isPosition: (position) => /^\d{1,15}-\d{1,15}$/.test(position),
    async watch(matchId, changed) {
      const name = channel(matchId)
      subscriber ??= openSubscriber().catch((error: unknown) => {
        subscriber = undefined
        throw error
      })
      const sub = await subscriber
      let set = watchers.get(name)
      if (!set) {
        set = new Set()
        watchers.set(name, set)
        await sub.subscribe(name)
      }
      set.add(changed)
      return () => {
        set.delete(changed)
        if (set.size > 0 || watchers.get(name) !== set) return
        watchers.delete(name)
        if (!closed) sub.unsubscribe(name).catch(ignore)
      }
    },
    async close() {
      closed = true
      watchers.clear()
      const sub = subscriber
      subscriber = undefined
      if (sub) (await sub.catch(() => undefined))?.close()
      await connection.close()
    },
  }
}

interface IoSubscriber {
  on(event: 'message', listener: (channel: string, message: string) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  subscribe(channel: string): Promise<unknown>
  unsubscribe(channel: string): Promise<unknown>
  disconnect(): void
}

interface NodeSubscriber {
  on(event: 'error', listener: (error: Error) => void): unknown
  connect(): Promise<unknown>
  subscribe(channel: string, listener: (message: string) => void): Promise<void>
  unsubscribe(channel: string): Promise<void>
  destroy(): void
}

function ignore(): void {}
