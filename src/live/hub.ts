import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { invalidOption } from '../errors.js'
import { eventsJson } from '../event/json.js'
import type { MatchEvent } from '../event/schema.js'
import { importPeer } from '../peer.js'
import { MatchFeed } from './match-feed.js'
import { LIVE_CLOSE, type LiveErrorCode, type LiveServerMessage } from './protocol.js'
import type { LiveEntry, LiveStore } from './store.js'

/** What the hub needs of a server-side WebSocket (a `ws` WebSocket). */
export interface LiveSocket {
  readonly bufferedAmount: number
  send(data: Buffer, options: { binary: boolean }, callback: (error?: Error) => void): void
  ping(): void
  close(code?: number, reason?: string): void
  terminate(): void
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown
  on(event: 'pong' | 'close', listener: () => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
}

/** What the hub needs of a `ws` WebSocketServer it creates (`noServer`) to take upgrades. */
interface UpgradeServer {
  handleUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    done: (socket: LiveSocket, request: IncomingMessage) => void,
  ): void
  close(): void
}

export interface LiveHubOptions {
  /** Where snapshots and gap-fills come from: `memoryLiveStore()`, `redisLiveStore(…)`, or your own. */
  store: LiveStore
  /**
   * Checks a token: from the upgrade request (`Authorization: Bearer …` or `?token=`; see `token`) or the
   * client's first message `{ type: 'auth', token }`. Returns who the client is (anything but undefined,
   * null or false), or false/undefined to refuse: 401 at the upgrade, close code 4401 after it.
   */
  authenticate?: (input: { token: string; request: IncomingMessage }) => unknown
  /** Whether a client may subscribe to a match (`user` from `authenticate`); refused: an `error` forbidden. */
  authorize?: (input: { user: unknown; matchId: string }) => boolean | Promise<boolean>
  /** Reads the token of an upgrade request. Default: the Bearer token, else the `token` query parameter. */
  token?: (request: IncomingMessage) => string | undefined
  /** Connections at once; past it upgrades get 503. Default Infinity. */
  maxClients?: number
  /** Matches one client may subscribe to. Default 50. */
  maxSubscriptions?: number
  /** Largest message a client may send (bytes); a bigger one closes with 1009. Default 16 KiB. */
  maxMessageBytes?: number
  /**
   * The send buffer of one client: bytes and messages not yet written to its socket. Past either, the client
   * gets `resync` and is disconnected (4408): it reconnects and resumes. Keep the bytes above the largest
   * snapshot. Default 8 MiB and 1,000 messages.
   */
  maxBufferedBytes?: number
  maxBufferedMessages?: number
  /** Ping interval; a client that did not answer the previous ping is dropped. Default 30 s. */
  heartbeatMs?: number
  /** Without a token in the upgrade, the `auth` message must come within this. Default 10 s. */
  authTimeoutMs?: number
  /** Events of a match are gathered this long and sent as one frame, the same bytes to every subscriber. Default 5 ms. */
  batchMs?: number
  /** Each followed match is read this often besides its wake-ups (Pub/Sub is best effort). Default 1 s. */
  pollMs?: number
  /** Entries per store read and events per snapshot frame. Default 1,000. */
  pageSize?: number
  /** A match with no subscriber stays followed this long (a reconnecting crowd finds it warm). Default 10 s. */
  lingerMs?: number
  /**
   * A `ws` WebSocketServer of yours (on its own port, or `{ server }`): the hub takes its connections, checking
   * the token of their request after the upgrade (4401). Set its `maxPayload` yourself.
   */
  wss?: { on(event: 'connection', listener: (socket: LiveSocket, request: IncomingMessage) => void): unknown }
  /** The `ws` module, when you load it yourself; default: imported on the first upgrade (an optional peer). */
  ws?: { WebSocketServer: new (options: { noServer: true; maxPayload: number }) => unknown }
  /** Store failures (reads are retried by the poll; a client caught up by a failed read is resynced). */
  onError?: (error: unknown) => void
}

export interface LiveHubMetrics {
  clients: number
  subscriptions: number
  /** Matches followed (with subscribers, or lingering). */
  matches: number
  messagesSent: number
  bytesSent: number
  resyncs: number
  /** The most bytes one client's send buffer held, since the hub started. */
  sendBufferHighWaterBytes: number
}

