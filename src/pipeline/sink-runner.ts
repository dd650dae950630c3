import pRetry from 'p-retry'
import { MatchfeedError } from '../errors.js'
import type { MatchEvent } from '../event/schema.js'
import { markValidated } from '../event/validate.js'
import { InFlightList } from '../in-flight-list.js'
import { coarseDeadlines } from '../time.js'
import type { Sink } from './contracts.js'
import { Histogram } from './histogram.js'

export type QueuePolicy = 'block' | 'drop-oldest'

export interface SinkOptions {
  sink: Sink
  /**
   * `block` (default): the sink must take every event; a full queue makes the sources' `emit` wait, and
   * `emit` resolves only once this sink has the batch. `drop-oldest`: best effort (Pub/Sub fan-out); a full
   * queue drops its oldest events (counted), and `emit` does not wait for this sink.
   */
  policy?: QueuePolicy
  /** Events waiting for this sink, at most. Default 10,000. */
  maxQueuedEvents?: number
  /** Queued events of one match are written together, up to this many per `write`. Default 500. */
  maxBatchSize?: number
  /** Retries of a failed `write` whose error is marked `retryable`. Default 5 retries, 100 ms doubling to 5 s, with jitter. */
  retry?: { retries?: number; minDelayMs?: number; maxDelayMs?: number }
  /** A `write` that has not settled after this long counts as failed (retryable). Default 30 s. */
  writeTimeoutMs?: number
}

export interface DeadLetter {
  events: MatchEvent[]
  sink: string
  error: unknown
  attempts: number
}

export interface SinkCounters {
  /** Events that reached this sink's side of the pipeline, duplicates included. */
  received: number
  deduplicated: number
  delivered: number
  deadLettered: number
  droppedByPolicy: number
  /** Given back to the source (no dead-letter hook, or the hook failed): the source keeps them. */
  rejected: number
  /** Queued or being written now. */
  pending: number
  retries: number
  failedWrites: number
}

interface Deferred {
  resolve(): void
  reject(error: unknown): void
}

interface Piece {
  events: MatchEvent[]
  enqueuedAt: number
  settled: boolean
  deferred: Deferred
  /** Takes it out of the drop-oldest order (once taken for writing, settled or given back); drop-oldest only. */
  leaveArrival?: () => void
}

interface Lane {
  queue: Piece[]
  running: boolean
}

export interface SinkRunnerHooks {
  now(): number
  deadLetter(letter: DeadLetter): Promise<boolean>
  onDelivered(sink: string, events: MatchEvent[]): void
  onError(sink: string, error: unknown, attempt: number): void
}

/**
 * One sink's side of the pipeline: a bounded queue with an explicit policy, one lane per match (a batch of
 * match M being retried holds back later batches of M, while other matches flow on), retries, dead letters.
 */
export class SinkRunner {
  readonly name: string
  readonly policy: QueuePolicy
  readonly counters: SinkCounters = {
    received: 0,
    deduplicated: 0,
    delivered: 0,
    deadLettered: 0,
    droppedByPolicy: 0,
    rejected: 0,
    pending: 0,
    retries: 0,
    failedWrites: 0,
  }
  readonly latency = new Histogram()
  consecutiveFailures = 0
  lastDropAt: number | undefined

  private readonly lanes = new Map<string, Lane>()
  /** Queued (not yet taken for writing) pieces in arrival order, for drop-oldest (not a Set: InFlightList). */
  private readonly arrival = new InFlightList<Piece>()
  /** Events queued or granted room in the queue. */
  private queued = 0
  /** Batches waiting for room, first come first served (a later batch never overtakes). */
  private readonly spaceWaiters: { size: number; grant: () => void }[] = []
  private readonly maxQueued: number
  private readonly maxBatch: number
  private readonly retry: { retries: number; minDelayMs: number; maxDelayMs: number }
  private readonly idleWaiters: (() => void)[] = []
  readonly abort = new AbortController()

  constructor(
    readonly options: SinkOptions,
    private readonly hooks: SinkRunnerHooks,
  ) {
    this.name = options.sink.name
    this.policy = options.policy ?? 'block'
    this.maxQueued = options.maxQueuedEvents ?? 10_000
    this.maxBatch = options.maxBatchSize ?? 500
    const r = options.retry ?? {}
    this.retry = {
      retries: r.retries ?? 5,
      minDelayMs: r.minDelayMs ?? 100,
      maxDelayMs: r.maxDelayMs ?? 5_000,
    }
    this.writeTimeoutMs = options.writeTimeoutMs ?? 30_000
    this.writeDeadlines = coarseDeadlines(this.writeTimeoutMs)
    // A stop past its deadline fails every write still in flight at once.
    this.abort.signal.addEventListener(
      'abort',
      () => {
        for (const done of this.writing) done(this.abort.signal.reason)
      },
      { once: true },
    )
  }

