import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPipeline } from '../../src/pipeline/index.js'
import { type RedisClientLike, redisStreamsSink } from '../../src/sinks/redis/index.js'
import { expectExactlyOnce, feed, matchDay } from '../helpers/match-day.js'
import { freePort } from '../helpers/redis.js'

// Faults against real servers: CLIENT KILL on the shared Redis (only the sink's own, named connection), and
// restarts of a throw-away redis-server started here on a free port — never the shared one.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const RUN = `mftest:${process.pid}:${randomUUID().slice(0, 8)}:`
const START_HINT = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no'

/** Resolves with the first reply line to PING, or rejects naming what went wrong. */
function ping(host: string, port: number, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket().setTimeout(timeoutMs)
    const done = (error: Error | undefined, line?: string) => {
      socket.destroy()
      if (error) reject(error)
      else resolve(line!)
    }
    socket.once('timeout', () => done(new Error('timed out')))
    socket.once('error', (error) => done(error))
    socket.once('data', (data) => done(undefined, data.toString().split('\r\n')[0]))
    socket.connect(port, host, () => socket.write('PING\r\n'))
  })
}

let admin: ReturnType<typeof createClient>

beforeAll(async () => {
  const { hostname, port } = new URL(REDIS_URL)
  try {
    await ping(hostname.replace(/^\[|\]$/g, ''), Number(port || 6379))
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${REDIS_URL.replace(/\/\/[^@/]*@/, '//***@')} (${(error as Error).message}). Start it with \`${START_HINT}\`, or point REDIS_URL at a running server.`,
    )
  }
  admin = createClient({ url: REDIS_URL })
  admin.on('error', () => {})
  await admin.connect()
})

afterAll(async () => {
  if (!admin?.isOpen) return
  for await (const keys of admin.scanIterator({ MATCH: `${RUN}*`, COUNT: 1000 })) {
    if (keys.length > 0) await admin.unlink(keys)
  }
  admin.destroy()
})

type Kind = 'node-redis' | 'ioredis'

/** A client that reconnects fast and names its connection, so the test can find and kill it. */
async function connect(kind: Kind, url: string, name: string) {
  let reconnects = 0
  if (kind === 'node-redis') {
    const client = createClient({ url, name, socket: { reconnectStrategy: () => 20 } })
    client.on('error', () => {})
    client.on('reconnecting', () => reconnects++)
    await client.connect()
    return { client: client as RedisClientLike, reconnects: () => reconnects, close: () => client.destroy() }
  }
  const client = new Redis(url, { connectionName: name, retryStrategy: () => 20, lazyConnect: true })
  client.on('error', () => {})
  client.on('reconnecting', () => reconnects++)
  await client.connect()
  return { client: client as RedisClientLike, reconnects: () => reconnects, close: () => client.disconnect() }
}

function sinkPipeline(client: RedisClientLike, prefix: string) {
  const sink = redisStreamsSink({ client, prefix, timeoutMs: 2_000 })
  const pipeline = createPipeline({
    sinks: [{ sink, retry: { retries: 40, minDelayMs: 20, maxDelayMs: 250 } }],
  })
  let errors = 0
  let delivered = 0
  pipeline.on('sink:error', () => errors++)
  pipeline.on('delivered', (batch) => {
    delivered += batch.length
  })
  return { sink, pipeline, errors: () => errors, delivered: () => delivered }
}

describe.each<Kind>(['node-redis', 'ioredis'])('redis streams sink, %s: CLIENT KILL mid-stream', (kind) => {
  it('is retried through the pipeline: nothing lost, no duplicate entries', { timeout: 60_000 }, async () => {
    const name = `mf-fault-${randomUUID().slice(0, 8)}`
    const prefix = `${RUN}kill-${kind}:`
    const conn = await connect(kind, REDIS_URL, name)
    const { sink, pipeline, errors, delivered } = sinkPipeline(conn.client, prefix)
    const { expected, perFeeder, total } = matchDay(20, 300, 4)
    let finished = false
    let kills = 0
    const killer = (async () => {
      while (!finished) {
        await sleep(25)
        if (finished || delivered() < total * 0.1 || kills >= 6) continue
        const list = String(await admin.sendCommand(['CLIENT', 'LIST']))
        for (const line of list.split('\n').filter((l) => l.includes(` name=${name} `))) {
          await admin.sendCommand(['CLIENT', 'KILL', 'ID', /id=(\d+)/.exec(line)![1]!])
          kills++
        }
      }
    })()
    try {
      await feed(pipeline, perFeeder)
    } finally {
      finished = true
      await killer
    }
    await pipeline.stop()
    const metrics = pipeline.metrics().sinks[sink.name]!
    expect(kills).toBeGreaterThanOrEqual(2)
    expect(conn.reconnects()).toBeGreaterThanOrEqual(1)
    // node-redis fails the writes in flight (the pipeline retries them); ioredis re-sends them by itself
    // after reconnecting. Either way a write may run twice: the script skips what is already there.
    if (kind === 'node-redis') expect(errors()).toBeGreaterThan(0)
    expect(metrics).toMatchObject({ delivered: total, deadLettered: 0, rejected: 0, pending: 0 })
    await expectExactlyOnce((args) => admin.sendCommand(args), sink, expected)
    console.info(
      `[redis faults] CLIENT KILL ${kind}: ${total} events, ${kills} kills, ${conn.reconnects()} reconnects, ${errors()} failed writes retried, ${sink.skipped} re-sent events skipped by the script`,
    )
    conn.close()
  })
})