export interface LiveHub {
  /** For `server.on('upgrade', …)` of node:http (and so Fastify, Hono's node server, Express). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Takes the upgrades of `server` to `path` (default `/live`); returns the detach. */
  attach(
    server: {
      on(
        event: 'upgrade',
        listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void,
      ): unknown
      off(
        event: 'upgrade',
        listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void,
      ): unknown
      listenerCount?(event: 'upgrade'): number
    },
    options?: { path?: string },
  ): () => void
  /** A socket some WebSocketServer of yours accepted: `wss.on('connection', (ws, req) => hub.accept(ws, req))`. */
  accept(socket: LiveSocket, request: IncomingMessage): void
  metrics(): LiveHubMetrics
  /** Disconnects every client (1001) and stops following matches; the store is yours to close. */
  close(): Promise<void>
}

interface Client {
  socket: LiveSocket
  request: IncomingMessage
  user: unknown
  authed: boolean
  subs: Map<string, Sub>
  alive: boolean
  pending: number
  closed: boolean
  chain: Promise<void>
  authTimer?: ReturnType<typeof setTimeout>
}

interface Sub {
  client: Client
  feed: MatchFeed
  cancelled: boolean
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

const encode = (message: LiveServerMessage) => Buffer.from(JSON.stringify(message))

/**
 * A message carrying events, its `events` joined from each event's shared JSON text (src/event/json.ts): what
 * the sinks already serialised is not serialised again for every frame.
 */
function encodeWithEvents(
  head: DistributiveOmit<Extract<LiveServerMessage, { events: MatchEvent[] }>, 'events'>,
  events: readonly MatchEvent[],
): Buffer {
  const text = JSON.stringify(head)
  return Buffer.from(`${text.slice(0, -1)},"events":${eventsJson(events)}}`)
}
const TEXT = { binary: false }

/**
 * The WebSocket hub of `matchfeed/live` (docs/live.md): clients subscribe to matches, get a snapshot or
 * exactly what they missed since their last position, then the live events in the store's order.
 */
export function createLiveHub(options: LiveHubOptions): LiveHub {
  const store = options.store
  if (!store || typeof store.read !== 'function') {
    throw invalidOption(
      'createLiveHub',
      'store',
      'must be a LiveStore (memoryLiveStore(), redisLiveStore(…))',
    )
  }
  const positive = (name: keyof LiveHubOptions, fallback: number) => {
    const value = (options[name] as number | undefined) ?? fallback
    if (!(value > 0)) throw invalidOption('createLiveHub', name, 'must be a positive number')
    return value
  }
  const maxClients = positive('maxClients', Number.POSITIVE_INFINITY)
  const maxSubscriptions = positive('maxSubscriptions', 50)
  const maxMessageBytes = positive('maxMessageBytes', 16 * 1024)
  const maxBufferedBytes = positive('maxBufferedBytes', 8 * 1024 * 1024)
  const maxBufferedMessages = positive('maxBufferedMessages', 1_000)
  const heartbeatMs = positive('heartbeatMs', 30_000)
  const authTimeoutMs = positive('authTimeoutMs', 10_000)
  const pageSize = positive('pageSize', 1_000)
  const lingerMs = options.lingerMs ?? 10_000
  const onError = options.onError ?? (() => {})
  const tokenOf = options.token ?? defaultToken

  const clients = new Set<Client>()
  const feeds = new Map<string, MatchFeed>()
  const lingering = new Map<MatchFeed, ReturnType<typeof setTimeout>>()
  const live = new Map<MatchFeed, Set<Sub>>()
  const counters = { messagesSent: 0, bytesSent: 0, resyncs: 0, sendBufferHighWaterBytes: 0 }
  let closed = false
  let server: Promise<UpgradeServer> | undefined

  const host = {
    store,
    pageSize,
    batchMs: options.batchMs ?? 5,
    pollMs: positive('pollMs', 1_000),
    onError,
    broadcast(feed: MatchFeed, entries: LiveEntry[]) {
      const subs = live.get(feed)
      if (!subs || subs.size === 0) return
      const frame = eventFrame(feed.matchId, entries)
      for (const sub of subs) send(sub.client, frame)
    },
  }

  // A beat writes twice to every client: in one go, for 10,000 clients, a run of system calls that held the
  // events due meanwhile 0.3–0.6 s (bench/live.bench.ts). It yields every BEAT_SLICE clients, and they go out
  // between the slices.
  const heartbeat = setInterval(() => void beat(), heartbeatMs)
  heartbeat.unref?.()
  async function beat(): Promise<void> {
    let n = 0
    for (const client of clients) {
      if (!client.alive) client.socket.terminate()
      else {
        client.alive = false
        client.socket.ping()
        send(client, PING)
      }
      if (++n % BEAT_SLICE === 0) await new Promise((resolve) => setImmediate(resolve))
      if (closed) return
    }
  }

  function eventFrame(matchId: string, entries: LiveEntry[]): Buffer {
    const position = entries[entries.length - 1]!.position
    return encodeWithEvents(
      { v: 1, type: 'event', matchId, position },
      entries.map((e) => e.event),
    )
  }

  /** Queues one frame; past the send buffer's bounds the client is resynced instead. */
  function send(client: Client, frame: Buffer): boolean {
    if (client.closed) return false
    const buffered = client.socket.bufferedAmount + frame.length
    if (buffered > maxBufferedBytes || client.pending >= maxBufferedMessages) {
      resync(client, 'slow_consumer')
      return false
    }
    if (buffered > counters.sendBufferHighWaterBytes) counters.sendBufferHighWaterBytes = buffered
    client.pending++
    counters.messagesSent++
    counters.bytesSent += frame.length
    client.socket.send(frame, TEXT, () => {
      client.pending--
    })
    return true
  }

  /** Tells the client to reconnect and resume, and disconnects it: nothing more is queued for it. */
  function resync(client: Client, reason: string): void {
    if (client.closed) return
    counters.resyncs++
    const frame = encode({ v: 1, type: 'resync', reason })
    client.socket.send(frame, TEXT, () => {})
    drop(client)
    client.socket.close(LIVE_CLOSE.resync, reason)
    // A reader that never reads never completes the close handshake.
    setTimeout(() => client.socket.terminate(), 5_000).unref?.()
  }

  function error(client: Client, code: LiveErrorCode, message: string, matchId?: string): void {
    send(
      client,
      encode({ v: 1, type: 'error', code, message, ...(matchId === undefined ? {} : { matchId }) }),
    )
  }

  function drop(client: Client): void {
    if (client.closed) return
    client.closed = true
    clearTimeout(client.authTimer)
    clients.delete(client)
    for (const sub of client.subs.values()) cancel(sub)
    client.subs.clear()
  }

  function feedOf(matchId: string): MatchFeed {
    let feed = feeds.get(matchId)
    if (!feed) {
      feed = new MatchFeed(matchId, host)
      feeds.set(matchId, feed)
      live.set(feed, new Set())
    }
    clearTimeout(lingering.get(feed))
    lingering.delete(feed)
    feed.holders++
    return feed
  }

  function cancel(sub: Sub): void {
    if (sub.cancelled) return
    sub.cancelled = true
    live.get(sub.feed)?.delete(sub)
    const feed = sub.feed
    if (--feed.holders > 0) return
    const end = () => {
      lingering.delete(feed)
      if (feed.holders > 0) return
      feed.dispose()
      feeds.delete(feed.matchId)
      live.delete(feed)
    }
    if (lingerMs > 0 && !closed) {
      const timer = setTimeout(end, lingerMs)
      timer.unref?.()
      lingering.set(feed, timer)
    } else end()
  }

  function sendSnapshot(sub: Sub): void {
    const { feed, client } = sub
    const events: MatchEvent[] = []
    for (const entry of feed.state.values()) events.push(entry.event)
    const base = { v: 1 as const, type: 'snapshot' as const, matchId: feed.matchId, position: feed.head }
    for (let i = 0; i === 0 || i < events.length; i += pageSize) {
      const part = events.slice(i, i + pageSize)
      const more = i + pageSize < events.length
      if (!send(client, encodeWithEvents({ ...base, ...(more ? { more: true as const } : {}) }, part))) return
    }
  }

  function goLive(sub: Sub): void {
    if (sub.cancelled) return // dropped meanwhile (a send past the buffer's bounds, a close)
    live.get(sub.feed)!.add(sub)
    send(sub.client, encode({ v: 1, type: 'subscribed', matchId: sub.feed.matchId, position: sub.feed.head }))
  }

  /**
   * Brings a subscription to the feed's head — a snapshot, or the entries after the client's position read
   * from the store — and makes it live, in one synchronous step once there: no entry twice, none missed.
   */
  async function catchUp(sub: Sub, after: string | undefined): Promise<void> {
    const { feed } = sub
    try {
      await feed.watching
      if (!feed.loaded) await feed.read(0)
      if (sub.cancelled) return
      if (after === undefined || !store.isPosition(after)) {
        sendSnapshot(sub)
        return goLive(sub)
      }
      let position = after
      let refreshed = false
      for (;;) {
        const order = store.compare(position, feed.head)
        if (order === 0) return goLive(sub)
        if (order > 0) {
          // Ahead of this instance (it came from another one): read up first; still ahead = not a position.
          if (refreshed) break
          refreshed = true
          await feed.read(0)
        } else {
          const entries = await store.read(feed.matchId, position, pageSize)
          const upTo = entries.filter((e) => store.compare(e.position, feed.head) <= 0)
          if (upTo.length === 0) break // nothing between the position and the head: not in this order
          if (sub.cancelled || !send(sub.client, eventFrame(feed.matchId, upTo))) return
          position = upTo[upTo.length - 1]!.position
        }
        if (sub.cancelled) return
      }
      // The position is not one of this store's: start over from a snapshot (which replaces the client's state).
      sendSnapshot(sub)
      goLive(sub)
    } catch (failure) {
      onError(failure)
      if (!sub.cancelled) resync(sub.client, 'store_unavailable')
    }
  }

  async function subscribe(client: Client, matchId: string, after: string | undefined): Promise<void> {
    const existing = client.subs.get(matchId)
    if (!existing && client.subs.size >= maxSubscriptions) {
      return error(client, 'too_many_subscriptions', `at most ${maxSubscriptions} matches`, matchId)
    }
    if (options.authorize) {
      let allowed = false
      try {
        allowed = await options.authorize({ user: client.user, matchId })
      } catch (failure) {
        onError(failure)
      }
      if (client.closed) return
      if (!allowed) return error(client, 'forbidden', 'not allowed to follow this match', matchId)
    }
    // Messages of a client are handled one at a time (client.chain): `existing` is still its subscription.
    if (existing) cancel(existing)
    const sub: Sub = { client, feed: feedOf(matchId), cancelled: false }
    client.subs.set(matchId, sub)
    void catchUp(sub, after)
  }

  async function authenticate(token: string, request: IncomingMessage): Promise<unknown> {
    if (!options.authenticate) return true
    try {
      const user = await options.authenticate({ token, request })
      return user === false || user === null ? undefined : user
    } catch (failure) {
      onError(failure)
      return undefined
    }
  }

  async function handle(client: Client, message: Record<string, unknown>): Promise<void> {
    if (!client.authed) {
      if (message.type !== 'auth' || typeof message.token !== 'string') {
        error(client, 'unauthorized', 'send { type: "auth", token } first')
        return closeUnauthorized(client)
      }
      const user = await authenticate(message.token, client.request)
      if (user === undefined) return closeUnauthorized(client, 'token refused')
      clearTimeout(client.authTimer)
      client.user = user
      client.authed = true
      return
    }
    switch (message.type) {
      case 'subscribe':
        if (
          !isMatchId(message.matchId) ||
          !(message.after === undefined || typeof message.after === 'string')
        )
          return error(client, 'bad_message', 'subscribe needs a matchId (and an optional string `after`)')
        return subscribe(client, message.matchId, message.after)
      case 'resume': {
        const positions = message.positions
        if (typeof positions !== 'object' || positions === null || Array.isArray(positions))
          return error(client, 'bad_message', 'resume needs `positions`: { matchId: position }')
        for (const [matchId, after] of Object.entries(positions)) {
          if (!isMatchId(matchId) || typeof after !== 'string')
            return error(client, 'bad_message', 'resume positions are strings by matchId')
          await subscribe(client, matchId, after)
        }
        return
      }
      case 'unsubscribe': {
        if (!isMatchId(message.matchId)) return error(client, 'bad_message', 'unsubscribe needs a matchId')
        const sub = client.subs.get(message.matchId)
        if (sub) {
          cancel(sub)
          client.subs.delete(message.matchId)
        }
        send(client, encode({ v: 1, type: 'unsubscribed', matchId: message.matchId }))
        return
      }
      case 'auth':
        return
      default:
        return error(client, 'bad_message', 'type must be subscribe, unsubscribe, resume or auth')
    }
  }

  function closeUnauthorized(client: Client, reason = 'unauthorized'): void {
    if (client.closed) return
    drop(client)
    client.socket.close(LIVE_CLOSE.unauthorized, reason)
  }

  function accept(socket: LiveSocket, request: IncomingMessage, user?: { user: unknown }): void {
    const client: Client = {
      socket,
      request,
      user: user?.user,
      authed: user !== undefined || !options.authenticate,
      subs: new Map(),
      alive: true,
      pending: 0,
      closed: false,
      chain: Promise.resolve(),
    }
    if (closed) {
      socket.close(LIVE_CLOSE.goingAway, 'hub closed')
      return
    }
    clients.add(client)
    socket.on('close', () => drop(client))
    socket.on('error', () => drop(client))
    socket.on('pong', () => {
      client.alive = true
    })
    socket.on('message', (data, isBinary) => {
      client.alive = true
      if (client.closed) return
      let message: unknown
      try {
        if (isBinary) throw new Error('binary')
        message = JSON.parse(String(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)))
      } catch {
        return error(client, 'bad_message', 'messages are JSON text')
      }
      if (typeof message !== 'object' || message === null)
        return error(client, 'bad_message', 'messages are JSON objects with a `type`')
      const next = message as Record<string, unknown>
      client.chain = client.chain.then(() => handle(client, next)).catch(onError)
    })
    send(client, encode({ v: 1, type: 'hello', heartbeatMs, maxSubscriptions, maxMessageBytes }))
    if (!client.authed) {
      const token = tokenOf(request)
      if (token !== undefined) {
        // A socket accepted elsewhere: its request's token is checked now, before any message is handled.
        client.chain = client.chain.then(() => handle(client, { type: 'auth', token }))
      } else {
        client.authTimer = setTimeout(() => closeUnauthorized(client, 'no auth message'), authTimeoutMs)
        client.authTimer.unref?.()
      }
    }
  }