  private readonly writeTimeoutMs: number
  /** Write timeouts on one coarse ticker, not a timer per write (bench/e2e). */
  private readonly writeDeadlines: ReturnType<typeof coarseDeadlines>
  /** The settle functions of the writes in flight (not a Set: see InFlightList). */
  private readonly writing = new InFlightList<(error?: unknown) => void>()

  get queueFill(): number {
    return this.queued / this.maxQueued
  }

  /** Queues `events` (already deduplicated) and settles when the sink has them (or they were dead-lettered). */
  async enqueue(events: MatchEvent[]): Promise<void> {
    if (events.length === 0) return
    if (this.policy === 'block') await this.room(events.length)
    else this.queued += events.length
    const settled: Promise<void>[] = []
    const groups = groupByMatch(events)
    for (const [matchId, group] of groups) {
      let deferred!: Deferred
      settled.push(
        new Promise<void>((resolve, reject) => {
          deferred = { resolve, reject }
        }),
      )
      const piece: Piece = { events: group, enqueuedAt: this.hooks.now(), settled: false, deferred }
      this.lane(matchId).queue.push(piece)
      if (this.policy === 'drop-oldest') piece.leaveArrival = this.arrival.add(piece)
      this.counters.pending += group.length
    }
    if (this.policy === 'drop-oldest') this.dropOverflow()
    for (const matchId of groups.keys()) this.kick(matchId)
    await Promise.all(settled)
  }

  /**
   * Backpressure: waits until the batch fits, in arrival order, and reserves its room. A batch larger than
   * the whole queue goes through an empty one.
   */
  private room(size: number): Promise<void> {
    const fits = () => this.queued === 0 || this.queued + size <= this.maxQueued
    if (this.spaceWaiters.length === 0 && fits()) {
      this.queued += size
      return Promise.resolve()
    }
    return new Promise((grant) => this.spaceWaiters.push({ size, grant }))
  }

  private kick(matchId: string): void {
    // run() settles every piece it takes; a failure here would be a bug, never an event left hanging.
    this.run(matchId).catch((error: unknown) => this.hooks.onError(this.name, error, 0))
  }

