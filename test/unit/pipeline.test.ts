import { describe, expect, it, vi } from 'vitest'
import { MatchfeedError } from '../../src/errors.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { InvalidMatchEventError } from '../../src/event/validate.js'
import {
  createPipeline,
  type DeadLetter,
  type Sink,
  type SinkCounters,
  type Source,
} from '../../src/pipeline/index.js'
import { memorySink } from '../../src/sinks/memory.js'
import { makeEvent } from '../helpers/events.js'

const ev = (matchId: string, n: number, version = 0, extra: Partial<MatchEvent> = {}) =>
  makeEvent({ matchId, providerEventId: `e${n}`, seq: n, version, ...extra })
const retryable = (message = 'busy') => new MatchfeedError(message, { code: 'busy', retryable: true })
const fatal = (message = 'bad row') => new MatchfeedError(message, { code: 'bad', retryable: false })
const fastRetry = { retries: 3, minDelayMs: 1, maxDelayMs: 2 }

function balanced(c: SinkCounters): boolean {
  return (
    c.received === c.delivered + c.deadLettered + c.droppedByPolicy + c.deduplicated + c.rejected + c.pending
  )
}

/** A sink that records every write and can be told to fail or to hold writes until released. */
function scriptedSink(
  name: string,
  fail: (batch: readonly MatchEvent[], call: number) => Error | undefined = () => undefined,
) {
  const writes: MatchEvent[][] = []
  let calls = 0
  let gate: Promise<void> = Promise.resolve()
  let open: () => void = () => {}
  const sink: Sink & { writes: MatchEvent[][]; hold(): void; release(): void; closed: boolean } = {
    name,
    writes,
    closed: false,
    async write(batch) {
      const call = ++calls
      await gate
      const error = fail(batch, call)
      if (error) throw error
      writes.push([...batch])
    },
    async close() {
      sink.closed = true
    },
    hold() {
      gate = new Promise((resolve) => {
        open = resolve
      })
    },
    release() {
      open()
    },
  }
  return sink
}

