// matchfeed/live/client: the browser (and Node ≥ 22) client of the live hub. No dependency, no Node API:
// the global WebSocket, or the constructor you pass. Protocol: docs/live.md.
import type { MatchEvent } from '../event/schema.js'
import type { LiveServerMessage } from './protocol.js'

export type { MatchEvent } from '../event/schema.js'
export type { LiveClientMessage, LiveErrorCode, LiveServerMessage } from './protocol.js'

/** What the client receives, as callbacks or from `updates()`. */
export type LiveUpdate =
  /** The match's whole state (after a first subscribe, or when the hub could not resume it): replace yours. */
  | { type: 'snapshot'; matchId: string; events: MatchEvent[] }
  /** One new (id, version): a new event, a correction (higher version) or a deletion (`deleted: true`). */
  | { type: 'event'; matchId: string; event: MatchEvent }

export type LiveClientStatus = 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface LiveClientOptions {
  /** The hub's URL (`wss://example.com/live`), or a function giving it at each (re)connect. */
  url: string | (() => string)
  /** A WebSocket constructor; default the global one (browsers, Node ≥ 22). */
  WebSocket?: new (
    url: string,
  ) => unknown
  /** Sent as the first message (`{ type: 'auth', token }`) on every connect; or put it in the URL. */
  token?: string | (() => string | undefined)
  /** Matches to follow from the start. */
  matches?: readonly string[]
  /** Reconnect delays: from `initialMs` doubling to `maxMs`, with jitter. Default 250 ms to 10 s. */
  backoff?: { initialMs?: number; maxMs?: number }
  onSnapshot?: (matchId: string, events: MatchEvent[]) => void
  onEvent?: (event: MatchEvent) => void
  onStatus?: (status: LiveClientStatus) => void
  /** The hub's `error` messages (a refused subscription, a refused token…). */
  onError?: (error: { code: string; message: string; matchId?: string }) => void
}

export interface LiveClient {
  subscribe(matchId: string): void
  unsubscribe(matchId: string): void
  /** The match as held here: the latest version of each event, deleted ones left out, in order of arrival. */
  events(matchId: string): MatchEvent[]
  /** The last position seen of a match: what a reconnect resumes after. */
  position(matchId: string): string | undefined
  /** Every update from now on, until `close()`. Unbounded: read it as fast as updates come. */
  updates(): AsyncIterableIterator<LiveUpdate>
  readonly status: LiveClientStatus
  close(): void
}

interface Socket {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: (() => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number }) => void) | null
  onerror: (() => void) | null
}

interface MatchState {
  events: Map<string, MatchEvent>
  position: string | undefined
  /** Inside a snapshot sent in several frames: the state is not whole, and has no position. */
  partial: boolean
}

const UNAUTHORIZED = 4401

/**
 * Connects to a live hub and keeps following: reconnects with backoff, resumes each match after its last
 * position (the hub sends exactly what was missed), and drops any (id, version) already held.
 */
