// What a bench server process reports of itself to bench/e2e.bench.ts over IPC: resident memory and CPU time,
// when asked ('usage'), and its RSS sampled every 5 s (the soak's memory over time, not asked for during load).
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'

const rssSamples: number[] = []
setInterval(() => rssSamples.push(process.memoryUsage().rss), 5_000).unref()

// The collector's pauses of the main thread (young-generation passes and full collections), ms so far.
let gcPauseMs = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauseMs += entry.duration
}).observe({ entryTypes: ['gc'] })

/** Resident memory, CPU time used so far (user + system, and system alone, µs) and GC pauses: reported per event. */
export function usage() {
  const cpu = process.cpuUsage()
  return {
    rss: process.memoryUsage().rss,
    cpuMicros: cpu.user + cpu.system,
    systemMicros: cpu.system,
    gcPauseMs,
    rssSamples,
  }
}

/**
 * Tells the bench the server is up on `port`, answers its 'usage' questions, and closes when it lets go. Each
 * answer also has the event loop's delay since the last question (the run, not the warm-up): the p99 of how
 * late the monitor's 1 ms tick ran, in ms.
 */
export function serveBench(port: number, close: () => Promise<unknown>) {
  const loopDelay = monitorEventLoopDelay({ resolution: 1 })
  loopDelay.enable()
  const report = () => {
    // The histogram holds the whole time between ticks: the lateness is what is over the 1 ms.
    const loopDelayP99Ms = Math.max(0, loopDelay.percentile(99) / 1e6 - 1)
    loopDelay.reset()
    return { ...usage(), loopDelayP99Ms }
  }
  process.on('message', (message) => {
    if (message === 'usage') process.send?.(report())
  })
  process.on('disconnect', () => {
    void close().finally(() => process.exit(0))
  })
  process.send?.({ port, ...report() })
}
