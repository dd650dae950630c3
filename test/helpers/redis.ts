import { randomUUID } from 'node:crypto'
import { createServer, Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { createClient } from 'redis'

// Real Redis on 127.0.0.1 (REDIS_URL). Unreachable = the suite fails, saying how to start it; never a skip.
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const START_HINT =
  'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no'

/** A key prefix of this run's own: everything under it is deleted afterwards. */
export function runPrefix(): string {
  return `mftest:${process.pid}:${randomUUID().slice(0, 8)}:`
}

export async function requireRedis(url: string = REDIS_URL): Promise<void> {
  const { hostname, port } = new URL(url)
  const socket = new Socket().setTimeout(2_000)
  const reason = await new Promise<string | undefined>((resolve) => {
    socket.once('connect', () => resolve(undefined)).once('timeout', () => resolve('timed out'))
    socket.once('error', (error) => resolve(error.message))
    socket.connect(Number(port || 6379), hostname.replace(/^\[|\]$/g, ''))
  }).finally(() => socket.destroy())
  if (reason !== undefined) {
    const shown = url.replace(/\/\/[^@/]*@/, '//***@')
    throw new Error(
      `Redis is not reachable at ${shown} (${reason}). Start it with \`${START_HINT}\`, or point REDIS_URL at a running server.`,
    )
  }
}

const newNodeClient = () => createClient({ url: REDIS_URL })
export type NodeRedisClient = ReturnType<typeof newNodeClient>

/** A node-redis and an ioredis client on the test server (after checking it answers). */
export async function connectRedisClients(): Promise<{ node: NodeRedisClient; io: Redis }> {
  await requireRedis(REDIS_URL)
  const node = newNodeClient()
  node.on('error', () => {})
  await node.connect()
  const io = new Redis(REDIS_URL, { lazyConnect: true })
  await io.connect()
  return { node, io }
}

/** Deletes the run's keys and closes both clients. */
export async function closeRedisClients(
  clients: { node?: NodeRedisClient; io?: Redis },
  prefix: string,
): Promise<void> {
  const { node, io } = clients
  if (node?.isOpen) {
    for await (const keys of node.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      if (keys.length > 0) await node.unlink(keys)
    }
    node.destroy()
  }
  io?.disconnect()
}

export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 8_000,
): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** A free TCP port on 127.0.0.1, for a throw-away server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
