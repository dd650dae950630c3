import { EventEmitter } from 'eventemitter3'
import { invalidOption, MatchfeedError } from '../errors.js'
import type { MatchEvent } from '../event/schema.js'
import { validateMatchEvents } from '../event/validate.js'
import type { Sink, Source, Transform } from './contracts.js'
import { VersionDeduper } from './dedupe.js'
import { FanOut } from './fan-out.js'
import { HealthMonitor } from './health.js'
import type { HistogramSnapshot } from './histogram.js'
import { type DeadLetter, type SinkCounters, type SinkOptions, SinkRunner } from './sink-runner.js'
import { SourceTracker } from './source-tracking.js'

export interface PipelineOptions {
  sources?: Source[]
  sinks: (Sink | SinkOptions)[]
  /**
   * Steps every batch goes through, in order, before validation and the dedupe (an id mapping: see
   * `matchfeed/id-mapping`). One that throws gives the batch back to its source.
   */
  transforms?: Transform[]
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
  /** A transform threw: the batch was given back to its source (whose `emit` rejected with `error`). */
  'transform:error': (error: unknown, transform: string, source: string) => void
  'dead-letter': (letter: DeadLetter) => void
  health: (health: PipelineHealth) => void
}

export interface Pipeline {
  /** Starts every source. Resolves once they are started; a source that fails is reported, not thrown. */
  start(): Promise<void>
  /**
   * Adds a source — to a running pipeline, where it starts at once (a match kicking off during the day), or
   * to one not yet started, where it starts with the others. A name already running is refused.
   */
  addSource(source: Source): void
  /**
   * Stops one source: its signal aborts, and this resolves once its `start` settled. What it already emitted
   * still flows to the sinks. Unknown names resolve at once.
   */
  removeSource(name: string): Promise<void>
  /**
   * Hands a batch in from outside a Source (a webhook's `onEvents`). Resolves when every `block` sink
   * has it durably (or it was dead-lettered); rejects when it was given back — answer the sender 5xx.
   */
  emit(batch: readonly MatchEvent[], source?: string): Promise<void>
  /**
   * Stops the sources, drains the queues within the deadline (default 10 s), closes the sinks (within what is
   * left of the deadline, at least a second).
   */
  stop(options?: { deadlineMs?: number }): Promise<StopReport>
  on<E extends keyof PipelineEvents>(event: E, listener: PipelineEvents[E]): this
  off<E extends keyof PipelineEvents>(event: E, listener: PipelineEvents[E]): this
  metrics(): PipelineMetrics
  health(): PipelineHealth
}