describe('createPipeline', () => {
  it('fans a batch out to every sink and resolves emit once the block sinks have it', async () => {
    const a = memorySink({ name: 'a' })
    const b = memorySink({ name: 'b' })
    const pipeline = createPipeline({ sinks: [a, b] })
    await pipeline.emit([ev('m1', 1), ev('m1', 2), ev('m2', 1)])
    expect(a.events()).toHaveLength(3)
    expect(b.match('m1').map((e) => e.seq)).toEqual([1, 2])
    const m = pipeline.metrics()
    expect(m.sinks.a).toMatchObject({ received: 3, delivered: 3, pending: 0 })
    expect(m.sinks.a!.latency.count).toBe(3)
    expect(m.sources.direct).toMatchObject({ events: 3, batches: 1 })
  })

  it('drops duplicates and stale versions by (id, version), and lets a higher version through', async () => {
    const sink = memorySink()
    const pipeline = createPipeline({ sinks: [sink] })
    await pipeline.emit([ev('m1', 1, 1), ev('m1', 2, 1)])
    await pipeline.emit([ev('m1', 1, 1), ev('m1', 2, 0), ev('m1', 2, 2, { deleted: true })])
    expect(sink.writes).toBe(2)
    expect(sink.events().map((e) => [e.providerEventId, e.version, e.deleted])).toEqual([
      ['e1', 1, false],
      ['e2', 2, true],
    ])
    expect(pipeline.metrics().sinks.memory).toMatchObject({ received: 5, delivered: 3, deduplicated: 2 })
  })

  it('rejects an invalid batch at the boundary, naming the field', async () => {
    const pipeline = createPipeline({ sinks: [memorySink()] })
    await expect(pipeline.emit([{ ...ev('m1', 1), x: 500, y: 1 }])).rejects.toThrow(InvalidMatchEventError)
    expect(pipeline.metrics().sources.direct!.invalid).toBe(1)
  })

  it('retries a retryable failure; a retried batch of match M holds back M but not other matches', async () => {
    let mCalls = 0
    const sink = scriptedSink('db', (batch) =>
      batch[0]!.matchId === 'M' && ++mCalls <= 2 ? retryable() : undefined,
    )
    const pipeline = createPipeline({
      sinks: [{ sink, retry: { retries: 3, minDelayMs: 30, maxDelayMs: 40 } }],
    })
    const m = pipeline.emit([ev('M', 1)])
    const later = pipeline.emit([ev('M', 2)])
    const other = pipeline.emit([ev('N', 1)])
    await other
    expect(sink.writes.map((w) => w.map((e) => `${e.matchId}${e.seq}`))).toEqual([['N1']])
    await Promise.all([m, later])
    expect(sink.writes.flat().map((e) => `${e.matchId}${e.seq}`)).toEqual(['N1', 'M1', 'M2'])
    expect(pipeline.metrics().sinks.db).toMatchObject({ delivered: 3, retries: 2, failedWrites: 2 })
  })

  it('dead-letters at once on an error not marked retryable, and after the retries otherwise', async () => {
    const letters: DeadLetter[] = []
    const sink = scriptedSink('db', (batch) =>
      batch[0]!.matchId === 'bad' ? fatal() : batch[0]!.matchId === 'slow' ? retryable() : undefined,
    )
    const pipeline = createPipeline({
      sinks: [{ sink, retry: fastRetry }],
      onDeadLetter: (l) => void letters.push(l),
    })
    const listener = vi.fn()
    pipeline.on('dead-letter', listener)
    await pipeline.emit([ev('bad', 1), ev('ok', 1), ev('slow', 1)])
    expect(
      letters.map((l) => [l.sink, l.events[0]!.matchId, l.attempts, (l.error as Error).message]),
    ).toEqual([
      ['db', 'bad', 1, 'bad row'],
      ['db', 'slow', 4, 'busy'],
    ])
    expect(listener).toHaveBeenCalledTimes(2)
    expect(pipeline.metrics().sinks.db).toMatchObject({ delivered: 1, deadLettered: 2, rejected: 0 })
  })

  it('without a dead-letter hook, gives the batch back: emit rejects, and the redelivery goes through', async () => {
    let failing = true
    const sink = scriptedSink('db', () => (failing ? fatal('constraint') : undefined))
    const pipeline = createPipeline({ sinks: [sink] })
    await expect(pipeline.emit([ev('m1', 1)])).rejects.toThrow('constraint')
    expect(pipeline.metrics().sinks.db).toMatchObject({ rejected: 1, delivered: 0 })
    failing = false
    await pipeline.emit([ev('m1', 1)])
    expect(sink.writes).toHaveLength(1)
    expect(pipeline.metrics().sinks.db).toMatchObject({
      received: 2,
      rejected: 1,
      delivered: 1,
      deduplicated: 0,
    })
  })

  it('a block sink pushes back: emit waits while its queue is full', async () => {
    const slow = scriptedSink('slow')
    slow.hold()
    const pipeline = createPipeline({ sinks: [{ sink: slow, maxQueuedEvents: 4, maxBatchSize: 2 }] })
    let settled = 0
    const emits = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => pipeline.emit([ev('m1', n)]).then(() => settled++))
    await new Promise((r) => setTimeout(r, 20))
    const counters = pipeline.metrics().sinks.slow!
    // One event is being written, four wait in the queue (its bound), the other three wait in emit.
    expect(counters.pending).toBe(5)
    expect(settled).toBe(0)
    slow.release()
    await Promise.all(emits)
    expect(slow.writes.flat().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('a drop-oldest sink never holds the source back and counts what it drops', async () => {
    const pubsub = scriptedSink('pubsub')
    pubsub.hold()
    const db = memorySink({ name: 'db' })
    const pipeline = createPipeline({
      sinks: [db, { sink: pubsub, policy: 'drop-oldest', maxQueuedEvents: 3 }],
    })
    for (let n = 1; n <= 10; n++) await pipeline.emit([ev('m1', n)])
    expect(db.events()).toHaveLength(10)
    const before = pipeline.metrics().sinks.pubsub!
    expect(before.droppedByPolicy).toBe(6) // one in flight, three kept, six dropped
    expect(balanced(before)).toBe(true)
    expect(pipeline.health().sinks.pubsub!.status).toBe('degraded')
    pubsub.release()
    await vi.waitFor(() => expect(pipeline.metrics().sinks.pubsub!.pending).toBe(0))
    expect(pubsub.writes.flat().map((e) => e.seq)).toEqual([1, 8, 9, 10])
  })

  it('keeps the accounting balanced at every moment of a run with failures, drops and duplicates', async () => {
    const flaky = scriptedSink('flaky', (_b, call) =>
      call % 3 === 0 ? retryable() : call % 7 === 0 ? fatal() : undefined,
    )
    const lossy = scriptedSink('lossy')
    const pipeline = createPipeline({
      sinks: [
        { sink: flaky, retry: fastRetry },
        { sink: lossy, policy: 'drop-oldest', maxQueuedEvents: 5 },
      ],
      onDeadLetter: () => {},
    })
    const checks: boolean[] = []
    const probe = setInterval(() => {
      for (const c of Object.values(pipeline.metrics().sinks)) checks.push(balanced(c))
    }, 1)
    const emits = []
    for (let i = 0; i < 200; i++) {
      const match = `m${i % 7}`
      emits.push(pipeline.emit([ev(match, i), ev(match, i - (i % 5))]).catch(() => {}))
    }
    await Promise.all(emits)
    await vi.waitFor(() => expect(pipeline.metrics().sinks.lossy!.pending).toBe(0))
    clearInterval(probe)
    for (const c of Object.values(pipeline.metrics().sinks)) checks.push(balanced(c))
    expect(checks.length).toBeGreaterThan(2)
    expect(checks.every(Boolean)).toBe(true)
    const f = pipeline.metrics().sinks.flaky!
    expect(f.delivered + f.deadLettered).toBe(f.received - f.deduplicated)
  })

  it('runs sources, and stop() aborts them, drains the queues and closes the sinks', async () => {
    const sink = scriptedSink('db')
    let aborted = false
    const source: Source = {
      name: 'feed',
      async start(emit, signal) {
        for (let n = 1; n <= 5; n++) await emit([ev('m1', n)])
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = true
            resolve()
          }),
        )
      },
    }
    const pipeline = createPipeline({ sources: [source], sinks: [sink] })
    await pipeline.start()
    await vi.waitFor(() => expect(sink.writes.flat()).toHaveLength(5))
    const report = await pipeline.stop({ deadlineMs: 1000 })
    expect(report).toEqual({ undrained: {}, sourceErrors: {} })
    expect(aborted).toBe(true)
    expect(sink.closed).toBe(true)
    await expect(pipeline.emit([ev('m1', 9)])).rejects.toMatchObject({ code: 'pipeline_stopped' })
  })

  it('reports what it could not drain before the deadline and gives it back', async () => {
    const stuck = scriptedSink('stuck')
    stuck.hold()
    const pipeline = createPipeline({ sinks: [stuck] })
    const pending = pipeline.emit([ev('m1', 1)])
    const pending2 = pipeline.emit([ev('m1', 2)])
    await new Promise((r) => setTimeout(r, 10))
    const report = await pipeline.stop({ deadlineMs: 50 })
    expect(report.undrained).toEqual({ stuck: 2 })
    // Both are given back — the queued one and the one whose write hung — before stop() resolved.
    await expect(pending2).rejects.toMatchObject({ code: 'pipeline_stopped' })
    await expect(pending).rejects.toMatchObject({ code: 'pipeline_stopped' })
    expect(pipeline.metrics().sinks.stuck).toMatchObject({ rejected: 2, pending: 0 })
    stuck.release()
  })

  it('keeps its deadline when a sink also hangs in close()', async () => {
    const hung: Sink = {
      name: 'hung',
      write: () => new Promise(() => {}),
      close: () => new Promise(() => {}),
    }
    const pipeline = createPipeline({ sinks: [hung] })
    const pending = pipeline.emit([ev('m1', 1)])
    pending.catch(() => {})
    // Without a bound on close() this never resolves (the test's own timeout fails it).
    const report = await pipeline.stop({ deadlineMs: 50 })
    expect(report.undrained).toEqual({ hung: 1 })
    await expect(pending).rejects.toMatchObject({ code: 'pipeline_stopped' })
  })

  it('counts a write that never settles as failed after writeTimeoutMs', async () => {
    const hung: Sink = { name: 'hung', write: () => new Promise(() => {}) }
    const letters: DeadLetter[] = []
    const pipeline = createPipeline({
      sinks: [{ sink: hung, writeTimeoutMs: 20, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } }],
      onDeadLetter: (l) => void letters.push(l),
    })
    await pipeline.emit([ev('m1', 1)])
    expect(letters).toHaveLength(1)
    expect(letters[0]).toMatchObject({ attempts: 2, error: { code: 'write_timeout' } })
  })

  it('acknowledges a duplicate only once the original is written, and not if the original is given back', async () => {
    const sink = scriptedSink('db', () => fatal('constraint'))
    sink.hold()
    const pipeline = createPipeline({ sinks: [sink] })
    const original = pipeline.emit([ev('m1', 1)])
    let duplicateSettled = false
    const duplicate = pipeline.emit([ev('m1', 1)]).finally(() => {
      duplicateSettled = true
    })
    await new Promise((r) => setTimeout(r, 20))
    expect(duplicateSettled).toBe(false) // waits for the original's write
    sink.release()
    await expect(original).rejects.toThrow('constraint')
    await expect(duplicate).rejects.toThrow('constraint')
  })

  it('gives back the later batches of a match whose batch was given back, keeping the order', async () => {
    let fail = true
    const sink = scriptedSink('db', (batch) =>
      fail && batch[0]!.matchId === 'm1' && batch[0]!.seq === 1 ? fatal('rejected') : undefined,
    )
    sink.hold()
    const pipeline = createPipeline({ sinks: [{ sink, maxBatchSize: 1 }] })
    const first = pipeline.emit([ev('m1', 1)])
    const second = pipeline.emit([ev('m1', 2)])
    const other = pipeline.emit([ev('m2', 1)])
    sink.release()
    await expect(first).rejects.toThrow('rejected')
    await expect(second).rejects.toThrow('rejected')
    await other
    fail = false
    await pipeline.emit([ev('m1', 1)])
    await pipeline.emit([ev('m1', 2)])
    expect(sink.writes.flat().map((e) => `${e.matchId}:${e.seq}`)).toEqual(['m2:1', 'm1:1', 'm1:2'])
  })

  it('lets no later batch overtake one waiting for room, whatever the sizes', async () => {
    const slow = scriptedSink('slow')
    slow.hold()
    const pipeline = createPipeline({ sinks: [{ sink: slow, maxQueuedEvents: 4, maxBatchSize: 1 }] })
    const sizes = [1, 3, 3, 1, 1]
    let seq = 0
    const emits = sizes.map((n) => pipeline.emit(Array.from({ length: n }, () => ev('m1', ++seq))))
    await new Promise((r) => setTimeout(r, 10))
    slow.release()
    await Promise.all(emits)
    expect(slow.writes.flat().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('keeps delivering when a listener throws', async () => {
    const sink = memorySink()
    const pipeline = createPipeline({ sinks: [sink] })
    pipeline.on('delivered', () => {
      throw new Error('listener bug')
    })
    pipeline.on('events', () => {
      throw new Error('listener bug')
    })
    await pipeline.emit([ev('m1', 1)])
    await pipeline.emit([ev('m1', 2)])
    expect(sink.events()).toHaveLength(2)
  })

  it('reports health: a sink down after repeated failures, a stale source, a source that failed', async () => {
    let clock = 1_000_000
    const broken = scriptedSink('broken', () => retryable())
    const pipeline = createPipeline({
      sinks: [
        memorySink(),
        { sink: broken, policy: 'drop-oldest', retry: { retries: 10, minDelayMs: 1, maxDelayMs: 1 } },
      ],
      staleAfterMs: 60_000,
      now: () => clock,
      sources: [
        {
          name: 'dead',
          start: async () => {
            throw new Error('cannot connect')
          },
        },
      ],
    })
    await pipeline.start()
    await pipeline.emit([ev('m1', 1)], 'live-feed')
    await vi.waitFor(() => expect(pipeline.health().sinks.broken!.status).toBe('down'))
    expect(pipeline.health().sources).toMatchObject({
      'live-feed': { status: 'healthy', liveMatches: 1 },
      dead: { status: 'down', error: 'cannot connect' },
    })
    clock += 61_000
    expect(pipeline.health().sources['live-feed']!.status).toBe('stale')
    await pipeline.emit([ev('m1', 2, 0, { type: 'period_end', result: null, period: 2 })], 'live-feed')
    clock += 61_000
    expect(pipeline.health().sources['live-feed']).toMatchObject({ status: 'healthy', liveMatches: 0 })
    expect(pipeline.health().status).toBe('down')
    await pipeline.stop({ deadlineMs: 10 })
  })

  it('measures ingest lag from the provider timestamp', async () => {
    const at = Date.parse('2026-11-24T15:00:02.000Z')
    const pipeline = createPipeline({ sinks: [memorySink()], now: () => at })
    await pipeline.emit([ev('m1', 1, 0, { timestamp: '2026-11-24T15:00:00.000Z' })], 'opta')
    const lag = pipeline.metrics().sources.opta!.ingestLag
    expect(lag.count).toBe(1)
    expect(lag.sum).toBeCloseTo(2, 9)
  })

  it('keeps the dedupe memory bounded over many matches', async () => {
    const pipeline = createPipeline({ sinks: [memorySink()], dedupe: { maxIdsPerMatch: 50, maxMatches: 20 } })
    for (let m = 0; m < 100; m++) {
      await pipeline.emit(Array.from({ length: 80 }, (_, n) => ev(`m${m}`, n)))
    }
    // Between half and all of each bound (the dedupe drops half at a time), never more.
    const { matches, ids } = pipeline.metrics().dedupe
    expect(matches).toBeGreaterThanOrEqual(10)
    expect(matches).toBeLessThanOrEqual(20)
    expect(ids).toBeGreaterThanOrEqual(matches * 25)
    expect(ids).toBeLessThanOrEqual(matches * 50)
    expect(Object.keys(pipeline.metrics().matches)).toHaveLength(20)
  })

  it('refuses two sinks with the same name', () => {
    expect(() => createPipeline({ sinks: [memorySink(), memorySink()] })).toThrow(/distinct name/)
  })
})

describe('health events', () => {
  it("emits 'health' when a sink's status changes", async () => {
    let fail = true
    const sink = scriptedSink('db', () => (fail ? retryable() : undefined))
    const pipeline = createPipeline({
      sinks: [{ sink, retry: { retries: 100, minDelayMs: 10, maxDelayMs: 10 } }],
    })
    const statuses: string[] = []
    pipeline.on('health', (h) => statuses.push(h.sinks.db!.status))
    const pending = pipeline.emit([ev('m1', 1)])
    await vi.waitFor(() => expect(statuses).toContain('down'))
    fail = false
    await pending
    expect(statuses).toEqual(['degraded', 'down', 'ok'])
  })
})

describe('sources added and removed while the pipeline runs', () => {
  /** A source that emits one event per tick until its signal aborts. */
  function ticking(name: string, matchId: string) {
    const state = { started: false, aborted: false }
    const source: Source = {
      name,
      async start(emit, signal) {
        state.started = true
        let n = 0
        while (!signal.aborted) {
          await emit([ev(matchId, n++)])
          await new Promise((r) => setTimeout(r, 2))
        }
        state.aborted = true
      },
    }
    return { source, state }
  }

  it('starts a source added to a running pipeline, stops it on removeSource, and refuses a duplicate name', async () => {
    const sink = memorySink()
    const pipeline = createPipeline({ sinks: [sink] })
    await pipeline.start()
    const kickOff = ticking('match-2', 'm2')
    pipeline.addSource(kickOff.source)
    expect(() => pipeline.addSource(ticking('match-2', 'm9').source)).toThrow(/already in the pipeline/)
    await vi.waitFor(() => expect(sink.match('m2').length).toBeGreaterThan(3))
    await pipeline.removeSource('match-2')
    expect(kickOff.state.aborted).toBe(true)
    const emitted = sink.match('m2').length
    await new Promise((r) => setTimeout(r, 20))
    expect(sink.match('m2')).toHaveLength(emitted) // nothing after removal
    pipeline.addSource(ticking('match-2', 'm2b').source) // the name is free again
    await vi.waitFor(() => expect(sink.match('m2b').length).toBeGreaterThan(0))
    await pipeline.removeSource('no-such-source')
    await pipeline.stop()
    expect(() => pipeline.addSource(ticking('late', 'm3').source)).toThrow(/stopped/)
  })

  it('starts a source added before start() with the others, and forgets one removed before it started', async () => {
    const sink = memorySink()
    const pipeline = createPipeline({ sinks: [sink] })
    const early = ticking('early', 'm1')
    const dropped = ticking('dropped', 'm4')
    pipeline.addSource(early.source)
    pipeline.addSource(dropped.source)
    await pipeline.removeSource('dropped')
    expect(early.state.started).toBe(false)
    await pipeline.start()
    await vi.waitFor(() => expect(sink.match('m1').length).toBeGreaterThan(0))
    expect(dropped.state.started).toBe(false)
    await pipeline.stop()
    expect(early.state.aborted).toBe(true)
  })
})
