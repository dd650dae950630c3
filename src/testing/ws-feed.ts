import { type HttpHandler, HttpResponse, http, type WebSocketHandler, ws } from 'msw'
import type { FeedMessage } from './render-websocket.js'
import type { SimulatedMatch } from './simulate-match.js'

/** A failure of the live feed, from `atMinute` minutes after kick-off (negative: before). */
export interface FeedFailure {
  /**
   * `drop`: the feed closes the connection (code 1011); `silence`: it stops sending on the connection, heartbeats
   * included, and leaves it open (half-open, until the client gives up); `sequence_gap`: it leaves `count`
   * messages out of the live stream (still served by the back-fill URL and by a resume).
   */
  type: 'drop' | 'silence' | 'sequence_gap'
  atMinute?: number
  /** `drop` / `silence`: so many connections in a row; `sequence_gap`: so many messages. Default 1. */
  count?: number
}

export interface WebSocketFeedOptions {
  /** The feed's address, mocked with msw's `ws.link`. Default `wss://feed.matchfeed.test/live`. */
  url?: string
  /** Frames of the integration guide's webhook format (read by `customFrames()`), or MatchEvents (`matchEventFrames`). Default `custom`. */
  format?: 'custom' | 'match-events'
  /** The MatchEvents' `provider` (format `match-events`). Default `simulated`. */
  provider?: string
  /** A heartbeat frame (`[]`: no events) after this many simulated seconds without a frame. Default 10. */
  heartbeatSeconds?: number
  /** `GET <backfillUrl>?from=&to=` answers the messages `from`..`to` as a JSON array. Default `https://feed.matchfeed.test/backfill`. */
  backfillUrl?: string
  failures?: FeedFailure[]
}

/** Something the feed did. */
export interface FeedLogEntry {
  /** Simulated time. */
  at: number
  /** The connection (1, 2, …); 0 for the back-fill URL. */
  connection: number
  kind: 'open' | 'resume' | 'message' | 'heartbeat' | 'drop' | 'silence' | 'gap' | 'close' | 'backfill'
  /** The message's sequence (`message`, `gap`), the resume's `after`, the back-fill's `from`. */
  seq?: number
}

export interface WebSocketFeed extends Array<WebSocketHandler | HttpHandler> {
  readonly url: string
  readonly backfillUrl: string
  /**
   * The message a client sends after (re)connecting to be replayed what came after `lastSeq`: pass it as
   * createWebSocketSource's `resume`. Without one, a connection starts from the first message.
   */
  resume(lastSeq: number | undefined): string
  /** Everything the feed did, in order. */
  readonly log: FeedLogEntry[]
  /** Forgets the log and the failures' progress. */
  reset(): void
}

/**
 * A live WebSocket feed of a simulated match through msw's `ws.link` (it mocks the global WebSocket):
 * every event when it is shown, revised and withdrawn, numbered by the feed's counter (`seq`: 1, 2, 3, …),
 * heartbeats in between, at the match clock's time; plus a back-fill URL for the messages a gap skipped.
 *
 * ```ts
 * const feed = webSocketFeed(match, { failures: [{ type: 'drop', atMinute: 30 }] })
 * server.use(...feed)
 * ```
 */
export function webSocketFeed(match: SimulatedMatch, options: WebSocketFeedOptions = {}): WebSocketFeed {
  const url = options.url ?? 'wss://feed.matchfeed.test/live'
  const backfillUrl = options.backfillUrl ?? 'https://feed.matchfeed.test/backfill'
  const messages = match.feedMessages(options.provider ?? 'simulated')
  const body = (m: FeedMessage) => (options.format === 'match-events' ? m.event : m.item)
  const log: FeedLogEntry[] = []
  const failures = createFailures(match, options.failures ?? [])
  const ctx: ServeContext = {
    match,
    messages,
    frame: (m) => JSON.stringify(body(m)),
    heartbeatMs: (options.heartbeatSeconds ?? 10) * 1000,
    failures,
    log: (entry) => log.push({ at: match.clock.now(), ...entry }),
  }
  let connections = 0
  const link = ws.link(url)
  const handlers = [
    link.addEventListener('connection', ({ client }) => void serve(ctx, client, ++connections)),
    http.get(backfillUrl, ({ request }) => {
      const query = new URL(request.url).searchParams
      const from = Number(query.get('from'))
      const to = Number(query.get('to') ?? from)
      ctx.log({ connection: 0, kind: 'backfill', seq: from })
      return HttpResponse.json(messages.filter((m) => m.seq >= from && m.seq <= to).map(body))
    }),
  ]
  return Object.assign(handlers, {
    url,
    backfillUrl,
    resume: (lastSeq: number | undefined) => JSON.stringify({ type: 'resume', after: lastSeq ?? 0 }),
    log,
    reset() {
      log.length = 0
      failures.reset()
    },
  })
}