/**
 * Sources in, sinks out: validate at the boundary, drop duplicates by (id, version), fan out to every
 * sink's bounded queue, and acknowledge a source's batch only once every `block` sink has it.
 * Accounting per sink holds at any time: received = delivered + deadLettered + droppedByPolicy +
 * deduplicated + rejected + pending.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const now = options.now ?? Date.now
  const emitter = new EventEmitter<PipelineEvents>()
  const safeEmit = safeEmitter(emitter)
  const maxTrackedMatches = options.dedupe?.maxMatches ?? 1_000
  const dedupe = new VersionDeduper(options.dedupe?.maxIdsPerMatch ?? 1_000, maxTrackedMatches)
  const tracker = new SourceTracker(maxTrackedMatches)
  const runners = createSinkRunners(options, now, safeEmit, {
    // Runners report only once writes start, after the monitor exists.
    noticeSink: (name) => monitor.noticeSink(name),
  })
  const monitor = new HealthMonitor(tracker, runners, {
    now,
    staleAfterMs: options.staleAfterMs ?? 120_000,
    downAfterFailures: options.downAfterFailures ?? 3,
    onSinkStatusChange: (health) => safeEmit('health', health),
  })
  const fanOut = new FanOut(runners, dedupe)
  const transforms = checkTransforms(options.transforms)
  // The sources started and not yet settled (each leaves on settling): what a stop waits for.
  const running = new Map<string, { stop: AbortController; run: Promise<void> }>()
  const pending: Source[] = [...(options.sources ?? [])]
  const controller = new AbortController()
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle'
  let stopped: Promise<StopReport> | undefined

  function refuseWhenStopping(): void {
    if (state === 'stopping' || state === 'stopped') {
      throw new MatchfeedError('the pipeline is stopping: the batch was not taken', {
        code: 'pipeline_stopped',
        retryable: true,
      })
    }
  }

  async function transformed(input: readonly MatchEvent[], sourceName: string) {
    let batch = input
    for (const t of transforms!) {
      try {
        batch = await t.transform(batch)
      } catch (error) {
        safeEmit('transform:error', error, t.name, sourceName)
        throw error
      }
    }
    refuseWhenStopping() // the stop may have begun while a transform was waiting
    return batch
  }

  async function emit(given: readonly MatchEvent[], sourceName = 'direct'): Promise<void> {
    refuseWhenStopping()
    const source = tracker.source(sourceName)
    // Without transforms nothing is awaited here: the path stays as it was.
    const input = transforms === undefined ? given : await transformed(given, sourceName)
    let batch: MatchEvent[]
    try {
      batch = validateMatchEvents(input) // free for a batch a matchfeed parser already validated
    } catch (error) {
      tracker.rejected(source, input)
      throw error
    }
    tracker.accepted(source, batch, now())
    safeEmit('events', batch, sourceName)
    await fanOut.deliver(batch)
  }

  function startSource(source: Source): void {
    const s = tracker.source(source.name)
    // Its own signal, aborted by removeSource or by the pipeline's stop.
    const stop = new AbortController()
    const signal = AbortSignal.any([controller.signal, stop.signal])
    const run = Promise.resolve()
      .then(() => source.start((batch) => emit(batch, source.name), signal))
      .catch((error: unknown) => {
        if (signal.aborted) return
        s.error = error
        safeEmit('source:error', error, source.name)
        safeEmit('health', monitor.health())
      })
      .finally(() => {
        if (running.get(source.name)?.run === run) running.delete(source.name)
      })
    running.set(source.name, { stop, run })
  }

  function addSource(source: Source): void {
    if (state === 'stopping' || state === 'stopped') {
      throw new MatchfeedError(`the pipeline is ${state}: source "${source.name}" was not added`, {
        code: 'invalid_state',
      })
    }
    if (running.has(source.name) || pending.some((p) => p.name === source.name)) {
      throw invalidOption(
        'createPipeline',
        'sources',
        `a source named "${source.name}" is already in the pipeline`,
      )
    }
    if (state === 'running') startSource(source)
    else pending.push(source)
  }

  async function removeSource(name: string): Promise<void> {
    const waiting = pending.findIndex((p) => p.name === name)
    if (waiting >= 0) pending.splice(waiting, 1)
    const source = running.get(name)
    if (!source) return
    source.stop.abort(new MatchfeedError(`source "${name}" was removed`, { code: 'source_removed' }))
    await source.run
  }

  async function stopOnce(deadlineMs: number): Promise<StopReport> {
    state = 'stopping'
    controller.abort(new MatchfeedError('the pipeline is stopping', { code: 'pipeline_stopped' }))
    const undrained = await drainAndClose(
      runners,
      [...running.values()].map((r) => r.run),
      deadlineMs,
    )
    state = 'stopped'
    return { undrained, sourceErrors: tracker.errors() }
  }

  const pipeline: Pipeline = {
    async start() {
      if (state !== 'idle') throw new MatchfeedError(`the pipeline is ${state}`, { code: 'invalid_state' })
      state = 'running'
      for (const source of pending.splice(0)) startSource(source)
    },
    addSource,
    removeSource,
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
      const { sources, matches } = tracker.metrics()
      return { sources, sinks: sinkMetrics(runners), matches, dedupe: dedupe.size }
    },
    health: () => monitor.health(),
  }
  return pipeline
}

/** The transforms, checked; undefined when there are none (then the pipeline never awaits one). */
function checkTransforms(transforms: Transform[] | undefined): Transform[] | undefined {
  if (transforms === undefined) return undefined
  if (!Array.isArray(transforms)) throw invalidOption('createPipeline', 'transforms', 'must be an array')
  if (transforms.length === 0) return undefined
  for (const [i, t] of transforms.entries()) {
    if (typeof t?.name !== 'string' || typeof t.transform !== 'function') {
      throw invalidOption(
        'createPipeline',
        `transforms[${i}]`,
        'must be { name, transform(batch) } (for example idMapping() from matchfeed/id-mapping)',
      )
    }
  }
  return [...transforms]
}

