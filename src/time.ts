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
