import { type PollClock, systemClock } from '../providers/polling/poll-clock.js'

/** A clock whose time moves only when someone sleeps (or `advance` is called): a 2-hour match in milliseconds. */
export interface VirtualClock extends PollClock {
  /** Moves time forward by `ms` (a slow response, say); sleepers due by then wake up. */
  advance(ms: number): void
}

// Captured at load: a test that later installs fake timers does not stop the virtual clock.
const immediate = globalThis.setImmediate

interface Timer {
  at: number
  seq: number
  resolve: () => void
  reject: (reason: unknown) => void
  signal: AbortSignal
  onAbort: () => void
}

/**
 * A virtual clock for pollers and the simulated providers. `sleep(ms)` resolves at once in real time, with
 * the clock moved to the sleeper's wake-up time; several sleepers wake in time order. Time never goes back.
 */
export function createVirtualClock(start: number | string | Date): VirtualClock {
  let now = typeof start === 'number' ? start : new Date(start).getTime()
  if (!Number.isFinite(now)) throw new TypeError(`createVirtualClock: not a time: ${String(start)}`)
  const timers: Timer[] = []
  let seq = 0
  let scheduled = false

  function schedule(): void {
    if (scheduled || timers.length === 0) return
    scheduled = true
    immediate(fire)
  }

  function fire(): void {
    scheduled = false
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
    const timer = timers.shift()
    if (!timer) return
    now = Math.max(now, timer.at)
    timer.signal.removeEventListener('abort', timer.onAbort)
    timer.resolve()
    schedule()
  }

  return {
    now: () => now,
    advance(ms) {
      if (ms > 0) now += ms
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason)
        const timer: Timer = {
          at: now + Math.max(0, ms),
          seq: seq++,
          resolve,
          reject,
          signal,
          onAbort: () => {
            const i = timers.indexOf(timer)
            if (i >= 0) timers.splice(i, 1)
            reject(signal.reason)
          },
        }
        signal.addEventListener('abort', timer.onAbort, { once: true })
        timers.push(timer)
        schedule()
      })
    },
  }
}

/**
 * The real clock as a VirtualClock: `Date.now` and `setTimeout` looked up at each call, so vitest's fake
 * timers drive it (`vi.useFakeTimers()`, then `vi.advanceTimersByTimeAsync`). `advance` moves nothing:
 * with fake timers, advance them instead.
 */
export function createSystemClock(): VirtualClock {
  return {
    now: () => Date.now(),
    advance: () => {},
    sleep: systemClock.sleep,
  }
}

/**
 * Drives fake timers through a simulated match: `advance(stepMs)` (vitest's `vi.advanceTimersByTimeAsync`,
 * jest's `jest.advanceTimersByTimeAsync`) until the match's clock is `afterMs` past `match.settledAt` (or
 * `until()` holds). For the sources that take no clock (StatsBomb and Stats Perform polling, WebSocket
 * sources): the match runs on `createSystemClock()`, which the fake timers move.
 */
export async function advanceThroughMatch(
  match: { readonly clock: VirtualClock; readonly settledAt: number },
  advance: (ms: number) => Promise<unknown>,
  options: { stepMs?: number; afterMs?: number; until?: () => boolean } = {},
): Promise<void> {
  const step = options.stepMs ?? 10_000
  const end = match.settledAt + (options.afterMs ?? 5 * 60_000)
  while (match.clock.now() < end && !options.until?.()) {
    const before = match.clock.now()
    await advance(step)
    // A turn of the real event loop: I/O the sources wait on (a socket, a hash) completes between steps.
    await new Promise<void>((resolve) => immediate(resolve))
    if (match.clock.now() <= before) {
      throw new TypeError(
        'advanceThroughMatch: the clock did not move: simulate the match on createSystemClock()',
      )
    }
  }
}