type SafeEmit = <E extends keyof PipelineEvents>(event: E, ...args: Parameters<PipelineEvents[E]>) => void

// A listener that throws must not break delivery: the pipeline's own bookkeeping comes first.
function safeEmitter(emitter: EventEmitter<PipelineEvents>): SafeEmit {
  return (event, ...args) => {
    try {
      ;(emitter.emit as (e: typeof event, ...a: unknown[]) => boolean)(event, ...args)
    } catch {
      // ignored on purpose: listeners are observers
    }
  }
}

/** A runner per sink (names must differ: metrics and health are by name), reporting through the pipeline. */
function createSinkRunners(
  options: PipelineOptions,
  now: () => number,
  safeEmit: SafeEmit,
  health: { noticeSink(name: string): void },
): SinkRunner[] {
  const sinkOptions = options.sinks.map((s) => ('sink' in s ? s : { sink: s }))
  const names = new Set<string>()
  for (const { sink } of sinkOptions) {
    if (names.has(sink.name)) {
      throw invalidOption(
        'createPipeline',
        'sinks',
        `two sinks are named "${sink.name}": give each a distinct name`,
      )
    }
    names.add(sink.name)
  }
  const deadLetter = async (letter: DeadLetter) => {
    safeEmit('dead-letter', letter)
    if (!options.onDeadLetter) return false
    try {
      await options.onDeadLetter(letter)
      return true
    } catch (error) {
      safeEmit('sink:error', error, letter.sink, letter.attempts)
      return false
    }
  }
  return sinkOptions.map(
    (o) =>
      new SinkRunner(o, {
        now,
        deadLetter,
        onDelivered: (sink, batch) => {
          safeEmit('delivered', batch, sink)
          health.noticeSink(sink)
        },
        onError: (sink, error, attempt) => {
          safeEmit('sink:error', error, sink, attempt)
          health.noticeSink(sink)
        },
      }),
  )
}

function sinkMetrics(runners: readonly SinkRunner[]): PipelineMetrics['sinks'] {
  const sinks: PipelineMetrics['sinks'] = {}
  for (const r of runners) sinks[r.name] = { ...r.counters, policy: r.policy, latency: r.latency.snapshot() }
  return sinks
}

/**
 * Waits for the sources, then the queues, within the deadline; past it gives the rest back to the sources.
 * Closes the sinks. Returns, per sink, how many events were given back.
 */
async function drainAndClose(
  runners: readonly SinkRunner[],
  sourceRuns: readonly Promise<void>[],
  deadlineMs: number,
): Promise<Record<string, number>> {
  const startedAt = Date.now()
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
  // Closing gets what is left of the deadline, and at least a second: a sink whose backend hangs (its close
  // would flush to it) must not hold the stop past its deadline.
  const closeWithinMs = Math.max(CLOSE_GRACE_MS, deadlineMs - (Date.now() - startedAt))
  let closeTimer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([
    Promise.allSettled(runners.map((r) => r.options.sink.close?.())),
    new Promise((resolve) => {
      closeTimer = setTimeout(resolve, closeWithinMs)
    }),
  ])
  clearTimeout(closeTimer)
  return undrained
}

const CLOSE_GRACE_MS = 1_000
