// The server as a process on real Postgres and Redis, through faults: kill -9 mid-stream with a sender that
// retries what was not acknowledged; Redis away for 10 s; Postgres unreachable; two instances, one killed, with
// live clients following the match. Nothing acknowledged is lost.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { isDeepStrictEqual } from 'node:util'
import { connectLive } from 'matchfeed/live/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChaosProxy } from '../../../test/helpers/chaos-proxy.js'
import { DATABASE_URL } from '../../../test/helpers/postgres.js'
import { REDIS_URL, requireRedis } from '../../../test/helpers/redis.js'
import {
  deleteMatchKeys,
  deliveries,
  expectDeliveredOnce,
  pendingOutboxRows,
  storedVersions,
  testDatabases,
} from './delivered.js'
import { API_KEY, guideEvent } from './helpers.js'
import { freePort, postOnce, type ServerProcess, sendUntilAcked, startServer } from './server-process.js'

const run = `${process.pid}x${Math.random().toString(36).slice(2, 7)}`
const databases = testDatabases('mfsrv')
const freshDatabase = () => databases.create()
const cleanups: (() => Promise<unknown>)[] = []

beforeAll(async () => {
  await requireRedis()
})
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  await databases.dropAll()
})

/** A server on a database of its own, reached through a proxy that can cut the network; answers within 1 s. */
async function serverBehindProxy(env: Record<string, string>) {
  const url = await freshDatabase()
  const target = new URL(DATABASE_URL)
  const proxy = await createChaosProxy({ host: target.hostname, port: Number(target.port || 5432) })
  cleanups.push(() => proxy.close())
  const server = await startServer(
    { DATABASE_URL: proxy.url(url), RESPOND_WITHIN_MS: '1000', ...env },
    await freePort(),
  )
  cleanups.push(() => server.kill9())
  return { url, proxy, server }
}

/** A Redis of this test's own, its data on disk (every write fsynced), so that it can die and come back. */
async function throwAwayRedis(port: number, dir: string) {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  )
  await requireRedisWithin(`redis://127.0.0.1:${port}`)
  return {
    async kill9() {
      child.kill('SIGKILL')
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
    },
  }
}

async function requireRedisWithin(url: string) {
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      return await requireRedis(url)
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(100)
    }
  }
}