export function connectLive(options: LiveClientOptions): LiveClient {
  const Ctor = (options.WebSocket ?? (globalThis as { WebSocket?: unknown }).WebSocket) as
    | (new (
        url: string,
      ) => Socket)
    | undefined
  if (typeof Ctor !== 'function') throw new TypeError('connectLive: no WebSocket: pass options.WebSocket')
  const initialMs = options.backoff?.initialMs ?? 250
  const maxMs = options.backoff?.maxMs ?? 10_000
  const matches = new Map<string, MatchState>()
  const iterators = new Set<{ queue: LiveUpdate[]; wake?: () => void }>()
  let socket: Socket | undefined
  let status: LiveClientStatus = 'connecting'
  let attempt = 0
  let retry: ReturnType<typeof setTimeout> | undefined
  let watchdog: ReturnType<typeof setTimeout> | undefined
  let silenceMs = 75_000

  const setStatus = (next: LiveClientStatus) => {
    if (status === next) return
    status = next
    options.onStatus?.(next)
  }
  const emit = (update: LiveUpdate) => {
    for (const it of iterators) {
      it.queue.push(update)
      it.wake?.()
    }
  }
  const sendJson = (message: object) => {
    if (socket?.readyState === 1) socket.send(JSON.stringify(message))
  }
  const visible = (state: MatchState) => [...state.events.values()].filter((e) => !e.deleted)

  function connect(): void {
    const url = typeof options.url === 'function' ? options.url() : options.url
    const ws = new Ctor!(url)
    socket = ws
    ws.onopen = () => {
      const token = typeof options.token === 'function' ? options.token() : options.token
      if (token !== undefined) sendJson({ type: 'auth', token })
      const positions: Record<string, string> = {}
      for (const [matchId, state] of matches) {
        if (state.position !== undefined && !state.partial) positions[matchId] = state.position
        else sendJson({ type: 'subscribe', matchId })
      }
      if (Object.keys(positions).length > 0) sendJson({ type: 'resume', positions })
      setStatus('open')
    }
    ws.onmessage = (event) => {
      guard()
      let message: LiveServerMessage
      try {
        message = JSON.parse(typeof event.data === 'string' ? event.data : String(event.data))
      } catch {
        return
      }
      receive(message)
    }
    ws.onclose = (event) => dropped(ws, event.code)
    ws.onerror = ignore
    guard()
  }

  /** No message for a while (the hub pings every `heartbeatMs`): a half-open connection. */
  function guard(): void {
    clearTimeout(watchdog)
    watchdog = setTimeout(() => {
      const ws = socket
      if (ws) dropped(ws, 1006)
      ws?.close()
    }, silenceMs)
  }

  function dropped(ws: Socket, code: number): void {
    if (socket !== ws) return
    ws.onopen = ws.onmessage = ws.onclose = null
    ws.onerror = ignore // a later error of this socket (closed while connecting) must not go unhandled
    socket = undefined
    clearTimeout(watchdog)
    if (status === 'closed') return
    if (code === UNAUTHORIZED) {
      options.onError?.({ code: 'unauthorized', message: 'the hub refused the token' })
      close()
      return
    }
    setStatus('reconnecting')
    const wait = Math.min(maxMs, initialMs * 2 ** attempt++) * (0.5 + Math.random() / 2)
    retry = setTimeout(connect, wait)
  }

  function stateOf(matchId: string): MatchState | undefined {
    return matches.get(matchId)
  }

  function receive(message: LiveServerMessage): void {
    switch (message.type) {
      case 'hello':
        attempt = 0
        silenceMs = message.heartbeatMs * 2.5
        guard()
        return
      case 'snapshot': {
        const state = stateOf(message.matchId)
        if (!state) return
        if (!state.partial) state.events.clear()
        state.partial = message.more === true
        state.position = undefined
        for (const event of message.events) state.events.set(event.id, event)
        if (state.partial) return
        state.position = message.position
        const events = visible(state)
        options.onSnapshot?.(message.matchId, events)
        emit({ type: 'snapshot', matchId: message.matchId, events })
        return
      }
      case 'event': {
        const state = stateOf(message.matchId)
        if (!state || state.partial) return
        for (const event of message.events) {
          const held = state.events.get(event.id)
          if (held && held.version >= event.version) continue
          state.events.set(event.id, event)
          options.onEvent?.(event)
          emit({ type: 'event', matchId: message.matchId, event })
        }
        state.position = message.position
        return
      }
      case 'subscribed': {
        const state = stateOf(message.matchId)
        if (state && !state.partial) state.position = message.position
        return
      }
      case 'error':
        options.onError?.(message)
        return
      default:
        return // ping, resync (the close follows), unsubscribed
    }
  }

  function close(): void {
    if (status === 'closed') return
    setStatus('closed')
    clearTimeout(retry)
    clearTimeout(watchdog)
    const ws = socket
    socket = undefined
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null
      // Closing one still connecting fires an error (the `ws` package then throws if nobody listens): ignored.
      ws.onerror = ignore
      ws.close(1000)
    }
    for (const it of iterators) it.wake?.()
  }

  for (const matchId of options.matches ?? [])
    matches.set(matchId, { events: new Map(), position: undefined, partial: false })
  options.onStatus?.(status)
  connect()

  return {
    subscribe(matchId) {
      if (matches.has(matchId)) return
      matches.set(matchId, { events: new Map(), position: undefined, partial: false })
      sendJson({ type: 'subscribe', matchId })
    },
    unsubscribe(matchId) {
      if (!matches.delete(matchId)) return
      sendJson({ type: 'unsubscribe', matchId })
    },
    events: (matchId) => {
      const state = matches.get(matchId)
      return state ? visible(state) : []
    },
    position: (matchId) => matches.get(matchId)?.position,
    updates() {
      const it: { queue: LiveUpdate[]; wake?: () => void } = { queue: [] }
      iterators.add(it)
      const iterator: AsyncIterableIterator<LiveUpdate> = {
        async next() {
          while (it.queue.length === 0 && status !== 'closed') {
            await new Promise<void>((resolve) => {
              it.wake = resolve
            })
            it.wake = undefined
          }
          const value = it.queue.shift()
          if (value === undefined) {
            iterators.delete(it)
            return { done: true, value: undefined }
          }
          return { done: false, value }
        },
        async return() {
          iterators.delete(it)
          return { done: true, value: undefined }
        },
        [Symbol.asyncIterator]() {
          return iterator
        },
      }
      return iterator
    },
    get status() {
      return status
    },
    close,
  }
}

function ignore(): void {}
