import { MatchfeedError } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import { validateMatchEvents } from '../../event/validate.js'
import type { Source } from '../../pipeline/contracts.js'
import {
  type FrameConnection,
  openNdjsonStream,
  openWebSocket,
  type WebSocketConstructor,
} from './connection.js'
import { DEFAULT_MAX_BACKFILL, SequenceGapError } from './sequence-gap.js'

export interface StreamSourceOptions {
  /** Names the source in metrics and health. */
  name?: string
  /**
   * Turns one frame into events; nothing (or an empty array) for control frames. A throw dead-letters the
   * frame, and so does an event that validateMatchEvents refuses (invalid, or beyond the storage bounds).
   */
  parse: (frame: string) => MatchEvent[] | undefined | null
  /** No frame at all for this long means a dead connection (half-open, no close frame): reconnect. Default 30 s. */
  heartbeat?: { timeoutMs?: number; ping?: { intervalMs: number; message: string } }
  /** Reconnects forever until stopped, backing off exponentially with jitter. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number }
  /**
   * A counter the feed increments by one per event, read from an event (`undefined` for an event it does not
   * number): replays, gaps and resumes are judged on it. One counter for the whole connection. Leave it out
   * unless the feed numbers its events so: MatchEvent `seq` is an order within a match, not such a counter
   * (custom payloads without a `seq` of their own get period × 10⁷ + ms; see docs/websocket.md, "Sequences").
   */
  sequence?: (event: MatchEvent) => number | undefined
  /**
   * Fetches the events `from`..`to` (inclusive) that a gap skipped, e.g. from the provider's REST API; events
   * outside that range are ignored. Never asked for more than `maxBackfill` events.
   */
  backfill?: (from: number, to: number) => Promise<MatchEvent[]>
  /**
   * The most events one `backfill` call may be asked for. A larger gap is not requested: it goes to
   * `onDeadLetter` as a SequenceGapError naming `from` and `to`, with the frame after the gap, whose events
   * still pass. Default 1,000.
   */
  maxBackfill?: number
  /**
   * Frames that could not be parsed or held invalid events, with the raw text: the connection lives on. Also
   * told about a gap too large to back-fill (a SequenceGapError; that frame is delivered).
   */
  onDeadLetter?: (frame: { raw: string; error: unknown; source: string }) => unknown
  /** Told about every connection failure and reconnect, for logs. */
  onConnectionError?: (error: unknown) => void
}

export interface WebSocketSourceOptions extends StreamSourceOptions {
  url: string | (() => string | Promise<string>)
  protocols?: string | string[]
  /** Needs a constructor that takes headers, such as `ws`'s: the global WebSocket cannot send them. */
  headers?: Record<string, string>
  /** Default: the global `WebSocket`. Pass `ws`'s `WebSocket` for headers, TLS options or backpressure. */
  WebSocket?: WebSocketConstructor
  /** Sent after every (re)connect: ask the feed to replay from the last sequence delivered downstream. */
  resume?: (lastSeq: number | undefined) => string | undefined
  /** Frames buffered before the socket is paused (with `ws`). Default 1,000. */
  maxBufferedFrames?: number
}

export interface HttpStreamSourceOptions extends StreamSourceOptions {
  /** Called per (re)connect with the last sequence delivered downstream, so the URL can ask for a replay. */
  url: string | ((lastSeq: number | undefined) => string | Promise<string>)
  headers?: Record<string, string>
  fetch?: typeof globalThis.fetch
}

export interface StreamSourceState {
  connected: boolean
  connects: number
  lastSeq: number | undefined
  lastFrameAt: number | undefined
  deadLetters: number
}

export type StreamSource = Source & { state(): StreamSourceState }

