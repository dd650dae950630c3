import { InFlightList } from './in-flight-list.js'

/**
 * The one abortable delay. Resolves after `ms` (a negative wait is no wait); REJECTS with the signal's
 * reason when the signal aborts, before or during the wait, and then leaves no timer behind. A caller that
 * treats an abort as a normal end catches it: `await delay(ms, signal).catch(ignoreAbort(signal))`.
 * It sleeps with `setTimeout`, so vitest's fake timers drive it too.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      Math.max(0, ms),
    )
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** A `catch` handler for `delay`: an abort of `signal` ends the wait quietly, anything else is thrown on. */
export function ignoreAbort(signal: AbortSignal): (error: unknown) => void {
  return (error) => {
    if (!signal.aborted) throw error
  }
}

/** An entry's cancel until the list has given it one (a shared function: nothing allocated per deadline). */
const notYet = () => {}

/**
 * Many short-lived deadlines checked by one coarse ticker instead of a timer each: a receiver's responses, a
 * sink's writes. A timer per operation was a tenth of the webhook handler's own cost (bench/). An expiry runs
 * within one tick of its time: a twentieth of `windowMs`, between 5 and 250 ms. The ticker runs only while a
 * deadline waits, and never holds the process open by itself.
 */
export function coarseDeadlines(windowMs: number) {
  const tickMs = Math.min(250, Math.max(5, Math.floor(windowMs / 20)))
  const waiting = new InFlightList<{ at: number; expire: () => void; cancel: () => void }>()
  let ticker: ReturnType<typeof setInterval> | undefined

  function tick() {
    const now = Date.now()
    for (const entry of waiting) {
      if (entry.at > now) continue
      entry.cancel()
      entry.expire()
    }
    if (waiting.size === 0) {
      clearInterval(ticker)
      ticker = undefined
    }
  }

  return {
    /** Runs `expire` once `at` (epoch ms) has passed, unless the returned cancel ran first. */
    add(at: number, expire: () => void): () => void {
      const entry = { at, expire, cancel: notYet }
      entry.cancel = waiting.add(entry)
      if (ticker === undefined) {
        ticker = setInterval(tick, tickMs)
        ticker.unref?.()
      }
      return entry.cancel
    },
  }
}

/**
 * `promise`, or a rejection with `timeoutError()` when it has not settled within `ms`: a call to a backend that
 * hangs (a blackholed network, a client queueing while it reconnects) must not hold its caller. The call itself
 * goes on; its late outcome is ignored.
 */
export function settleWithin<T>(promise: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  if (!Number.isFinite(ms)) return promise
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), Math.max(0, ms))
  })
  promise.catch(() => {})
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
