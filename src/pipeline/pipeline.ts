import { EventEmitter } from 'eventemitter3'
import { MatchfeedError } from '../errors.js'
import type { MatchEvent } from '../event/schema.js'
import { validateMatchEvents } from '../event/validate.js'
import type { Sink, Source } from './contracts.js'
import { VersionDeduper } from './dedupe.js'
import { Histogram, type HistogramSnapshot } from './histogram.js'
import { type DeadLetter, type SinkCounters, type SinkOptions, SinkRunner } from './sink-runner.js'

export interface PipelineOptions {
  sources?: Source[]
  sinks: (Sink | SinkOptions)[]
  /**
   * Bounded memory for the (id, version) dedupe: the most recent ids of each match, for the most recently
   * active matches. Default 1,000 ids per match and 1,000 matches (about 100 MB at most).
   */
  dedupe?: { maxIdsPerMatch?: number; maxMatches?: number }
  /**
   * Receives what a sink could not take after its retries (or at once, for an error not marked
   * `retryable`). Once it resolves, the events count as dead-lettered and the source's `emit` resolves.
   * Without it — or when it throws — the source's `emit` rejects and the source keeps the events.
   */
  onDeadLetter?: (letter: DeadLetter) => unknown
  /** A source with a live match and no event for this long is `stale`. Default 2 minutes. */
  staleAfterMs?: number
  /** A sink whose last this-many writes failed is `down`. Default 3. */
  downAfterFailures?: number
  now?: () => number
}

export type SourceStatus = 'healthy' | 'stale' | 'down'
export type SinkStatus = 'ok' | 'degraded' | 'down'

export interface PipelineHealth {
  status: 'ok' | 'degraded' | 'down'
  sources: Record<
    string,
    { status: SourceStatus; lastEventAt: number | undefined; liveMatches: number; error?: string }
  >
  sinks: Record<string, { status: SinkStatus; queueFill: number; consecutiveFailures: number }>
}

export interface PipelineMetrics {
  sources: Record<
    string,
    {
      events: number
      batches: number
      invalid: number
      lastEventAt: number | undefined
      ingestLag: HistogramSnapshot
    }
  >
  sinks: Record<string, SinkCounters & { policy: SinkOptions['policy']; latency: HistogramSnapshot }>
  /** Last event time per match (bounded like the dedupe). */
  matches: Record<string, number>
  dedupe: { matches: number; ids: number }
}

export interface StopReport {
  /** Per sink, events that could not be written before the deadline: given back to their sources. */
  undrained: Record<string, number>
  sourceErrors: Record<string, string>
}

export interface PipelineEvents {
  events: (batch: MatchEvent[], source: string) => void
  delivered: (batch: MatchEvent[], sink: string) => void
  'sink:error': (error: unknown, sink: string, attempt: number) => void
  'source:error': (error: unknown, source: string) => void
  'dead-letter': (letter: DeadLetter) => void
  health: (health: PipelineHealth) => void
}

export interface Pipeline {
  /** Starts every source. Resolves once they are started; a source that fails is reported, not thrown. */
  start(): Promise<void>
  /**
   * Hands a batch in from outside a Source (a webhook's `onEvents`). Resolves when every `block` sink
   * has it durably (or it was dead-lettered); rejects when it was given back — answer the sender 5xx.
   */
  emit(batch: readonly MatchEvent[], source?: string): Promise<void>
  /** Stops the sources, drains the queues within the deadline (default 10 s), closes the sinks. */
  stop(options?: { deadlineMs?: number }): Promise<StopReport>
  on<E extends keyof PipelineEvents>(event: E, listener: PipelineEvents[E]): this
  off<E extends keyof PipelineEvents>(event: E, listener: PipelineEvents[E]): this
  metrics(): PipelineMetrics
  health(): PipelineHealth
}

