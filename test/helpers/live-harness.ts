// Live hub tests: a hub on a real node:http server (127.0.0.1, port 0), raw `ws` clients that record every
// protocol message, and `connectLive` clients whose sockets a test can kill.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import WebSocket, { WebSocketServer } from 'ws'
import type { MatchEvent } from '../../src/event/schema.js'
import { connectLive, type LiveClient, type LiveClientOptions } from '../../src/live/client.js'
import { createLiveHub, type LiveHub, type LiveHubOptions } from '../../src/live/hub.js'
import type { LiveServerMessage } from '../../src/live/protocol.js'
import type { LiveEntry, LiveStore } from '../../src/live/store.js'
import { until } from './redis.js'

export { until }

export interface HubServer {
  hub: LiveHub
  server: Server
  url: string
  close(): Promise<void>
}

/** A hub attached to its own node:http server at `/live`. */
export async function startHub(options: LiveHubOptions): Promise<HubServer> {
  const hub = createLiveHub({ ws: { WebSocketServer }, ...options })
  const server = createServer((_req, res) => res.writeHead(404).end())
  hub.attach(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    hub,
    server,
    url: `ws://127.0.0.1:${port}/live`,
    async close() {
      await hub.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A raw protocol client: every message it got, in order. */
export interface RawClient {
  ws: WebSocket
  messages: LiveServerMessage[]
  send(message: object): void
  /** Waits for a message matching `match` at or after index `from`; returns its index. */
  waitFor(match: (m: LiveServerMessage) => boolean, from?: number): Promise<number>
  closed: Promise<{ code: number; reason: string }>
}

export async function rawClient(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
  const ws = new WebSocket(url, { headers })
  const messages: LiveServerMessage[] = []
  ws.on('message', (data) => messages.push(JSON.parse(String(data))))
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  )
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
  return {
    ws,
    messages,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    async waitFor(match, from = 0) {
      let found = -1
      await until(() => {
        found = messages.findIndex((m, i) => i >= from && match(m))
        return found >= 0
      }, 'a live message')
      return found
    },
  }
}

/** The events of `event` frames of a match, in order of arrival. */
export function framedEvents(messages: LiveServerMessage[], matchId: string): MatchEvent[] {
  return messages.flatMap((m) => (m.type === 'event' && m.matchId === matchId ? m.events : []))
}

/** What a store holds of a match: the latest version of every event id, deleted ones left out. */
export async function storedState(store: LiveStore, matchId: string): Promise<Map<string, MatchEvent>> {
  const state = new Map<string, MatchEvent>()
  let after = store.start
  for (;;) {
    const page: LiveEntry[] = await store.read(matchId, after, 1000)
    for (const { event } of page) state.set(event.id, event)
    if (page.length < 1000) break
    after = page[page.length - 1]!.position
  }
  for (const [id, event] of state) if (event.deleted) state.delete(id)
  return state
}

/** `id@version` of a client's events, sorted: to compare with a store's state. */
export function versions(events: Iterable<MatchEvent>): string[] {
  return [...events].map((e) => `${e.id}@${e.version}`).sort()
}

/**
 * A `connectLive` client over `ws` whose sockets the test can kill, recording what the hub sent it: every
 * (id, version) of its `event` frames and its snapshots, per match.
 */
export interface TrackedClient {
  client: LiveClient
  /** Kills the connection without a close handshake (a dropped network). */
  kill(): void
  /** `id@version` of every event frame's event, in order; snapshots counted apart. */
  received: Map<string, string[]>
  snapshots: Map<string, number>
  /** Connections opened so far. */
  connections(): number
}

export function trackedClient(options: Omit<LiveClientOptions, 'WebSocket'>): TrackedClient {
  let current: WebSocket | undefined
  let connections = 0
  const received = new Map<string, string[]>()
  const snapshots = new Map<string, number>()
  class Tracked extends WebSocket {
    constructor(url: string) {
      super(url)
      current = this
      connections++
      this.on('message', (data) => {
        const m = JSON.parse(String(data)) as LiveServerMessage
        if (m.type === 'event') {
          const list = received.get(m.matchId) ?? []
          for (const e of m.events) list.push(`${e.id}@${e.version}`)
          received.set(m.matchId, list)
        } else if (m.type === 'snapshot' && !m.more)
          snapshots.set(m.matchId, (snapshots.get(m.matchId) ?? 0) + 1)
      })
    }
  }
  const client = connectLive({ backoff: { initialMs: 5, maxMs: 40 }, ...options, WebSocket: Tracked })
  return {
    client,
    kill: () => current?.terminate(),
    received,
    snapshots,
    connections: () => connections,
  }
}

/** Events of one match numbered from `from`: passes, a goal now and then. */
export function scriptedEvents(matchId: string, from: number, count: number): MatchEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i
    return {
      id: `custom:${matchId}:e${n}`,
      provider: 'custom',
      providerEventId: `e${n}`,
      matchId,
      seq: n,
      version: 0,
      deleted: false,
      type: n % 7 === 6 ? 'shot' : 'pass',
      result: n % 7 === 6 ? 'goal' : 'complete',
      period: 1,
      periodTime: n,
      minute: Math.floor(n / 60),
      second: n % 60,
      providerType: 'pass',
      x: 50,
      y: 34,
    } as MatchEvent
  })
}

/** The same event at a higher version: moved (a correction) or withdrawn (a deletion). */
export function revised(event: MatchEvent, change: 'correct' | 'delete'): MatchEvent {
  return change === 'delete'
    ? { ...event, version: event.version + 1, deleted: true }
    : ({ ...event, version: event.version + 1, x: (event.x ?? 0) + 1 } as MatchEvent)
}