/** A redis-server of this test's own on a free port, persisting to an AOF in a temp dir. */
class ThrowawayRedis {
  process: ChildProcess | undefined
  readonly dir = mkdtempSync(join(tmpdir(), 'mf-redis-'))

  constructor(
    readonly port: number,
    readonly extra: string[],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes']
    const child = spawn('redis-server', [...args, '--dir', this.dir, ...this.extra], { stdio: 'ignore' })
    this.process = child
    const failed = once(child, 'error').then(([error]) => {
      throw new Error(`cannot start redis-server (${(error as Error).message}): is it on PATH?`)
    })
    failed.catch(() => {})
    for (let i = 0; i < 200; i++) {
      const line = await Promise.race([ping('127.0.0.1', this.port, 500).catch(() => ''), failed])
      if (line === '+PONG') return
      await sleep(25)
    }
    throw new Error(`the throw-away redis-server on port ${this.port} did not start`)
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.process
    if (!child || child.exitCode !== null) return
    const exited = once(child, 'exit')
    child.kill(signal)
    await exited
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL')
    rmSync(this.dir, { recursive: true, force: true })
  }
}

describe.each<{ kind: Kind; signal: NodeJS.Signals; fsync: string }>([
  { kind: 'node-redis', signal: 'SIGTERM', fsync: 'everysec' },
  { kind: 'ioredis', signal: 'SIGTERM', fsync: 'everysec' },
  // A crash loses nothing acknowledged only when every write is fsynced before Redis replies.
  { kind: 'node-redis', signal: 'SIGKILL', fsync: 'always' },
  { kind: 'ioredis', signal: 'SIGKILL', fsync: 'always' },
])(
  'redis streams sink, $kind: a Redis restart ($signal, appendfsync $fsync) mid-stream',
  ({ kind, signal, fsync }) => {
    let server: ThrowawayRedis

    beforeAll(async () => {
      server = new ThrowawayRedis(await freePort(), ['--appendfsync', fsync])
      await server.start()
    })

    afterAll(async () => {
      await server?.dispose()
    })

    it('is retried: nothing lost, no duplicate entries', { timeout: 60_000 }, async () => {
      const conn = await connect(kind, server.url, 'mf-restart')
      const { sink, pipeline, errors, delivered } = sinkPipeline(conn.client, 'mf:')
      const { expected, perFeeder, total } = matchDay(20, 300, 4)
      let restarted = false
      let deliveredAtStop = 0
      const restarter = (async () => {
        while (delivered() < total * 0.3) await sleep(5)
        deliveredAtStop = delivered()
        await server.stop(signal)
        await sleep(300) // down for a moment: writes fail or wait, and are retried
        await server.start()
        restarted = true
      })()
      await feed(pipeline, perFeeder)
      await restarter
      await pipeline.stop()
      expect(restarted).toBe(true)
      expect(deliveredAtStop).toBeLessThan(total * 0.5)
      expect(pipeline.metrics().sinks[sink.name]).toMatchObject({
        delivered: total,
        deadLettered: 0,
        rejected: 0,
      })
      const check = createClient({ url: server.url })
      check.on('error', () => {})
      await check.connect()
      try {
        await expectExactlyOnce((args) => check.sendCommand(args), sink, expected)
      } finally {
        check.destroy()
      }
      console.info(
        `[redis faults] restart ${kind} ${signal} appendfsync ${fsync}: ${total} events, ${conn.reconnects()} reconnects, ${errors()} failed writes retried, ${sink.skipped} re-sent events skipped by the script`,
      )
      conn.close()
    })
  },
)
