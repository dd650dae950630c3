import { invalidOption } from '../../errors.js'
import { openNdjsonStream, openWebSocket, type WebSocketConstructor } from './connection.js'
import { runUntilStopped } from './lifecycle.js'
import { type Connect, initialState, streamSettings } from './stream-run.js'
import type { StreamSource, StreamSourceOptions } from './types.js'

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

/** A raw WebSocket feed as a Source: reconnects, heartbeat, resume, gap back-fill, dead letters. */
export function createWebSocketSource(options: WebSocketSourceOptions): StreamSource {
  // Typed as always there; absent on Node < 22 (and then `ws` is the way).
  const Ctor: WebSocketConstructor | undefined = options.WebSocket ?? globalThis.WebSocket
  if (!Ctor)
    throw invalidOption(
      'createWebSocketSource',
      'WebSocket',
      'no global WebSocket here: pass the WebSocket option (ws)',
    )
  if (options.headers && !options.WebSocket) {
    throw invalidOption(
      'createWebSocketSource',
      'headers',
      'needs a WebSocket constructor that accepts them: pass `WebSocket` from ws',
    )
  }
  return createStreamSource(options, 'websocket', 'createWebSocketSource', async (state, signal) => {
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
  return createStreamSource(options, 'http-stream', 'createHttpStreamSource', async (state, signal) =>
    openNdjsonStream({
      url: typeof options.url === 'function' ? await options.url(state.lastSeq) : options.url,
      headers: options.headers,
      fetch: options.fetch ?? globalThis.fetch,
      signal,
    }),
  )
}

/** The Source both feeds share: `connect` opens one connection; the rest is lifecycle.ts and deliver.ts. */
function createStreamSource(
  options: StreamSourceOptions,
  defaultName: string,
  owner: string,
  connect: Connect,
): StreamSource {
  const settings = streamSettings(options, defaultName, connect, owner)
  const state = initialState()
  return {
    name: settings.name,
    state: () => ({ ...state }),
    start: (emit, signal) => runUntilStopped({ settings, state, emit, signal }),
  }
}
