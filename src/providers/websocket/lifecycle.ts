import type { MatchEvent } from '../../event/schema.js'
import { validateMatchEvents } from '../../event/validate.js'
import { delay, ignoreAbort } from '../../time.js'
import type { FrameConnection } from './connection.js'
import { deliver } from './deliver.js'
import { backoffMs, deadLetter, type StreamRun } from './stream-run.js'

/** Connects, reads until the connection ends, and reconnects with backoff, until the run's signal aborts. */
export async function runUntilStopped(run: StreamRun): Promise<void> {
  const { signal } = run
  let failures = 0
  while (!signal.aborted) {
    try {
      const received = await runConnection(run)
      if (received) failures = 0
    } catch (error) {
      if (signal.aborted) break
      run.settings.options.onConnectionError?.(error)
    }
    if (signal.aborted) break
    const wait = backoffMs(run.settings, failures)
    failures++
    await delay(wait, signal).catch(ignoreAbort(signal))
  }
}

/**
 * One connection, from open to close: heartbeat pings, a reconnect when no frame comes within the timeout.
 * Says whether any frame came (a connection that delivered resets the backoff).
 */
async function runConnection(run: StreamRun): Promise<boolean> {
  const { settings, state, signal } = run
  const { options, name, timeoutMs } = settings
  const connection = await settings.connect(state, signal)
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
      await handleFrame(run, frame.value)
    }
    return received
  } finally {
    if (pinger) clearInterval(pinger)
    signal.removeEventListener('abort', onAbort)
    state.connected = false
    connection.close()
  }
}

async function handleFrame(run: StreamRun, raw: string): Promise<void> {
  let events: MatchEvent[] | undefined | null
  try {
    // Checked here (free for a matchfeed parser's output): an event the pipeline would refuse — invalid,
    // or beyond the storage bounds — dead-letters its frame instead of being offered again forever.
    events = validateMatchEvents(run.settings.options.parse(raw) ?? [])
  } catch (error) {
    return deadLetter(run, raw, error)
  }
  // Offered until taken (emitUntilTaken): a frame is never dropped because a sink gave it back.
  await deliver(run, raw, events ?? [])
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
