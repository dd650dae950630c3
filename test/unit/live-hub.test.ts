import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { validateMatchEvents } from '../../src/event/validate.js'
import { createLiveHub } from '../../src/live/hub.js'
import { registerLiveMetrics } from '../../src/live/metrics.js'
import { LIVE_CLOSE } from '../../src/live/protocol.js'
import { memoryLiveStore } from '../../src/live/store.js'
import {
  framedEvents,
  type HubServer,
  rawClient,
  revised,
  scriptedEvents,
  startHub,
  storedState,
  trackedClient,
  until,
  versions,
} from '../helpers/live-harness.js'

const hubs: HubServer[] = []
/** The memory store's n-th position. */
const pos = (store: { start: string }, n: number) => store.start.replace(/:0$/, `:${n}`)
const sockets: { close(): void }[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close()
  for (const h of hubs.splice(0)) await h.close()
})

async function hubWith(options: Partial<Parameters<typeof startHub>[0]> = {}) {
  const store = memoryLiveStore()
  const h = await startHub({ store, lingerMs: 0, ...options })
  hubs.push(h)
  return { store, ...h }
}

async function raw(url: string, headers?: Record<string, string>) {
  const c = await rawClient(url, headers)
  sockets.push({ close: () => c.ws.terminate() })
  return c
}