describe('the server on Postgres and Redis, through faults', () => {
  it('kill -9 mid-stream: every acknowledged event is in Postgres once at its highest version and in Redis', async () => {
    const url = await freshDatabase()
    const port = await freePort()
    const matchId = `k${run}`
    cleanups.push(() => deleteMatchKeys(REDIS_URL, [matchId]))
    const env = { DATABASE_URL: url, REDIS_URL }
    let server: ServerProcess = await startServer(env, port)
    cleanups.push(() => server.kill9())
    const { list, highest } = deliveries([matchId], 60)
    let restartFailure: unknown
    // A restart that fails ends the sender's retries at once, with the server's output.
    const base = () => {
      if (restartFailure) throw restartFailure
      return server.base
    }
    let restarted: Promise<unknown> | undefined
    const refused: number[] = []
    for (const [i, delivery] of list.entries()) {
      if (i === 25) {
        // Not awaited: the signal races the next delivery, which may be in flight as the server dies.
        restarted = server
          .kill9()
          .then(() => startServer(env, port))
          .then(
            (s) => (server = s),
            (error) => (restartFailure = error),
          )
      }
      refused.push(...(await sendUntilAcked(base, delivery)))
    }
    await restarted
    expect(refused).toContain(0) // the sender did meet the dead server, and retried
    await expectDeliveredOnce(url, REDIS_URL, [matchId], highest)
    expect(await server.stop()).toBe(0)
  }, 120_000)

  it('Redis away for 10 s: webhooks keep answering 200, and the relay catches up without losing anything', async () => {
    const url = await freshDatabase()
    const [port, redisPort] = [await freePort(), await freePort()]
    const dir = mkdtempSync(join(tmpdir(), 'mfsrv-redis-'))
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
    let redis = await throwAwayRedis(redisPort, dir)
    cleanups.push(() => redis.kill9())
    const redisUrl = `redis://127.0.0.1:${redisPort}`
    const server = await startServer({ DATABASE_URL: url, REDIS_URL: redisUrl }, port)
    cleanups.push(() => server.kill9())
    const matchId = `r${run}`
    const { list, highest } = deliveries([matchId], 60)
    const refusals: number[] = []
    const post = async (delivery: Record<string, unknown>) => {
      const { status } = await postOnce(server.base, delivery)
      if (status !== 200) refusals.push(status)
    }

    for (const delivery of list.slice(0, 20)) await post(delivery)
    await redis.kill9()
    const downUntil = Date.now() + 10_000
    let next = 20
    while (Date.now() < downUntil) {
      if (next < 50) await post(list[next++]!)
      await sleep(250)
    }
    expect(await pendingOutboxRows(url)).toBeGreaterThan(0) // the relay could not deliver meanwhile
    redis = await throwAwayRedis(redisPort, dir)
    for (const delivery of list.slice(next)) await post(delivery)

    expect(refusals).toEqual([])
    await expectDeliveredOnce(url, redisUrl, [matchId], highest)
    expect(await server.stop()).toBe(0)
  }, 120_000)

  it('Postgres unreachable: 503 with Retry-After, never 2xx; recovers without a restart', async () => {
    const { url, proxy, server } = await serverBehindProxy({ MANUAL_API_KEYS: API_KEY })
    const matchId = `p${run}`
    const { list, highest } = deliveries([matchId], 10)
    for (const delivery of list.slice(0, 5)) await sendUntilAcked(() => server.base, delivery)

    const outage = proxy.blackhole(8000)
    const during: [number, string | null][] = []
    for (const delivery of list.slice(5)) {
      const { status, retryAfter } = await postOnce(server.base, delivery)
      during.push([status, retryAfter])
    }
    const manual = await fetch(`${server.base}/api/v1/matches/m${run}/events`, {
      method: 'POST',
      body: JSON.stringify(guideEvent({ match_id: `m${run}`, event_id: 'typed-in' })),
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    })
    const ready = await fetch(`${server.base}/readyz`)
    for (const res of [manual, ready]) during.push([res.status, res.headers.get('retry-after')])
    await outage

    expect(during.every(([status, retryAfter]) => status === 503 && Number(retryAfter) > 0)).toBe(true)
    // The sender retries; the same server, once the network is back, acknowledges each delivery once durable.
    for (const delivery of list.slice(5)) await sendUntilAcked(() => server.base, delivery)
    expect(await storedVersions(url, [matchId])).toEqual(highest)
    expect((await fetch(`${server.base}/readyz`)).status).toBe(200)
    expect(await server.stop()).toBe(0)
  }, 120_000)

  it('two instances on one Postgres and Redis, one killed mid-stream: the other keeps accepting, nothing is lost, and its live clients resume on the other without a gap', async () => {
    const url = await freshDatabase()
    const env = { DATABASE_URL: url, REDIS_URL }
    const [a, b] = await Promise.all([startServer(env, await freePort()), startServer(env, await freePort())])
    cleanups.push(
      () => a.kill9(),
      () => b.kill9(),
    )
    const matchId = `t${run}`
    cleanups.push(() => deleteMatchKeys(REDIS_URL, [matchId]))
    const { list, highest } = deliveries([matchId], 60)
    // A load balancer: round robin over the instances it believes alive, for webhooks and WebSockets alike.
    let alive = [a, b]
    let turn = 0
    const balancer = () => alive[turn++ % alive.length]!.base
    const viewers = Array.from({ length: 4 }, () => {
      const statuses: string[] = []
      const client = connectLive({
        url: () => `${balancer().replace('http', 'ws')}/live`,
        matches: [matchId],
        backoff: { initialMs: 50, maxMs: 500 },
        onStatus: (status) => statuses.push(status),
      })
      cleanups.push(async () => client.close())
      return { client, statuses }
    })
    const refusedAfterKill: number[] = []
    for (const [i, delivery] of list.entries()) {
      if (i === 30) {
        void a.kill9() // while the next delivery may be in flight to it
        alive = [b]
      }
      const refusals = await sendUntilAcked(balancer, delivery)
      if (i > 30) refusedAfterKill.push(...refusals)
    }
    expect(refusedAfterKill).toEqual([])
    await expectDeliveredOnce(url, REDIS_URL, [matchId], highest)
    // Every viewer, those of the killed instance too (they reconnected to the other), ends with the match as stored.
    const held = (viewer: (typeof viewers)[number]) =>
      new Map(viewer.client.events(matchId).map((e) => [e.id, e.version]))
    const deadline = Date.now() + 20_000
    while (viewers.some((v) => !isDeepStrictEqual(held(v), highest)) && Date.now() < deadline)
      await sleep(100)
    for (const viewer of viewers) expect(held(viewer)).toEqual(highest)
    expect(viewers.filter((v) => v.statuses.includes('reconnecting')).length).toBeGreaterThan(0)
    for (const viewer of viewers) viewer.client.close()
    expect(await b.stop()).toBe(0)
  }, 120_000)

  it('SIGTERM with events that cannot be written by the deadline: exits 1, and never acknowledged them', async () => {
    const { proxy, server } = await serverBehindProxy({ SHUTDOWN_DEADLINE_MS: '500' })
    // A match under way: its ids are in the id map's cache, so the next delivery reaches the sink (an id lookup
    // hanging instead would refuse it before, and leave nothing to drain).
    expect((await postOnce(server.base, guideEvent({ match_id: `x${run}`, event_id: 'e0' }))).status).toBe(
      200,
    )
    void proxy.blackhole(20_000) // Postgres stops answering
    const answer = postOnce(server.base, guideEvent({ match_id: `x${run}` }))
    await sleep(200) // the delivery is in flight when the signal comes
    const exited = server.stop()
    expect((await answer).status).toBe(503)
    expect(await exited).toBe(1)
    expect(server.output()).toContain('events not written before the deadline')
  }, 60_000)
})
