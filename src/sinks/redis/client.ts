import { createHash } from 'node:crypto'
import { invalidOption, MatchfeedError } from '../../errors.js'
import { InFlightList } from '../../in-flight-list.js'
import { importPeer } from '../../peer.js'
import { settleWithin } from '../../time.js'
import { SinkError } from '../sink-error.js'

/** A node-redis client (v4 and later, `createClient()`), connected: commands go through `sendCommand`. */
export interface NodeRedisClientLike {
  sendCommand(args: string[], options?: { timeout?: number }): Promise<unknown>
  duplicate(): NodeRedisClientLike
  connect(): Promise<unknown>
  on(event: 'error', listener: (error: Error) => void): unknown
  destroy?(): void
  disconnect?(): Promise<void>
}

/** An ioredis instance (`new Redis()`): commands go through `call(name, args)`. */
export interface IoRedisClientLike {
  call(command: string, args: string[]): Promise<unknown>
  duplicate(): IoRedisClientLike
  on(event: 'error', listener: (error: Error) => void): unknown
  disconnect(): void
}

/** What the Redis sinks and the consumer accept: a node-redis client or an ioredis instance. */
export type RedisClientLike = NodeRedisClientLike | IoRedisClientLike

/** Where a Redis sink or consumer gets its connection: a ready client, or a URL for a client of its own. */
export interface RedisConnectionOptions {
  /** A connected node-redis client (v4+) or an ioredis instance. Never closed by matchfeed. */
  client?: RedisClientLike
  /**
   * Or a URL (`redis://[[user]:password@]host:port[/db]`): matchfeed creates a node-redis client on first
   * use (the optional peer `redis`, imported then) and closes it in `close()` / `stop()`.
   */
  url?: string
}

/** One connection as the Redis code uses it: commands as argument arrays, replies as the client gives them. */
export interface RedisConnection {
  readonly kind: 'node-redis' | 'ioredis'
  /**
   * `bounded`: the caller bounds the command with its own timer (the sinks' `timeoutMs`), so node-redis's
   * per-command timeout (5 s by default in v6, an uncancellable AbortSignal.timeout per command) is left out.
   */
  send(args: readonly string[], bounded?: 'bounded'): Promise<unknown>
  /** A second connection to the same server (for blocking reads), owned by the caller: close it. */
  duplicate(): Promise<RedisConnection>
  /** Closes the connection: only for connections matchfeed created. */
  close(): Promise<void>
}

/** Duck-types a client; neither library is imported here. */
export function adaptRedisClient(
  client: unknown,
  onError?: (error: Error) => void,
  owner = 'redis',
): RedisConnection {
  const c = client as Partial<NodeRedisClientLike & IoRedisClientLike> | null
  // ioredis has `sendCommand` too (taking a Command object), so `call` decides first.
  if (c && typeof c.call === 'function' && typeof c.duplicate === 'function') {
    const io = c as IoRedisClientLike
    return {
      kind: 'ioredis',
      send: (args) => io.call(args[0]!, args.slice(1)),
      async duplicate() {
        const copy = io.duplicate() // connects by itself (unless lazyConnect, where the first command does)
        copy.on('error', onError ?? ignore)
        return adaptRedisClient(copy, onError)
      },
      async close() {
        io.disconnect()
      },
    }
  }
  if (c && typeof c.sendCommand === 'function' && typeof c.duplicate === 'function') {
    const node = c as NodeRedisClientLike
    return {
      kind: 'node-redis',
      send: (args, bounded) => node.sendCommand(args as string[], bounded ? NO_CLIENT_TIMEOUT : undefined),
      async duplicate() {
        const copy = node.duplicate()
        // node-redis throws an 'error' event nobody listens to: a killed connection would crash the process.
        copy.on('error', onError ?? ignore)
        await copy.connect()
        return adaptRedisClient(copy, onError)
      },
      async close() {
        if (typeof node.destroy === 'function') node.destroy()
        else await node.disconnect?.()
      },
    }
  }
  throw invalidOption(
    owner,
    'client',
    'must be a node-redis client (createClient() from "redis", connected) or an ioredis instance',
  )
}

function ignore(): void {}

const NO_CLIENT_TIMEOUT = { timeout: 0 }

/**
 * The connection behind a sink or consumer: the given client, or a node-redis client created from `url` on
 * first use. `close()` closes only what was created here.
 */
