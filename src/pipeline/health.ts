import type { PipelineHealth, SinkStatus, SourceStatus } from './pipeline.js'
import type { SinkRunner } from './sink-runner.js'
import { errorMessage, type SourceTracker } from './source-tracking.js'

export interface HealthOptions {
  now: () => number
  /** A source with a live match and no event for this long is `stale`. */
  staleAfterMs: number
  /** A sink whose last this-many writes failed is `down`. */
  downAfterFailures: number
  /** Gets the health on each change of a sink's status, so a server can log or alert on transitions. */
  onSinkStatusChange: (health: PipelineHealth) => void
}

/** The pipeline's health from its sources and sinks, and the transitions of each sink's status. */
export class HealthMonitor {
  private readonly lastSinkStatus = new Map<string, SinkStatus>()

  constructor(
    private readonly sources: SourceTracker,
    private readonly runners: readonly SinkRunner[],
    private readonly options: HealthOptions,
  ) {}

  health(): PipelineHealth {
    const at = this.options.now()
    const sources: PipelineHealth['sources'] = {}
    for (const [name, s] of this.sources.sources) {
      const quiet = s.lastEventAt !== undefined && at - s.lastEventAt > this.options.staleAfterMs
      const status: SourceStatus =
        s.error !== undefined ? 'down' : quiet && s.liveMatches.size > 0 ? 'stale' : 'healthy'
      sources[name] = { status, lastEventAt: s.lastEventAt, liveMatches: s.liveMatches.size }
      if (s.error !== undefined) sources[name].error = errorMessage(s.error)
    }
    const sinks: PipelineHealth['sinks'] = {}
    for (const r of this.runners) {
      sinks[r.name] = {
        status: this.sinkStatus(r, at),
        queueFill: r.queueFill,
        consecutiveFailures: r.consecutiveFailures,
      }
    }
    const all = [...Object.values(sources).map((s) => s.status), ...Object.values(sinks).map((s) => s.status)]
    const status = all.includes('down')
      ? 'down'
      : all.some((s) => s !== 'ok' && s !== 'healthy')
        ? 'degraded'
        : 'ok'
    return { status, sources, sinks }
  }

  /** After a sink's write succeeded or failed: reports the health when that changed the sink's status. */
  noticeSink(name: string): void {
    const runner = this.runners.find((r) => r.name === name)
    if (!runner) return
    const status = this.sinkStatus(runner, this.options.now())
    if ((this.lastSinkStatus.get(name) ?? 'ok') === status) return
    this.lastSinkStatus.set(name, status)
    this.options.onSinkStatusChange(this.health())
  }

  private sinkStatus(r: SinkRunner, at: number): SinkStatus {
    const recentDrop = r.lastDropAt !== undefined && at - r.lastDropAt < 60_000
    if (r.consecutiveFailures >= this.options.downAfterFailures) return 'down'
    return r.consecutiveFailures > 0 || recentDrop || r.queueFill > 0.8 ? 'degraded' : 'ok'
  }
}