  function refuse(socket: Duplex, status: string): void {
    socket.once('finish', () => socket.destroy())
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }

  function upgradeServer(): Promise<UpgradeServer> {
    server ??= importPeer<NonNullable<LiveHubOptions['ws']>>('ws', {
      purpose: 'createLiveHub',
      alternative: 'or accept sockets yourself with hub.accept(socket, request)',
      module: options.ws,
    }).then((ws) => new ws.WebSocketServer({ noServer: true, maxPayload: maxMessageBytes }) as UpgradeServer)
    return server
  }

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (closed || clients.size >= maxClients) return refuse(socket, '503 Service Unavailable')
    let user: { user: unknown } | undefined
    const token = options.authenticate ? tokenOf(request) : undefined
    if (token !== undefined) {
      const known = await authenticate(token, request)
      if (known === undefined) return refuse(socket, '401 Unauthorized')
      user = { user: known }
    }
    const wss = await upgradeServer()
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request, user))
  }

  options.wss?.on('connection', (socket, request) => accept(socket, request))

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    upgrade(request, socket, head).catch((failure: unknown) => {
      onError(failure)
      refuse(socket, '500 Internal Server Error')
    })
  }

  return {
    handleUpgrade,
    attach(target, attachOptions = {}) {
      const path = attachOptions.path ?? '/live'
      const listener = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (new URL(request.url ?? '/', 'http://x').pathname === path)
          return handleUpgrade(request, socket, head)
        // Another path is another listener's; with none, node:http would hold the socket open for ever.
        if ((target.listenerCount?.('upgrade') ?? 2) <= 1) refuse(socket, '404 Not Found')
      }
      target.on('upgrade', listener)
      return () => void target.off('upgrade', listener)
    },
    accept: (socket, request) => accept(socket, request),
    metrics() {
      let subscriptions = 0
      for (const client of clients) subscriptions += client.subs.size
      return { clients: clients.size, subscriptions, matches: feeds.size, ...counters }
    },
    async close() {
      closed = true
      clearInterval(heartbeat)
      for (const client of [...clients]) {
        drop(client)
        client.socket.close(LIVE_CLOSE.goingAway, 'hub closed')
      }
      for (const timer of lingering.values()) clearTimeout(timer) // lingering feeds are still in `feeds`
      for (const feed of feeds.values()) feed.dispose()
      feeds.clear()
      lingering.clear()
      live.clear()
      if (server) (await server.catch(() => undefined))?.close()
    },
  }
}

const PING = encode({ v: 1, type: 'ping' })
/** Clients pinged between two turns of the event loop. */
const BEAT_SLICE = 100

function isMatchId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200
}

function defaultToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization
  const bearer = header && /^Bearer\s+(.+)$/i.exec(header)?.[1]
  if (bearer) return bearer.trim()
  const query = new URL(request.url ?? '/', 'http://x').searchParams.get('token')
  return query ?? undefined
}