export function lazyConnection(
  options: RedisConnectionOptions,
  purpose: string,
): { get(): Promise<RedisConnection>; close(): Promise<void> } {
  if ((options.client === undefined) === (options.url === undefined)) {
    throw invalidOption(purpose, 'client', 'pass either `client` or `url`')
  }
  if (options.client !== undefined) {
    const connection = adaptRedisClient(options.client, undefined, purpose)
    return { get: async () => connection, close: async () => {} }
  }
  const url = options.url!
  let pending: Promise<RedisConnection> | undefined
  let created: NodeRedisClientLike | undefined
  let closed = false
  const connect = async (): Promise<RedisConnection> => {
    const redis = await importPeer<{ createClient(options: { url: string }): NodeRedisClientLike }>('redis', {
      purpose: `${purpose} with \`url\``,
      alternative: 'or pass a node-redis client or an ioredis instance as `client`',
    })
    if (closed) throw new MatchfeedError(`${purpose}: closed`, { code: 'sink_closed' })
    const client = redis.createClient({ url })
    client.on('error', ignore) // failures reach the caller through the commands; no crash on an 'error' event
    created = client
    try {
      await client.connect() // node-redis keeps retrying a refused connection: close() ends that
    } catch (error) {
      throw redisError('connect', error)
    }
    return adaptRedisClient(client)
  }
  return {
    get() {
      pending ??= connect().catch((error: unknown) => {
        pending = undefined // the next write tries again
        throw error
      })
      return pending
    },
    async close() {
      closed = true
      pending = undefined
      const client = created
      created = undefined
      if (client) await adaptRedisClient(client).close()
    },
  }
}

// Server replies a retry can fix: a server loading its data set after a restart, busy with a script, a
// replica promoted or read-only during failover, cluster resharding, memory pressure.
const RETRYABLE_REPLIES = new Set([
  'LOADING',
  'BUSY',
  'TRYAGAIN',
  'MASTERDOWN',
  'READONLY',
  'CLUSTERDOWN',
  'MOVED',
  'ASK',
  'OOM',
  'NOREPLICAS',
])
const REPLY_ERROR_CLASSES = new Set(['ErrorReply', 'SimpleError', 'BlobError', 'ReplyError'])

/** The first word of an error the server replied with (`NOSCRIPT`, `BUSYGROUP`, `ERR`…); undefined otherwise. */
/** A Lua script and its SHA-1, the name Redis caches it under. */
export function luaScript(source: string) {
  return { source, sha: createHash('sha1').update(source).digest('hex') }
}

/**
 * Runs a script by its SHA (one short command); when the server does not have it cached (first use, a restart,
 * SCRIPT FLUSH), EVAL sends it whole and caches it for the next time. Bounded by the caller's own timer.
 */
export async function runScript(
  redis: RedisConnection,
  script: ReturnType<typeof luaScript>,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  const rest = [String(keys.length), ...keys, ...args]
  try {
    return await redis.send(['EVALSHA', script.sha, ...rest], 'bounded')
  } catch (error) {
    if (replyCode(error) !== 'NOSCRIPT') throw error
    return redis.send(['EVAL', script.source, ...rest], 'bounded')
  }
}

export function replyCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined
  if (!REPLY_ERROR_CLASSES.has(error.constructor.name) && error.name !== 'ReplyError') return undefined
  return /^([A-Z][A-Z_-]*)\b/.exec(error.message)?.[1] ?? 'ERR'
}

/**
 * A failure talking to Redis: a SinkError with code `redis_error`. Retryable unless the server answered with
 * an error a retry cannot fix (a wrong type, a bad argument, a missing permission): a dropped or refused
 * connection, a timeout, a restarting server are all worth another try.
 */
export class RedisError extends SinkError {
  /** The server's error word (`WRONGTYPE`, `LOADING`…) when the server answered; undefined otherwise. */
  get reply(): string | undefined {
    return this.backendCode
  }
}

export function redisError(what: string, error: unknown, sink = 'redis'): RedisError {
  if (RedisError.isInstance(error)) return error
  const reply = replyCode(error)
  const detail = error instanceof Error ? error.message : String(error)
  return new RedisError({
    sink,
    code: 'redis_error',
    message: `redis: ${what} failed: ${detail}`,
    retryable: reply === undefined || RETRYABLE_REPLIES.has(reply),
    backendCode: reply,
    cause: error,
  })
}

/** Rejects with a retryable RedisError when `promise` takes longer than `ms` (the command may still run). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, sink = 'redis'): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return promise
  return settleWithin(
    promise,
    ms,
    () =>
      new RedisError({
        sink,
        code: 'redis_error',
        message: `redis: ${what} timed out after ${ms} ms`,
        retryable: true,
      }),
  )
}

/**
 * The writes of one sink: each bounded by `timeoutMs` (past it the write may still land, which is harmless:
 * the sinks are idempotent), typed as RedisError, and awaited by close(); refused once closed.
 */
export function trackedWrites(sink: string, timeoutMs: number) {
  const inflight = new InFlightList<Promise<unknown>>()
  let closed = false
  return {
    async run(what: string, work: () => Promise<unknown>): Promise<void> {
      if (closed) throw new MatchfeedError(`${sink}: write after close()`, { code: 'sink_closed' })
      const op = withTimeout(work(), timeoutMs, what, sink).catch((error: unknown) => {
        throw MatchfeedError.isInstance(error) ? error : redisError(what, error, sink)
      })
      const done = inflight.add(op)
      try {
        await op
      } finally {
        done()
      }
    },
    /** Refuses new writes and waits for those in flight. */
    async drain(): Promise<void> {
      closed = true
      await Promise.allSettled([...inflight])
    },
  }
}