describe('matchfeed/live hub (memory store, real sockets)', () => {
  it('the scripted events are valid MatchEvents', () => {
    expect(validateMatchEvents(scriptedEvents('m', 0, 20))).toHaveLength(20)
  })

  it('sends a snapshot of the latest versions, then the live events in order, corrections and deletions as such', async () => {
    const { store, url } = await hubWith()
    const first = scriptedEvents('m1', 0, 10)
    store.append(first)
    store.append([revised(first[2]!, 'correct'), revised(first[3]!, 'delete')])
    const c = await raw(url)
    c.send({ type: 'subscribe', matchId: 'm1' })
    const at = await c.waitFor((m) => m.type === 'subscribed')
    const snapshot = c.messages.find((m) => m.type === 'snapshot')
    expect(snapshot?.type === 'snapshot' && snapshot.position).toBe(pos(store, 12))
    const snapped = snapshot?.type === 'snapshot' ? snapshot.events : []
    // First-entry order, latest version of each: e2 corrected, e3 deleted.
    expect(snapped.map((e) => `${e.providerEventId}@${e.version}${e.deleted ? 'x' : ''}`)).toEqual([
      'e0@0',
      'e1@0',
      'e2@1',
      'e3@1x',
      'e4@0',
      'e5@0',
      'e6@0',
      'e7@0',
      'e8@0',
      'e9@0',
    ])

    const more = scriptedEvents('m1', 10, 5)
    store.append(more)
    store.append([revised(more[0]!, 'correct')])
    store.append([revised(first[0]!, 'delete')])
    await until(() => framedEvents(c.messages.slice(at), 'm1').length === 7, 'the live events')
    expect(framedEvents(c.messages, 'm1').map((e) => `${e.providerEventId}@${e.version}`)).toEqual([
      'e10@0',
      'e11@0',
      'e12@0',
      'e13@0',
      'e14@0',
      'e10@1',
      'e0@1',
    ])
    expect(framedEvents(c.messages, 'm1').at(-1)?.deleted).toBe(true)
  })

  it('a large snapshot comes in frames of pageSize events; the client holds it whole once the last came', async () => {
    const { store, url } = await hubWith({ pageSize: 3 })
    store.append(scriptedEvents('m1', 0, 10))
    const c = await raw(url)
    c.send({ type: 'subscribe', matchId: 'm1' })
    await c.waitFor((m) => m.type === 'subscribed')
    const parts = c.messages.filter((m) => m.type === 'snapshot')
    expect(parts.map((m) => (m.type === 'snapshot' ? `${m.events.length}${m.more ? '+' : ''}` : ''))).toEqual(
      ['3+', '3+', '3+', '1'],
    )
    const snapshots: number[] = []
    const t = trackedClient({
      url,
      matches: ['m1'],
      onSnapshot: (_, events) => snapshots.push(events.length),
    })
    sockets.push({ close: () => t.client.close() })
    await until(() => snapshots.length === 1, 'the snapshot')
    expect(snapshots).toEqual([10])
    expect(t.client.position('m1')).toBe(pos(store, 10))
  })

  it('gathers the events of a few ms into one frame, the same frame for every subscriber', async () => {
    const { store, url, hub } = await hubWith()
    const a = await raw(url)
    const b = await raw(url)
    for (const c of [a, b]) c.send({ type: 'subscribe', matchId: 'm1' })
    await a.waitFor((m) => m.type === 'subscribed')
    await b.waitFor((m) => m.type === 'subscribed')
    const before = hub.metrics().messagesSent
    store.append(scriptedEvents('m1', 0, 30)) // one append: in the store before the read the wake-up starts
    await until(() => framedEvents(a.messages, 'm1').length === 30, 'the batch at a')
    await until(() => framedEvents(b.messages, 'm1').length === 30, 'the batch at b')
    expect(a.messages.filter((m) => m.type === 'event')).toHaveLength(1)
    expect(b.messages.filter((m) => m.type === 'event')).toEqual(a.messages.filter((m) => m.type === 'event'))
    expect(hub.metrics().messagesSent - before).toBe(2)
  })

  it('resumes after a drop at every position of a scripted match: exactly the entries after it, then live', async () => {
    const { store, url } = await hubWith({ pageSize: 4 }) // several pages per catch-up
    const events = scriptedEvents('m1', 0, 24)
    // After every fourth event, a revision of the first of those four: a deletion, or a correction.
    const log = events.flatMap((e, i) =>
      i % 4 === 3 ? [e, revised(events[i - 3]!, i % 8 === 3 ? 'delete' : 'correct')] : [e],
    )
    store.append(log) // 30 entries: events, corrections, deletions
    const entries = await store.read('m1', store.start, 100)
    expect(entries).toHaveLength(30)
    const c = await raw(url)
    for (let p = 0; p <= 30; p++) {
      const from = c.messages.length
      c.send({ type: 'subscribe', matchId: 'm1', after: pos(store, p) })
      await c.waitFor((m) => m.type === 'subscribed', from)
      const got = framedEvents(c.messages.slice(from), 'm1')
      expect(versions(got), `after ${p}`).toEqual(versions(entries.slice(p).map((e) => e.event)))
      expect(got.map((e) => e.id + e.version)).toEqual(
        entries.slice(p).map((e) => e.event.id + e.event.version),
      )
      expect(c.messages.slice(from).some((m) => m.type === 'snapshot')).toBe(false)
    }
    // The last subscription is live: the next entry comes once.
    const from = c.messages.length
    store.append(scriptedEvents('m1', 24, 1))
    await until(() => framedEvents(c.messages.slice(from), 'm1').length === 1, 'the live event')
  })

  it('a client catching up while the match goes on gets every entry once, in order', async () => {
    const { store, url } = await hubWith({ pageSize: 3, batchMs: 0 })
    store.append(scriptedEvents('m1', 0, 40))
    const c = await raw(url)
    c.send({ type: 'subscribe', matchId: 'm1', after: pos(store, 5) })
    for (let i = 40; i < 80; i += 2) {
      store.append(scriptedEvents('m1', i, 2))
      await new Promise((resolve) => setImmediate(resolve))
    }
    await until(() => framedEvents(c.messages, 'm1').length >= 75, 'everything')
    const all = await store.read('m1', pos(store, 5), 1000)
    expect(framedEvents(c.messages, 'm1').map((e) => e.id)).toEqual(all.map((e) => e.event.id))
  })

  it('a position the store does not have (beyond its end, another process’s, garbage) gets a snapshot', async () => {
    const { store, url } = await hubWith()
    store.append(scriptedEvents('m1', 0, 3))
    const before = memoryLiveStore() // a restarted process: another epoch
    before.append(scriptedEvents('m1', 0, 1))
    const c = await raw(url)
    const foreign = (await before.read('m1', before.start, 1))[0]!.position
    for (const after of [pos(store, 99), foreign, 'x-1']) {
      const from = c.messages.length
      c.send({ type: 'subscribe', matchId: 'm1', after })
      await c.waitFor((m) => m.type === 'subscribed', from)
      expect(c.messages.slice(from).filter((m) => m.type === 'snapshot')).toMatchObject([
        { events: { length: 3 } },
      ])
    }
  })

  it('memoryLiveStore({ load }) seeds a match from storage on its first read; newer appends go after', async () => {
    const seed = scriptedEvents('m1', 0, 4)
    const store = memoryLiveStore({ load: async (matchId) => (matchId === 'm1' ? seed : []) })
    store.append([revised(seed[1]!, 'correct'), ...scriptedEvents('m1', 4, 1), seed[0]!])
    const entries = await store.read('m1', store.start, 100)
    expect(entries.map((e) => `${e.event.providerEventId}@${e.event.version}`)).toEqual([
      'e0@0',
      'e1@0',
      'e2@0',
      'e3@0',
      'e1@1',
      'e4@0',
    ])
    expect(await store.read('m2', store.start, 100)).toEqual([])
  })

  it('the client: snapshot, live, killed connections resumed without a gap or a repeat, async iterator', async () => {
    const { store, url, hub } = await hubWith()
    store.append(scriptedEvents('m1', 0, 5))
    const t = trackedClient({ url, matches: ['m1'] })
    sockets.push({ close: () => t.client.close() })
    const updates = t.client.updates()
    const firstUpdate = await updates.next()
    expect(firstUpdate.value).toMatchObject({ type: 'snapshot', matchId: 'm1' })
    let n = 5
    for (let round = 0; round < 6; round++) {
      store.append(scriptedEvents('m1', n, 3))
      n += 3
      const opened = t.connections()
      if (round % 2 === 0) {
        t.kill()
        await until(() => t.connections() > opened, 'a reconnect')
      }
      store.append([revised(scriptedEvents('m1', n - 1, 1)[0]!, round % 3 === 0 ? 'delete' : 'correct')])
      await until(() => t.client.status === 'open' && hub.metrics().subscriptions === 1, 'a live connection')
    }
    const stored = await storedState(store, 'm1')
    await until(
      () => versions(t.client.events('m1')).join() === versions(stored.values()).join(),
      'the state',
    )
    const got = t.received.get('m1') ?? []
    expect(new Set(got).size).toBe(got.length) // nothing twice
    expect(t.snapshots.get('m1')).toBe(1) // every reconnect resumed
    expect(t.connections()).toBe(4)
    expect(t.client.position('m1')).toBe(pos(store, (await store.read('m1', store.start, 1000)).length))
    t.client.close()
    let rest = 0
    for await (const _ of updates) rest++
    expect(rest).toBeGreaterThan(0)
  })

  it('a slow client is told to resync and disconnected; its buffer stays bounded; others get everything', async () => {
    const maxBufferedBytes = 256 * 1024
    const { store, url, hub } = await hubWith({ maxBufferedBytes, maxBufferedMessages: 100 })
    const fast = await raw(url)
    const slow = await raw(url)
    for (const c of [fast, slow]) c.send({ type: 'subscribe', matchId: 'm1' })
    await fast.waitFor((m) => m.type === 'subscribed')
    await slow.waitFor((m) => m.type === 'subscribed')
    const slowSocket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
    slowSocket.pause() // reads nothing more: the kernel buffers fill, then the hub's
    let n = 0
    while (hub.metrics().resyncs === 0 && n < 200_000) {
      store.append(scriptedEvents('m1', n, 500))
      n += 500
      await until(() => framedEvents(fast.messages, 'm1').length === n, 'the fast client')
    }
    expect(hub.metrics().resyncs).toBe(1)
    expect(hub.metrics().sendBufferHighWaterBytes).toBeLessThanOrEqual(maxBufferedBytes)
    slowSocket.resume()
    const closed = await slow.closed
    expect(closed.code).toBe(LIVE_CLOSE.resync)
    expect(slow.messages.at(-1)).toMatchObject({ type: 'resync', reason: 'slow_consumer' })
    expect(hub.metrics().clients).toBe(1)
  })

  it('a store that fails: the client caught up by it is resynced, the error reported, the next read retried', async () => {
    const store = memoryLiveStore()
    store.append(scriptedEvents('m1', 0, 3))
    let failing = true
    const errors: unknown[] = []
    const flaky = {
      ...store,
      read: (...args: Parameters<typeof store.read>) =>
        failing ? Promise.reject(new Error('store down')) : store.read(...args),
    }
    const h = await startHub({ store: flaky, lingerMs: 0, onError: (e) => errors.push(e) })
    hubs.push(h)
    const c = await raw(h.url)
    c.send({ type: 'subscribe', matchId: 'm1' })
    expect((await c.closed).code).toBe(LIVE_CLOSE.resync)
    expect(c.messages.at(-1)).toMatchObject({ type: 'resync', reason: 'store_unavailable' })
    expect(errors.length).toBeGreaterThan(0)
    failing = false
    const again = await raw(h.url)
    again.send({ type: 'subscribe', matchId: 'm1' })
    await again.waitFor((m) => m.type === 'subscribed')
    expect(again.messages.find((m) => m.type === 'snapshot')).toMatchObject({ events: { length: 3 } })
  })

  it('heartbeats drop a connection that stopped answering', async () => {
    const { url, hub } = await hubWith({ heartbeatMs: 30 })
    const c = await raw(url)
    await c.waitFor((m) => m.type === 'hello')
    expect(hub.metrics().clients).toBe(1)
    ;(c.ws as unknown as { _socket: { pause(): void } })._socket.pause() // no pong any more
    await until(() => hub.metrics().clients === 0, 'the half-open connection dropped')
  })

  it('a heartbeat over more clients than one slice pings every one, and drops a silent one past the first slice', async () => {
    // Beats far enough apart that every live client's pong is in before the next one, on a busy machine too.
    const { url, hub } = await hubWith({ heartbeatMs: 300 })
    const cs: Awaited<ReturnType<typeof raw>>[] = []
    for (let i = 0; i < 250; i++) cs.push(await raw(url))
    ;(cs[249]!.ws as unknown as { _socket: { pause(): void } })._socket.pause()
    await until(() => hub.metrics().clients === 249, 'the silent client dropped')
    await until(
      () => cs.slice(0, 249).every((c) => c.messages.filter((m) => m.type === 'ping').length >= 2),
      'every other client pinged twice',
    )
    expect(hub.metrics().clients).toBe(249)
  })

  it('the client reconnects after 2.5 heartbeats of silence (a half-open connection seen from its side)', async () => {
    const server = createServer()
    const wss = new WebSocketServer({ server })
    // A hub that says hello and then nothing: no ping, no event.
    wss.on('connection', (socket) =>
      socket.send(
        JSON.stringify({ v: 1, type: 'hello', heartbeatMs: 10, maxSubscriptions: 1, maxMessageBytes: 1 }),
      ),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const t = trackedClient({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` })
    sockets.push({
      close() {
        t.client.close()
        wss.close()
        server.closeAllConnections()
        server.close()
      },
    })
    await until(() => t.connections() >= 3, 'reconnects')
  })

  describe('auth', () => {
    const authenticate = ({ token }: { token: string }) => (token === 'good' ? { name: 'ann' } : false)

    it('refuses a bad token in the upgrade with 401, takes a good one', async () => {
      const { url } = await hubWith({ authenticate })
      await expect(raw(`${url}?token=bad`)).rejects.toThrow('HTTP 401')
      await expect(raw(url, { authorization: 'Bearer bad' })).rejects.toThrow('HTTP 401')
      const c = await raw(`${url}?token=good`)
      c.send({ type: 'subscribe', matchId: 'm1' })
      await c.waitFor((m) => m.type === 'subscribed')
    })

    it('without a token in the upgrade, the first message must be a good auth', async () => {
      const { url } = await hubWith({ authenticate })
      const early = await raw(url)
      early.send({ type: 'subscribe', matchId: 'm1' })
      expect((await early.closed).code).toBe(LIVE_CLOSE.unauthorized)
      const refused = await raw(url)
      refused.send({ type: 'auth', token: 'bad' })
      expect((await refused.closed).code).toBe(LIVE_CLOSE.unauthorized)
      const ok = await raw(url)
      ok.send({ type: 'auth', token: 'good' })
      ok.send({ type: 'subscribe', matchId: 'm1' })
      await ok.waitFor((m) => m.type === 'subscribed')
    })

    it('a WebSocketServer of your own (`wss`): the token of each request is checked after the upgrade', async () => {
      const server = createServer()
      const wss = new WebSocketServer({ server })
      const hub = createLiveHub({ store: memoryLiveStore(), authenticate, wss })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      sockets.push({
        close() {
          void hub.close()
          wss.close()
          server.closeAllConnections()
          server.close()
        },
      })
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
      const refused = await raw(url, { authorization: 'Bearer bad' })
      expect((await refused.closed).code).toBe(LIVE_CLOSE.unauthorized)
      const ok = await raw(`${url}/?token=good`)
      ok.send({ type: 'subscribe', matchId: 'm1' })
      await ok.waitFor((m) => m.type === 'subscribed')
    })

    it('authorize refuses a match; the client stops on a refused token', async () => {
      const { url } = await hubWith({ authenticate, authorize: ({ matchId }) => matchId !== 'secret' })
      const c = await raw(url, { authorization: 'Bearer good' })
      c.send({ type: 'subscribe', matchId: 'secret' })
      await c.waitFor((m) => m.type === 'error' && m.code === 'forbidden' && m.matchId === 'secret')
      const errors: string[] = []
      const client = trackedClient({
        url,
        token: 'bad',
        matches: ['m1'],
        onError: (e) => errors.push(e.code),
      })
      await until(() => client.client.status === 'closed', 'the client to stop')
      expect(errors).toEqual(['unauthorized'])
    })
  })

  describe('limits', () => {
    it('subscriptions per client, message size, bad messages, clients', async () => {
      const { url } = await hubWith({ maxSubscriptions: 2, maxMessageBytes: 512, maxClients: 2 })
      const c = await raw(url)
      for (const matchId of ['a', 'b', 'c']) c.send({ type: 'subscribe', matchId })
      await c.waitFor((m) => m.type === 'error' && m.code === 'too_many_subscriptions' && m.matchId === 'c')
      c.send({ type: 'unsubscribe', matchId: 'a' })
      c.send({ type: 'subscribe', matchId: 'c' })
      await c.waitFor((m) => m.type === 'subscribed' && m.matchId === 'c')
      c.ws.send('not json')
      await c.waitFor((m) => m.type === 'error' && m.code === 'bad_message')
      c.send({ type: 'dance' })
      await c.waitFor((m) => m.type === 'error' && m.message.includes('type must be'))
      const second = await raw(url)
      await expect(raw(url)).rejects.toThrow('HTTP 503')
      second.send({ type: 'subscribe', matchId: 'x'.repeat(600) })
      expect((await second.closed).code).toBe(LIVE_CLOSE.tooBig)
    })
  })

  it('mounts on Fastify (its node:http server), beside its routes', async () => {
    const app = Fastify()
    app.get('/hello', async () => ({ ok: true }))
    const store = memoryLiveStore()
    store.append(scriptedEvents('m1', 0, 2))
    const hub = createLiveHub({ store, ws: { WebSocketServer } })
    hub.attach(app.server)
    await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const { port } = app.server.address() as AddressInfo
      expect(await (await fetch(`http://127.0.0.1:${port}/hello`)).json()).toEqual({ ok: true })
      const c = await raw(`ws://127.0.0.1:${port}/live`)
      c.send({ type: 'subscribe', matchId: 'm1' })
      await c.waitFor((m) => m.type === 'subscribed')
      expect(framedEvents(c.messages, 'm1')).toEqual([])
      expect(c.messages.find((m) => m.type === 'snapshot')).toMatchObject({ events: { length: 2 } })
    } finally {
      await hub.close()
      await app.close()
    }
  })

  it('exports its metrics in the matchfeed_ Prometheus family', async () => {
    const { url, hub } = await hubWith()
    const c = await raw(url)
    c.send({ type: 'subscribe', matchId: 'm1' })
    await c.waitFor((m) => m.type === 'subscribed')
    const text = await (await registerLiveMetrics(hub, { register: new Registry() as never })).metrics()
    expect(text).toContain('matchfeed_live_clients 1')
    expect(text).toContain('matchfeed_live_subscriptions 1')
    for (const name of [
      'messages_sent_total',
      'bytes_sent_total',
      'resyncs_total',
      'send_buffer_high_water_bytes',
    ])
      expect(text).toContain(`matchfeed_live_${name}`)
  })

  it('works with the global WebSocket of Node', async () => {
    // The client must find Node's own WebSocket on globalThis (no constructor given).
    expect(typeof globalThis.WebSocket).toBe('function')
    const { store, url } = await hubWith()
    store.append(scriptedEvents('m1', 0, 2))
    const { connectLive } = await import('../../src/live/client.js')
    const client = connectLive({ url, matches: ['m1'] })
    sockets.push({ close: () => client.close() })
    await until(() => client.events('m1').length === 2, 'the snapshot')
  })
})
