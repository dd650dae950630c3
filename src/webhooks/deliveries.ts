import type { SeenIdStore } from './replay-store.js'

/**
 * @internal Deliveries by replay key: each is handled once at a time and remembered as seen once it was
 * stored. A retry of a delivery still in flight waits for it (within its own deadline) instead of storing a
 * second copy; a retry of one that failed is handled in its place.
 */
export function createDeliveries<R extends { status: number }>(options: {
  seen: SeenIdStore
  ttlMs: number
  /** The work's result, or undefined when not ready by the deadline (the work goes on). */
  within: (deadline: number, work: Promise<R>) => Promise<R | undefined>
  /** The answer to a delivery already stored. */
  duplicate: () => R
}) {
  const inFlight = new Map<string, Promise<R>>()
  return {
    /**
     * Runs `store` unless this delivery was stored or is being stored; undefined
     * past the deadline.
     */
    async once(key: string, deadline: number, store: () => Promise<R>): Promise<R | undefined> {
      for (;;) {
        const running = inFlight.get(key)
        if (running) {
          const earlier = await options.within(deadline, running)
          if (earlier === undefined || earlier.status === 200) return earlier && options.duplicate()
          continue // the first copy failed: this one is handled in its place
        }
        if (await options.seen.has(key)) return options.duplicate()
        if (!inFlight.has(key)) break
      }
      const tracked = store().then(async (response) => {
        if (response.status === 200) await options.seen.add(key, options.ttlMs)
        return response
      })
      inFlight.set(key, tracked)
      const forget = () => {
        if (inFlight.get(key) === tracked) inFlight.delete(key)
      }
      tracked.then(forget, forget) // a failing replay store rejects to the caller; the key is freed either way
      return options.within(deadline, tracked)
    },
  }
}