interface SourceState {
  events: number
  batches: number
  invalid: number
  lastEventAt: number | undefined
  ingestLag: Histogram
  liveMatches: Set<string>
  error: unknown
}

/**
 * Sources in, sinks out: validate at the boundary, drop duplicates by (id, version), fan out to every
 * sink's bounded queue, and acknowledge a source's batch only once every `block` sink has it.
 * Accounting per sink holds at any time: received = delivered + deadLettered + droppedByPolicy +
 * deduplicated + rejected + pending.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const now = options.now ?? Date.now
  const staleAfterMs = options.staleAfterMs ?? 120_000
  const downAfter = options.downAfterFailures ?? 3
  const emitter = new EventEmitter<PipelineEvents>()
  const maxTrackedMatches = options.dedupe?.maxMatches ?? 1_000
  const dedupe = new VersionDeduper(options.dedupe?.maxIdsPerMatch ?? 1_000, maxTrackedMatches)
  const lastByMatch = new Map<string, number>()
  const sources = new Map<string, SourceState>()
  // Events handed to the sinks and not yet settled: at most what the queues hold.
  const inflight = new Map<string, { version: number; outcome: Promise<void> }>()
  let stopped: Promise<StopReport> | undefined

  // A listener that throws must not break delivery: the pipeline's own bookkeeping comes first.
  function safeEmit<E extends keyof PipelineEvents>(event: E, ...args: Parameters<PipelineEvents[E]>): void {
    try {
      ;(emitter.emit as (e: E, ...a: unknown[]) => boolean)(event, ...args)
    } catch {
      // ignored on purpose: listeners are observers
    }
  }
  const sourceRuns: Promise<void>[] = []
  const controller = new AbortController()
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle'

  const sinkOptions = options.sinks.map((s) => ('sink' in s ? s : { sink: s }))
  const names = new Set<string>()
  for (const { sink } of sinkOptions) {
    if (names.has(sink.name)) {
      throw new MatchfeedError(`two sinks are named "${sink.name}": give each a distinct name`, {
        code: 'invalid_option',
      })
    }
    names.add(sink.name)
  }
  const runners = sinkOptions.map(
    (o) =>
      new SinkRunner(o, {
        now,
        deadLetter: async (letter) => {
          safeEmit('dead-letter', letter)
          if (!options.onDeadLetter) return false
          try {
            await options.onDeadLetter(letter)
            return true
          } catch (error) {
            safeEmit('sink:error', error, letter.sink, letter.attempts)
            return false
          }
        },
        onDelivered: (sink, batch) => {
          safeEmit('delivered', batch, sink)
          noticeSinkStatus(sink)
        },
        onError: (sink, error, attempt) => {
          safeEmit('sink:error', error, sink, attempt)
          noticeSinkStatus(sink)
        },
      }),
  )

  function sourceState(name: string): SourceState {
    let s = sources.get(name)
    if (!s) {
      s = {
        events: 0,
        batches: 0,
        invalid: 0,
        lastEventAt: undefined,
        ingestLag: new Histogram(),
        liveMatches: new Set(),
        error: undefined,
      }
      sources.set(name, s)
    }
    return s
  }

  async function emit(input: readonly MatchEvent[], sourceName = 'direct'): Promise<void> {
    if (state === 'stopping' || state === 'stopped') {
      throw new MatchfeedError('the pipeline is stopping: the batch was not taken', {
        code: 'pipeline_stopped',
        retryable: true,
      })
    }
    const source = sourceState(sourceName)
    let batch: MatchEvent[]
    try {
      batch = validateMatchEvents(input) // free for a batch a matchfeed parser already validated
    } catch (error) {
      source.invalid += Array.isArray(input) ? input.length : 0
      throw error
    }
    const at = now()
    source.batches++
    source.events += batch.length
    if (batch.length > 0) source.lastEventAt = at
    let previous: MatchEvent | undefined
    for (const event of batch) {
      if (event.timestamp) source.ingestLag.observe((at - Date.parse(event.timestamp)) / 1000)
      if (event.matchId !== previous?.matchId || event.type === 'period_end') trackMatch(source, event, at)
      previous = event
    }
    safeEmit('events', batch, sourceName)

    const { fresh, duplicates } = dedupe.admit(batch)
    for (const runner of runners) {
      runner.counters.received += batch.length
      runner.counters.deduplicated += duplicates.length
    }
    // A duplicate of an event still being written is acknowledged only once that write is: otherwise a
    // sender would get its 2xx for an event that may yet be given back.
    const originals = new Set<Promise<void>>()
    for (const event of duplicates) {
      const pending = inflight.get(event.id)
      if (pending && pending.version >= event.version) originals.add(pending.outcome)
    }
    const required: Promise<void>[] = [...originals]
    for (const runner of runners) {
      const delivered = runner.enqueue(fresh)
      if (runner.policy === 'block') required.push(delivered)
      else delivered.catch(() => {}) // best effort: settles on its own, never fails the source
    }
    const outcome = Promise.allSettled(required).then((results) => {
      const failed = results.find((r) => r.status === 'rejected')
      if (failed) throw failed.reason
    })
    for (const event of fresh) inflight.set(event.id, { version: event.version, outcome })
    try {
      await outcome
    } catch (error) {
      dedupe.forget(fresh) // the source will send these again: let them through then
      throw error
    } finally {
      for (const event of fresh) if (inflight.get(event.id)?.outcome === outcome) inflight.delete(event.id)
    }
  }

  function trackMatch(source: SourceState, event: MatchEvent, at: number): void {
    lastByMatch.delete(event.matchId)
    lastByMatch.set(event.matchId, at)
    if (lastByMatch.size > maxTrackedMatches) lastByMatch.delete(lastByMatch.keys().next().value as string)
    // A match is over after the end of the second half, of extra time, or of the shoot-out (a later
    // event brings it back, e.g. when extra time follows).
    const ended =
      event.type === 'period_end' && (event.period === 2 || event.period === 4 || event.period === 5)
    source.liveMatches.delete(event.matchId)
    if (ended) return
    source.liveMatches.add(event.matchId)
    // Bounded like everything per match: a match that never reported its end falls out eventually.
    if (source.liveMatches.size > maxTrackedMatches) {
      source.liveMatches.delete(source.liveMatches.values().next().value as string)
    }
  }

  function sinkStatus(r: SinkRunner, at: number): SinkStatus {
    const recentDrop = r.lastDropAt !== undefined && at - r.lastDropAt < 60_000
    if (r.consecutiveFailures >= downAfter) return 'down'
    return r.consecutiveFailures > 0 || recentDrop || r.queueFill > 0.8 ? 'degraded' : 'ok'
  }

  // 'health' is emitted when a sink's status changes, so a server can log or alert on transitions.
  const lastSinkStatus = new Map<string, SinkStatus>()
  function noticeSinkStatus(name: string): void {
    const runner = runners.find((r) => r.name === name)
    if (!runner) return
    const status = sinkStatus(runner, now())
    if ((lastSinkStatus.get(name) ?? 'ok') === status) return
    lastSinkStatus.set(name, status)
    safeEmit('health', health())
  }

  async function stopOnce(deadlineMs: number): Promise<StopReport> {
    state = 'stopping'
    controller.abort(new MatchfeedError('the pipeline is stopping', { code: 'pipeline_stopped' }))
    let timer: ReturnType<typeof setTimeout> | undefined
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), deadlineMs)
    })
    await Promise.race([Promise.allSettled(sourceRuns), deadline])
    const drained = await Promise.race([
      Promise.all(runners.map((r) => r.idle())).then(() => 'drained' as const),
      deadline,
    ])
    clearTimeout(timer)
    const undrained: Record<string, number> = {}
    if (drained === 'timeout') {
      const error = new MatchfeedError('not written before the stop deadline', {
        code: 'pipeline_stopped',
        retryable: true,
      })
      for (const r of runners) {
        // Given back to their sources: the queued events, and the writes in flight (they may still land,
        // but are not confirmed; at least once, and the sinks are idempotent).
        const pending = r.counters.pending
        r.abort.abort(error)
        r.abandonQueued(error)
        if (pending > 0) undrained[r.name] = pending
      }
      await Promise.all(runners.map((r) => r.idle()))
    }
    await Promise.allSettled(runners.map((r) => r.options.sink.close?.()))
    state = 'stopped'
    const sourceErrors: Record<string, string> = {}
    for (const [name, s] of sources) if (s.error !== undefined) sourceErrors[name] = errorMessage(s.error)
    return { undrained, sourceErrors }
  }

  function health(): PipelineHealth {
    const at = now()
    const sourceHealth: PipelineHealth['sources'] = {}
    for (const [name, s] of sources) {
      const quiet = s.lastEventAt !== undefined && at - s.lastEventAt > staleAfterMs
      const status: SourceStatus =
        s.error !== undefined ? 'down' : quiet && s.liveMatches.size > 0 ? 'stale' : 'healthy'
      sourceHealth[name] = { status, lastEventAt: s.lastEventAt, liveMatches: s.liveMatches.size }
      if (s.error !== undefined) sourceHealth[name].error = errorMessage(s.error)
    }
    const sinkHealth: PipelineHealth['sinks'] = {}
    for (const r of runners) {
      sinkHealth[r.name] = {
        status: sinkStatus(r, at),
        queueFill: r.queueFill,
        consecutiveFailures: r.consecutiveFailures,
      }
    }
    const all = [
      ...Object.values(sourceHealth).map((s) => s.status),
      ...Object.values(sinkHealth).map((s) => s.status),
    ]
    const overall = all.includes('down')
      ? 'down'
      : all.some((s) => s !== 'ok' && s !== 'healthy')
        ? 'degraded'
        : 'ok'
    return { status: overall, sources: sourceHealth, sinks: sinkHealth }
  }

  const pipeline: Pipeline = {
    async start() {
      if (state !== 'idle') throw new MatchfeedError(`the pipeline is ${state}`, { code: 'invalid_state' })
      state = 'running'
      for (const source of options.sources ?? []) {
        const s = sourceState(source.name)
        const run = Promise.resolve()
          .then(() => source.start((batch) => emit(batch, source.name), controller.signal))
          .catch((error: unknown) => {
            if (controller.signal.aborted) return
            s.error = error
            safeEmit('source:error', error, source.name)
            safeEmit('health', health())
          })
        sourceRuns.push(run)
      }
    },
    emit,
    stop({ deadlineMs = 10_000 } = {}) {
      // Every caller gets the one stop: the sinks are closed once.
      stopped ??= stopOnce(deadlineMs)
      return stopped
    },
    on(event, listener) {
      emitter.on(event, listener as never)
      return pipeline
    },
    off(event, listener) {
      emitter.off(event, listener as never)
      return pipeline
    },
    metrics() {
      const sourceMetrics: PipelineMetrics['sources'] = {}
      for (const [name, s] of sources) {
        sourceMetrics[name] = {
          events: s.events,
          batches: s.batches,
          invalid: s.invalid,
          lastEventAt: s.lastEventAt,
          ingestLag: s.ingestLag.snapshot(),
        }
      }
      const sinkMetrics: PipelineMetrics['sinks'] = {}
      for (const r of runners)
        sinkMetrics[r.name] = { ...r.counters, policy: r.policy, latency: r.latency.snapshot() }
      return {
        sources: sourceMetrics,
        sinks: sinkMetrics,
        matches: Object.fromEntries(lastByMatch),
        dedupe: dedupe.size,
      }
    },
    health,
  }
  return pipeline
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
