// What a bench server process reports of itself to bench/e2e.bench.ts over IPC: resident memory and CPU time,
// when asked ('usage'), and its RSS sampled every 5 s (the soak's memory over time, not asked for during load).
import { monitorEventLoopDelay } from 'node:perf_hooks'

const rssSamples: number[] = []
const loopDelay = monitorEventLoopDelay({ resolution: 1 })
loopDelay.enable()
setInterval(() => rssSamples.push(process.memoryUsage().rss), 5_000).unref()

/** Resident memory, and CPU time used so far (user + system, and system alone, µs): reported per event. */
export function usage() {
  const cpu = process.cpuUsage()
  const delay = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 }
  loopDelay.reset() // each answer covers the time since the last question: the run, not the warm-up
  return {
    rss: process.memoryUsage().rss,
    cpuMicros: cpu.user + cpu.system,
    systemMicros: cpu.system,
    rssSamples,
    loopDelayP99Ms: delay.p99,
    loopDelayMaxMs: delay.max,
  }
}

/** Tells the bench the server is up on `port`, answers its 'usage' questions, and closes when it lets go. */
export function serveBench(port: number, close: () => Promise<unknown>) {
  process.on('message', (message) => {
    if (message === 'usage') process.send?.(usage())
  })
  process.on('disconnect', () => {
    void close().finally(() => process.exit(0))
  })
  process.send?.({ port, ...usage() })
}
