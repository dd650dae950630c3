import { MatchfeedError } from '../errors.js'
import { coarseDeadlines } from '../time.js'

/** Reads at most `maxBytes`; resolves undefined as soon as the body is known to be larger. Stops when `signal` aborts. */
export type BodyReader = (maxBytes: number, signal?: AbortSignal) => Promise<Uint8Array | undefined>

/** A request body as an adapter hands it over. */
export type RequestBody = AsyncIterable<Uint8Array> | Uint8Array | BodyReader | null

/** The client went away before its body arrived: its own doing, never a server error. */
export class ClientAbortError extends MatchfeedError {
  constructor(options: { cause?: unknown } = {}) {
    super('the client closed the connection before the body arrived', {
      code: 'client_aborted',
      cause: options.cause,
    })
  }
}

export type BodyOutcome =
  | { kind: 'read'; bytes: Uint8Array }
  | { kind: 'too_large' }
  | { kind: 'timeout' }
  | { kind: 'aborted' }

/**
 * Bytes being read across every request of a receiver. A request reserves what it may read (its declared
 * length, or the cap when none is declared) before a byte is read, so the memory bodies can hold is
 * bounded whatever the senders do.
 */
export class BodyBudget {
  private used = 0
  constructor(readonly maxBytes: number) {}
  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false
    this.used += bytes
    return true
  }
  release(bytes: number): void {
    this.used -= bytes
  }
}

/** How long a body may take to arrive, checked for every request of a receiver on one coarse ticker. */
export function bodyDeadline(timeoutMs: number) {
  const deadlines = coarseDeadlines(timeoutMs)
  return { timeoutMs, start: (abort: () => void) => deadlines.add(Date.now() + timeoutMs, abort) }
}

/** Reads the body under a size cap and a deadline. A body parser's error (MatchfeedError) is thrown as is. */
export async function readBody(
  body: RequestBody,
  maxBytes: number,
  within: ReturnType<typeof bodyDeadline>,
): Promise<BodyOutcome> {
  if (body === null) return { kind: 'read', bytes: new Uint8Array(0) }
  if (body instanceof Uint8Array) return body.byteLength > maxBytes ? { kind: 'too_large' } : read(body)
  const deadline = new AbortController()
  const cancel = within.start(() => deadline.abort())
  try {
    const bytes =
      typeof body === 'function'
        ? await body(maxBytes, deadline.signal)
        : await readIterable(body, maxBytes, deadline.signal)
    return bytes === undefined ? { kind: 'too_large' } : read(bytes)
  } catch (error) {
    if (deadline.signal.aborted) return { kind: 'timeout' }
    if (error instanceof ClientAbortError || !(error instanceof MatchfeedError)) return { kind: 'aborted' }
    throw error
  } finally {
    cancel()
  }
}

const read = (bytes: Uint8Array): BodyOutcome => ({ kind: 'read', bytes })

async function readIterable(
  body: AsyncIterable<Uint8Array>,
  max: number,
  signal: AbortSignal,
): Promise<Uint8Array | undefined> {
  const iterator = body[Symbol.asyncIterator]()
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  )
  aborted.catch(() => {})
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted])
      if (next.done) break
      size += next.value.byteLength
      if (size > max) return undefined
      chunks.push(next.value)
    }
  } finally {
    if (size > max || signal.aborted) void Promise.resolve(iterator.return?.()).catch(() => {})
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
}
