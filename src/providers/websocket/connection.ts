/** One live connection to a feed, seen as a stream of text frames. */
export interface FrameConnection {
  /** Frames in arrival order. Ends when the connection closes; throws when it fails. */
  next(): Promise<IteratorResult<string>>
  send(data: string): void
  close(): void
}

/**
 * The parts of the WebSocket API matchfeed uses, typed loosely enough that the global `WebSocket` (DOM or
 * undici types) and the `ws` package's class fit as they are, without a cast: one listener type per event,
 * each asking only for what matchfeed reads.
 */
export interface WebSocketLike {
  readonly readyState: number
  binaryType: string
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void
  addEventListener(type: 'close', listener: (event: { readonly code?: number }) => void): void
  addEventListener(type: 'open' | 'error', listener: () => void): void
  /** `ws` only: stop reading from the socket (backpressure); the global WebSocket has no such thing. */
  pause?(): void
  resume?(): void
  terminate?(): void
}

/** `ws`'s `WebSocket` or the global one (which takes no third argument, and so cannot send headers). */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike

const decoder = new TextDecoder()

function frameText(data: unknown): string {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return decoder.decode(data)
  if (ArrayBuffer.isView(data)) return decoder.decode(data)
  if (Array.isArray(data)) return data.map(frameText).join('') // ws: fragmented binary frames
  return String(data)
}

/**
 * Opens a WebSocket and resolves once it is open. Frames are buffered up to `maxBuffered`; past that the
 * socket is paused (with `ws`), so a slow consumer stops the reading instead of growing the buffer.
 */
export async function openWebSocket(args: {
  url: string
  protocols: string | string[] | undefined
  headers: Record<string, string> | undefined
  WebSocket: WebSocketConstructor
  maxBuffered: number
  signal: AbortSignal
}): Promise<FrameConnection> {
  const socket = args.headers
    ? new args.WebSocket(args.url, args.protocols, { headers: args.headers })
    : new args.WebSocket(args.url, args.protocols)
  socket.binaryType = 'arraybuffer'
  const buffer: string[] = []
  let waiting: { resolve(r: IteratorResult<string>): void; reject(e: unknown): void } | undefined
  let ended: { error?: unknown } | undefined
  let paused = false

  const finish = (error?: unknown) => {
    if (ended) return
    ended = error === undefined ? {} : { error }
    if (waiting && buffer.length === 0) {
      const w = waiting
      waiting = undefined
      if (error === undefined) w.resolve({ done: true, value: undefined })
      else w.reject(error)
    }
  }

  // Listening before the open completes: a feed may send its first frames, or close, at once.
  socket.addEventListener('close', () => finish())
  socket.addEventListener('error', () => finish(new Error('WebSocket error')))
  socket.addEventListener('message', (event) => {
    const text = frameText(event.data)
    if (waiting) {
      const w = waiting
      waiting = undefined
      w.resolve({ done: false, value: text })
      return
    }
    buffer.push(text)
    if (buffer.length >= args.maxBuffered && socket.pause && !paused) {
      paused = true
      socket.pause()
    }
  })
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      socket.close()
      reject(args.signal.reason)
    }
    if (args.signal.aborted) return onAbort()
    // Removed on every way out, or a feed reconnecting for days would pile listeners on the signal.
    args.signal.addEventListener('abort', onAbort, { once: true })
    const settle = (error?: Error) => {
      args.signal.removeEventListener('abort', onAbort)
      if (error) reject(error)
      else resolve()
    }
    socket.addEventListener('open', () => settle())
    socket.addEventListener('error', () =>
      settle(new Error(`WebSocket error connecting to ${redactUrl(args.url)}`)),
    )
    socket.addEventListener('close', (event) =>
      settle(new Error(`WebSocket closed before opening (code ${event.code ?? 'unknown'})`)),
    )
  })

  return {
    next() {
      const text = buffer.shift()
      if (text !== undefined) {
        if (paused && buffer.length < args.maxBuffered / 2) {
          paused = false
          socket.resume?.()
        }
        return Promise.resolve({ done: false, value: text })
      }
      if (ended) {
        return ended.error === undefined
          ? Promise.resolve({ done: true, value: undefined })
          : Promise.reject(ended.error)
      }
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject }
      })
    },
    send: (data) => socket.send(data),
    close() {
      // A half-open connection never completes a close handshake: ws can drop it at once.
      if (socket.terminate) socket.terminate()
      else socket.close()
      finish()
    },
  }
}

/**
 * An NDJSON stream over chunked HTTP (Sportradar-style push): each line is a frame. Reading is pulled by
 * the consumer, so a slow consumer stops the reading and TCP pushes back on the server.
 */
export async function openNdjsonStream(args: {
  url: string
  headers: Record<string, string> | undefined
  fetch: typeof globalThis.fetch
  signal: AbortSignal
}): Promise<FrameConnection> {
  const controller = new AbortController()
  const onAbort = () => controller.abort(args.signal.reason)
  args.signal.addEventListener('abort', onAbort, { once: true })
  let response: Response
  try {
    response = await args.fetch(args.url, { headers: args.headers, signal: controller.signal })
    if (!response.ok || !response.body)
      throw new Error(`stream ${redactUrl(args.url)} answered ${response.status}`)
  } catch (error) {
    args.signal.removeEventListener('abort', onAbort)
    controller.abort()
    throw error
  }
  const body = response.body
  const reader = body.pipeThrough(new TextDecoderStream()).getReader()
  const lines: string[] = []
  let rest = ''
  let done = false
  return {
    async next() {
      while (lines.length === 0 && !done) {
        const chunk = await reader.read()
        if (chunk.done) {
          done = true
          if (rest.trim() !== '') lines.push(rest)
          rest = ''
          break
        }
        const parts = (rest + chunk.value).split('\n')
        rest = parts.pop() ?? ''
        for (const line of parts) if (line.trim() !== '') lines.push(line)
      }
      const line = lines.shift()
      return line === undefined ? { done: true, value: undefined } : { done: false, value: line }
    },
    send() {
      throw new Error('an HTTP stream cannot send: resume through the URL instead')
    },
    close() {
      args.signal.removeEventListener('abort', onAbort)
      controller.abort()
    },
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    for (const key of [...u.searchParams.keys()]) {
      if (/key|token|secret|auth|signature/i.test(key)) u.searchParams.set(key, '[redacted]')
    }
    return u.toString()
  } catch {
    return '(invalid url)'
  }
}