interface ServeContext {
  match: SimulatedMatch
  messages: readonly FeedMessage[]
  frame(m: FeedMessage): string
  heartbeatMs: number
  failures: ReturnType<typeof createFailures>
  log(entry: Omit<FeedLogEntry, 'at'>): void
}

interface Client {
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  addEventListener(type: 'close', listener: () => void): void
}

/** One connection: what is due at the clock's time, then sleep until the next message or heartbeat. */
async function serve(ctx: ServeContext, client: Client, connection: number): Promise<void> {
  const { clock } = ctx.match
  const closed = new AbortController()
  let cursor = 0 // the last sequence sent (or skipped) on this connection
  client.addEventListener('message', (event) => {
    const after = resumeAfter(event.data)
    if (after === undefined) return
    cursor = after
    ctx.log({ connection, kind: 'resume', seq: after })
  })
  client.addEventListener('close', () => {
    ctx.log({ connection, kind: 'close' })
    closed.abort()
  })
  ctx.log({ connection, kind: 'open' })
  try {
    await clock.sleep(0, closed.signal) // lets a resume arrive first
    let lastFrameAt = clock.now()
    while (!closed.signal.aborted) {
      const now = clock.now()
      const failure = ctx.failures.connectionFailure(now)
      if (failure) {
        ctx.log({ connection, kind: failure })
        if (failure === 'drop') client.close(1011, 'simulated drop')
        return // a silent connection stays open, and quiet
      }
      for (const m of ctx.messages) {
        if (m.seq <= cursor || m.at > now) continue
        cursor = m.seq
        if (ctx.failures.skips(m, now)) ctx.log({ connection, kind: 'gap', seq: m.seq })
        else {
          client.send(ctx.frame(m))
          lastFrameAt = now
          ctx.log({ connection, kind: 'message', seq: m.seq })
        }
      }
      if (now - lastFrameAt >= ctx.heartbeatMs) {
        client.send('[]')
        lastFrameAt = now
        ctx.log({ connection, kind: 'heartbeat' })
      }
      const next = ctx.messages.find((m) => m.seq > cursor)?.at ?? Number.POSITIVE_INFINITY
      await clock.sleep(Math.max(0, Math.min(next, lastFrameAt + ctx.heartbeatMs) - now), closed.signal)
    }
  } catch {
    // closed while sleeping
  }
}

function resumeAfter(data: unknown): number | undefined {
  if (typeof data !== 'string') return undefined
  try {
    const message = JSON.parse(data) as { type?: unknown; after?: unknown }
    return message.type === 'resume' && typeof message.after === 'number' ? message.after : undefined
  } catch {
    return undefined
  }
}

/** The failures due, each used up as it strikes. */
function createFailures(match: SimulatedMatch, list: readonly FeedFailure[]) {
  const pending = list.map((f) => ({ ...f, left: f.count ?? 1 }))
  const skipped = new Set<number>()
  let gapLeft = 0
  const due = (f: FeedFailure, now: number) => now >= match.kickOff + (f.atMinute ?? 0) * 60_000
  return {
    /** A drop or silence due now on the current connection (one per connection). */
    connectionFailure(now: number): 'drop' | 'silence' | undefined {
      const f = pending.find((p) => p.type !== 'sequence_gap' && p.left > 0 && due(p, now))
      if (!f) return undefined
      f.left--
      return f.type as 'drop' | 'silence'
    },
    /** Whether the live stream leaves this message out (a gap due now): only the first time it is sent. */
    skips(m: FeedMessage, now: number): boolean {
      if (skipped.has(m.seq)) return false
      const gap = pending.find((p) => p.type === 'sequence_gap' && p.left > 0 && due(p, now))
      if (gap) {
        gapLeft = gap.left
        gap.left = 0
      }
      if (gapLeft <= 0) return false
      gapLeft--
      skipped.add(m.seq)
      return true
    },
    reset() {
      for (const f of pending) f.left = f.count ?? 1
      skipped.clear()
      gapLeft = 0
    },
  }
}
