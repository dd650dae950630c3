import type { IncomingMessage, ServerResponse } from 'node:http'
import { MatchfeedError } from '../errors.js'
import { ClientAbortError } from './body.js'
import type { WebhookRequest, WebhookResponse } from './handler.js'

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>

/**
 * `(req, res)` for node:http, Express, Fastify (`reply.raw`), Koa (`ctx.req`/`ctx.res`). Reads the raw
 * stream itself; when a framework already buffered the raw bytes (`express.raw()`), it uses those.
 */
export function toNodeListener(handle: (request: WebhookRequest) => Promise<WebhookResponse>): NodeListener {
  return async (req, res) => {
    const response = await handle({
      method: req.method ?? 'GET',
      headers: req.headers,
      body: bodyOf(req),
      remoteAddress: req.socket?.remoteAddress,
    })
    if (res.headersSent) return
    if (response.closeConnection && !req.complete) discardRest(req, res)
    res.writeHead(response.status, response.headers)
    res.end(response.body)
  }
}

/** What is discarded of an unread body, at most, so that its sender sees the answer (nginx's lingering close). */
const LINGER = { bytes: 16 * 1024 * 1024, ms: 5_000 }

/**
 * A sender still writing its body when the answer (413, 401, 503, …) goes out gets a connection reset if the
 * socket closes under it, and never reads the answer: discard what follows, within a bound of bytes and
 * time, then close the connection once the answer is out (nginx's lingering close).
 */
function discardRest(req: IncomingMessage, res: ServerResponse): void {
  let discarded = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const onData = (chunk: Buffer) => {
    discarded += chunk.length
    if (discarded > LINGER.bytes) close()
  }
  const close = () => {
    clearTimeout(timer)
    req.off('data', onData).off('end', close).off('error', close)
    // An injected request (Fastify's `inject`, light-my-request) has a socket without destroy(): nothing to close.
    const closeSocket = () => req.socket?.destroy?.()
    if (res.writableFinished) closeSocket()
    else res.once('finish', closeSocket)
  }
  if (Number(req.headers['content-length']) > LINGER.bytes) {
    close()
    return
  }
  timer = setTimeout(close, LINGER.ms)
  req.on('data', onData).once('end', close).once('error', close)
  req.resume()
}

function bodyOf(req: IncomingMessage): WebhookRequest['body'] {
  const buffered = (req as IncomingMessage & { body?: unknown }).body
  if (buffered instanceof Uint8Array) return buffered
  if (typeof buffered === 'string') return Buffer.from(buffered)
  if (!req.readableEnded) return (maxBytes, signal) => readStream(req, maxBytes, signal)
  // A body parser ran first: the raw bytes are gone and no signature can be checked on them.
  return failing(
    new MatchfeedError(
      'the request body was already consumed (express.json() or similar ran first): mount the webhook handler ' +
        'before any body parser, or give it the raw bytes with express.raw({ type: "*/*" })',
      { code: 'body_already_parsed' },
    ),
  )
}

// 'data' events rather than for-await: a third more requests per second on small bodies (bench/).
function readStream(
  req: IncomingMessage,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
      signal?.removeEventListener('abort', onAbort)
    }
    const done = (value: Uint8Array | undefined) => {
      cleanup()
      resolve(value)
    }
    const fail = (error: unknown) => {
      cleanup()
      req.pause()
      reject(error)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        req.pause()
        return done(undefined)
      }
      chunks.push(chunk)
    }
    const onEnd = () => done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))
    // The client went away (reset, or closed before the end): its doing, not the server's.
    const onError = (error: unknown) => fail(new ClientAbortError({ cause: error }))
    const onClose = () => {
      if (!req.complete) fail(new ClientAbortError())
    }
    const onAbort = () => fail(signal!.reason)
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose)
  })
}

async function* failing(error: Error): AsyncGenerator<Uint8Array> {
  yield* []
  throw error
}
