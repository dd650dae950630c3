// The hub mounted as docs/live.md shows, on the servers users run: Hono's node server and Fastify's, beside
// routes of their own on the same port (other upgrade paths left alone). A client gets the snapshot, then live.
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { createLiveHub } from '../../src/live/hub.js'
import { memoryLiveStore } from '../../src/live/store.js'
import { makeEvent } from '../helpers/events.js'
import { rawClient, until } from '../helpers/live-harness.js'

interface Mounted {
  server: Server
  close(): Promise<void>
}

const mounts: Record<string, () => Promise<Mounted>> = {
  async hono() {
    const app = new Hono().get('/hello', (c) => c.text('hello'))
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
    await once(server, 'listening')
    return { server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
  },
  async fastify() {
    const app = Fastify()
    app.get('/hello', async () => 'hello')
    await app.listen({ port: 0, host: '127.0.0.1' })
    return { server: app.server, close: () => app.close() }
  },
}

describe.each(Object.keys(mounts))('the hub mounted on %s', (name) => {
  it('serves /live beside the app’s routes: a snapshot, then live events; other upgrade paths untouched', async () => {
    const store = memoryLiveStore()
    store.append([makeEvent({ matchId: 'h1', providerEventId: 'a', id: 'opta:h1:a' })])
    const hub = createLiveHub({ store, ws: { WebSocketServer } })
    const mounted = await mounts[name]!()
    const detach = hub.attach(mounted.server, { path: '/live' })
    const { port } = mounted.server.address() as AddressInfo
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/hello`)).text()).toBe('hello')
      const client = await rawClient(`ws://127.0.0.1:${port}/live`)
      client.send({ v: 1, type: 'subscribe', matchId: 'h1' })
      await client.waitFor((m) => m.type === 'snapshot')
      store.append([makeEvent({ matchId: 'h1', providerEventId: 'b', id: 'opta:h1:b' })])
      await client.waitFor((m) => m.type === 'event')
      const ids = client.messages.flatMap((m) =>
        m.type === 'snapshot' || m.type === 'event' ? m.events.map((e) => e.id) : [],
      )
      expect(ids).toEqual(['opta:h1:a', 'opta:h1:b'])
      client.ws.close()
      // Another path is not the hub's: with no other upgrade listener it is refused, not held open.
      const other = new WebSocket(`ws://127.0.0.1:${port}/elsewhere`)
      const status = await new Promise<number | string>((resolve) => {
        other.once('open', () => resolve('open'))
        other.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0))
        other.once('error', (error) => resolve(error.message))
      })
      expect(status).toBe(404)
      other.terminate()
    } finally {
      detach()
      await hub.close()
      await mounted.close()
    }
    await until(() => hub.metrics().clients === 0, 'every client gone after close')
  })
})