  /** Resolves when nothing is queued or being written. */
  idle(): Promise<void> {
    if (this.counters.pending === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private lane(matchId: string): Lane {
    let lane = this.lanes.get(matchId)
    if (!lane) {
      lane = { queue: [], running: false }
      this.lanes.set(matchId, lane)
    }
    return lane
  }

  private dropOverflow(): void {
    for (let oldest = this.arrival.first(); oldest; oldest = this.arrival.first()) {
      if (this.queued <= this.maxQueued) break
      oldest.leaveArrival!()
      const lane = this.lanes.get(oldest.events[0]!.matchId)
      const index = lane?.queue.indexOf(oldest) ?? -1
      if (index < 0) continue
      lane!.queue.splice(index, 1)
      this.unqueue(oldest.events.length)
      this.counters.pending -= oldest.events.length
      this.counters.droppedByPolicy += oldest.events.length
      this.lastDropAt = this.hooks.now()
      this.settle(oldest, undefined)
    }
  }

  private async run(matchId: string): Promise<void> {
    const lane = this.lanes.get(matchId)
    if (!lane || lane.running) return
    lane.running = true
    try {
      while (lane.queue.length > 0) {
        const pieces = [lane.queue.shift()!]
        let size = pieces[0]!.events.length
        while (lane.queue.length > 0 && size + lane.queue[0]!.events.length <= this.maxBatch) {
          const next = lane.queue.shift()!
          pieces.push(next)
          size += next.events.length
        }
        for (const piece of pieces) piece.leaveArrival?.() // being written: no longer droppable
        this.unqueue(size)
        const given = await this.deliver(pieces, size)
        // A batch given back to its source will come again: later batches of the match must not pass it.
        if (given !== undefined) this.giveBack(lane.queue.splice(0), given)
      }
    } finally {
      lane.running = false
      if (lane.queue.length === 0) this.lanes.delete(matchId)
      else void this.run(matchId)
    }
  }

  /** Writes, retries, dead-letters; returns the error when the batch was given back to its source. */
  private async deliver(pieces: Piece[], size: number): Promise<unknown> {
    // Built from events the pipeline checked at its entry: the sink need not check them again.
    const batch = markValidated(pieces.length === 1 ? pieces[0]!.events : pieces.flatMap((p) => p.events))
    let attempts = 0
    const attempt = async () => {
      attempts++
      await this.writeOnce(batch)
    }
    try {
      // The first try goes straight to the sink: on a healthy sink that is every write, and p-retry's setup
      // per call showed in the profile (bench/e2e). A failure then enters p-retry as its first attempt, so
      // the retries, delays and counters are what they were.
      const first = await attempt().then(
        () => undefined,
        (error: unknown) => ({ error }),
      )
      if (first === undefined) return this.delivered(pieces, batch, size)
      let replayed = false
      await pRetry(
        async () => {
          if (replayed) return attempt()
          replayed = true
          throw first.error
        },
        {
          retries: this.retry.retries,
          minTimeout: this.retry.minDelayMs,
          maxTimeout: this.retry.maxDelayMs,
          factor: 2,
          randomize: true,
          signal: this.abort.signal,
          shouldRetry: ({ error }) => (error as { retryable?: unknown }).retryable === true,
          onFailedAttempt: ({ error, retriesLeft }) => {
            this.counters.failedWrites++
            this.consecutiveFailures++
            if (retriesLeft > 0 && (error as { retryable?: unknown }).retryable === true)
              this.counters.retries++
            this.hooks.onError(this.name, error, attempts)
          },
        },
      )
    } catch (error) {
      this.counters.pending -= size
      // Stopped past the deadline: give the batch back to its source rather than dead-letter it.
      const accepted =
        !this.abort.signal.aborted &&
        (await this.hooks.deadLetter({ events: batch, sink: this.name, error, attempts }))
      if (accepted) this.counters.deadLettered += size
      else this.counters.rejected += size
      for (const piece of pieces) this.settle(piece, accepted ? undefined : error)
      this.checkIdle()
      return accepted ? undefined : error
    }
    return this.delivered(pieces, batch, size)
  }

  private delivered(pieces: Piece[], batch: MatchEvent[], size: number): undefined {
    this.consecutiveFailures = 0
    this.counters.pending -= size
    this.counters.delivered += size
    const now = this.hooks.now()
    for (const piece of pieces) {
      for (let i = 0; i < piece.events.length; i++) this.latency.observe((now - piece.enqueuedAt) / 1000)
      this.settle(piece, undefined)
    }
    this.hooks.onDelivered(this.name, batch)
    this.checkIdle()
    return undefined
  }

  /** One `write`, bounded: a write that hangs, or outlives a stop's deadline, must not hold its batch for ever. */
  private writeOnce(batch: readonly MatchEvent[]): Promise<void> {
    const signal = this.abort.signal
    if (signal.aborted) return Promise.reject(signal.reason)
    return new Promise<void>((resolve, reject) => {
      let settled = false
      // Runs later (the deadline's tick or the write), by when `stopWriting` and `cancel` below are set.
      const done = (error?: unknown) => {
        if (settled) return
        settled = true
        stopWriting()
        cancel()
        if (error === undefined) resolve()
        else reject(error)
      }
      const cancel = this.writeDeadlines.add(Date.now() + this.writeTimeoutMs, () =>
        done(
          new MatchfeedError(`${this.name}: write did not settle within ${this.writeTimeoutMs} ms`, {
            code: 'write_timeout',
            retryable: true,
          }),
        ),
      )
      const stopWriting = this.writing.add(done)
      Promise.resolve()
        .then(() => this.options.sink.write(batch))
        .then(
          () => done(),
          (error: unknown) => done(error ?? new Error('write rejected')),
        )
    })
  }

  private giveBack(pieces: Piece[], error: unknown): void {
    for (const piece of pieces) {
      piece.leaveArrival?.()
      this.unqueue(piece.events.length)
      this.counters.pending -= piece.events.length
      this.counters.rejected += piece.events.length
      this.settle(piece, error)
    }
    this.checkIdle()
  }

  private unqueue(count: number): void {
    this.queued -= count
    // First come, first served: the head waits until it fits, and nobody overtakes it.
    while (this.spaceWaiters.length > 0) {
      const head = this.spaceWaiters[0]!
      if (this.queued !== 0 && this.queued + head.size > this.maxQueued) break
      this.spaceWaiters.shift()
      this.queued += head.size
      head.grant()
    }
  }

  private settle(piece: Piece, error: unknown): void {
    if (piece.settled) return
    piece.settled = true
    if (this.policy === 'drop-oldest') {
      piece.deferred.resolve() // best effort: the source never waits on, nor fails because of, this sink
    } else if (error === undefined) {
      piece.deferred.resolve()
    } else {
      piece.deferred.reject(error)
    }
    piece.leaveArrival?.()
  }

  private checkIdle(): void {
    if (this.counters.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve()
  }

  /** Gives every queued (not yet written) event back: used when a stop's deadline passes. */
  abandonQueued(error: Error): void {
    for (const lane of this.lanes.values()) this.giveBack(lane.queue.splice(0), error)
  }
}

function groupByMatch(events: MatchEvent[]): Map<string, MatchEvent[]> {
  const groups = new Map<string, MatchEvent[]>()
  for (const event of events) {
    const group = groups.get(event.matchId)
    if (group) group.push(event)
    else groups.set(event.matchId, [event])
  }
  return groups
}
