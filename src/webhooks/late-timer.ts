/**
 * @internal Races work against per-request deadlines with one coarse ticker instead of a timer per request
 * (a timer per request was a tenth of the handler's own cost). A deadline is met within one tick: a
 * twentieth of the window, between 5 and 250 ms.
 */
export function createLateTimer(windowMs: number) {
  const tickMs = Math.min(250, Math.max(5, Math.floor(windowMs / 20)))
  const waiting = new Set<{ at: number; resolve: () => void }>()
  let ticker: ReturnType<typeof setInterval> | undefined

  function tick() {
    const now = Date.now()
    for (const entry of waiting) {
      if (entry.at > now) continue
      waiting.delete(entry)
      entry.resolve()
    }
    if (waiting.size === 0) {
      clearInterval(ticker)
      ticker = undefined
    }
  }

  return {
    /** The work's result, or undefined when it is not ready by `deadline` (the work goes on). */
    within<T>(deadline: number, work: Promise<T>): Promise<T | undefined> {
      return new Promise<T | undefined>((resolve, reject) => {
        const entry = { at: deadline, resolve: () => resolve(undefined) }
        waiting.add(entry)
        ticker ??= setInterval(tick, tickMs)
        work.then(
          (value) => {
            waiting.delete(entry)
            resolve(value)
          },
          (error: unknown) => {
            waiting.delete(entry)
            reject(error)
          },
        )
      })
    },
  }
}