/** A raw WebSocket feed as a Source: reconnects, heartbeat, resume, gap back-fill, dead letters. */
export function createWebSocketSource(options: WebSocketSourceOptions): StreamSource {
  // Typed as always there; absent on Node < 22 (and then `ws` is the way).
  const Ctor: WebSocketConstructor | undefined = options.WebSocket ?? globalThis.WebSocket
  if (!Ctor)
    throw new MatchfeedError('no global WebSocket here: pass the WebSocket option (ws)', {
      code: 'invalid_option',
    })
  if (options.headers && !options.WebSocket) {
    throw new MatchfeedError(
      'headers need a WebSocket constructor that accepts them: pass `WebSocket` from ws',
      {
        code: 'invalid_option',
      },
    )
  }
  return createStreamSource(options, 'websocket', async (state, signal) => {
    const connection = await openWebSocket({
      url: typeof options.url === 'function' ? await options.url() : options.url,
      protocols: options.protocols,
      headers: options.headers,
      WebSocket: Ctor,
      maxBuffered: options.maxBufferedFrames ?? 1_000,
      signal,
    })
    const resume = options.resume?.(state.lastSeq)
    if (resume !== undefined) connection.send(resume)
    return connection
  })
}

/** An NDJSON stream over chunked HTTP as a Source, with the same heartbeat, resume and back-fill logic. */
export function createHttpStreamSource(options: HttpStreamSourceOptions): StreamSource {
  return createStreamSource(options, 'http-stream', async (state, signal) =>
    openNdjsonStream({
      url: typeof options.url === 'function' ? await options.url(state.lastSeq) : options.url,
      headers: options.headers,
      fetch: options.fetch ?? globalThis.fetch,
      signal,
    }),
  )
}

function createStreamSource(
  options: StreamSourceOptions,
  defaultName: string,
  connect: (state: StreamSourceState, signal: AbortSignal) => Promise<FrameConnection>,
): StreamSource {
  const name = options.name ?? defaultName
  const timeoutMs = options.heartbeat?.timeoutMs ?? 30_000
  const minDelay = options.reconnect?.minDelayMs ?? 500
  const maxDelay = options.reconnect?.maxDelayMs ?? 30_000
  const maxBackfill = options.maxBackfill ?? DEFAULT_MAX_BACKFILL
  if (!Number.isSafeInteger(maxBackfill) || maxBackfill < 1) {
    throw new MatchfeedError(`maxBackfill must be a positive integer, got ${maxBackfill}`, {
      code: 'invalid_option',
    })
  }
  let stopSignal: AbortSignal | undefined
  const state: StreamSourceState = {
    connected: false,
    connects: 0,
    lastSeq: undefined,
    lastFrameAt: undefined,
    deadLetters: 0,
  }

  async function deadLetter(raw: string, error: unknown): Promise<void> {
    state.deadLetters++
    try {
      await options.onDeadLetter?.({ raw, error, source: name })
    } catch (hookError) {
      options.onConnectionError?.(hookError)
    }
  }

  /** Passes a frame's events downstream in order, back-filling a sequence gap first. */
  async function deliver(
    raw: string,
    events: MatchEvent[],
    emit: (batch: MatchEvent[]) => Promise<void>,
  ): Promise<void> {
    const sequence = options.sequence
    if (!sequence) {
      if (events.length > 0) await emitUntilTaken(events, emit)
      return
    }
    let batch: MatchEvent[] = []
    let last = state.lastSeq // the events of this frame before `event` count too
    for (const event of events) {
      const seq = sequence(event)
      if (seq !== undefined && last !== undefined && seq <= last) continue // replayed
      if (seq !== undefined && last !== undefined && seq > last + 1 && options.backfill) {
        if (batch.length > 0) await emitAdvancing(batch, emit)
        batch = []
        await backfillGap(raw, last + 1, seq - 1, options.backfill, sequence, emit)
      }
      if (seq !== undefined) last = seq
      batch.push(event)
    }
    if (batch.length > 0) await emitAdvancing(batch, emit)
  }

  /** Asks for the events `from`..`to`, unless there are more than maxBackfill: that gap is dead-lettered. */
  async function backfillGap(
    raw: string,
    from: number,
    to: number,
    backfill: NonNullable<StreamSourceOptions['backfill']>,
    sequence: NonNullable<StreamSourceOptions['sequence']>,
    emit: (batch: MatchEvent[]) => Promise<void>,
  ): Promise<void> {
    if (to - from + 1 > maxBackfill) return deadLetter(raw, new SequenceGapError(name, from, to, maxBackfill))
    const missing = (await backfill(from, to))
      .map((event) => ({ event, seq: sequence(event) }))
      .filter(
        (m): m is { event: MatchEvent; seq: number } => m.seq !== undefined && m.seq >= from && m.seq <= to,
      )
      .sort((a, b) => a.seq - b.seq)
      .map((m) => m.event)
    if (missing.length > 0) await emitAdvancing(missing, emit)
  }

  /**
   * A frame cannot be un-read: a batch the pipeline gave back is offered again, with backoff, until it is
   * taken or the source stops (the socket meanwhile pauses once its buffer is full).
   */
  async function emitUntilTaken(
    batch: MatchEvent[],
    emit: (batch: MatchEvent[]) => Promise<void>,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await emit(batch)
      } catch (error) {
        if (stopSignal?.aborted) throw error
        options.onConnectionError?.(error)
        await sleep(Math.min(maxDelay, minDelay * 2 ** attempt) * (0.5 + Math.random() / 2), stopSignal!)
      }
    }
  }

  async function emitAdvancing(
    batch: MatchEvent[],
    emit: (batch: MatchEvent[]) => Promise<void>,
  ): Promise<void> {
    await emitUntilTaken(batch, emit)
    // Only what the sinks accepted counts as delivered: a resume replays from here.
    for (const event of batch) {
      const seq = options.sequence!(event)
      if (seq !== undefined && (state.lastSeq === undefined || seq > state.lastSeq)) state.lastSeq = seq
    }
  }

  async function runConnection(
    emit: (batch: MatchEvent[]) => Promise<void>,
    signal: AbortSignal,
  ): Promise<boolean> {
    const connection = await connect(state, signal)
    state.connected = true
    state.connects++
    let received = false
    const onAbort = () => connection.close()
    signal.addEventListener('abort', onAbort, { once: true })
    const ping = options.heartbeat?.ping
    const pinger = ping ? setInterval(() => connection.send(ping.message), ping.intervalMs) : undefined
    try {
      while (!signal.aborted) {
        const frame = await nextWithin(connection, timeoutMs)
        if (frame === 'timeout') {
          options.onConnectionError?.(new Error(`${name}: no frame for ${timeoutMs} ms, reconnecting`))
          return received
        }
        if (frame.done) return received
        received = true
        state.lastFrameAt = Date.now()
        let events: MatchEvent[] | undefined | null
        try {
          // Checked here (free for a matchfeed parser's output): an event the pipeline would refuse — invalid,
          // or beyond the storage bounds — dead-letters its frame instead of being offered again forever.
          events = validateMatchEvents(options.parse(frame.value) ?? [])
        } catch (error) {
          await deadLetter(frame.value, error)
          continue
        }
        // Offered until taken (emitUntilTaken): a frame is never dropped because a sink gave it back.
        await deliver(frame.value, events ?? [], emit)
      }
      return received
    } finally {
      if (pinger) clearInterval(pinger)
      signal.removeEventListener('abort', onAbort)
      state.connected = false
      connection.close()
    }
  }

  return {
    name,
    state: () => ({ ...state }),
    async start(emit, signal) {
      stopSignal = signal
      let failures = 0
      while (!signal.aborted) {
        try {
          const received = await runConnection(emit, signal)
          if (received) failures = 0
        } catch (error) {
          if (signal.aborted) break
          options.onConnectionError?.(error)
        }
        if (signal.aborted) break
        const delay = Math.min(maxDelay, minDelay * 2 ** failures) * (0.5 + Math.random() / 2)
        failures++
        await sleep(delay, signal)
      }
    },
  }
}

async function nextWithin(
  connection: FrameConnection,
  ms: number,
): Promise<IteratorResult<string> | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      connection.next(),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
