import type { MatchEvent } from '../event/schema.js'
import type { VersionDeduper } from './dedupe.js'
import type { SinkRunner } from './sink-runner.js'

/**
 * Hands validated batches to every sink's queue, less the duplicates by (id, version), and settles once
 * every `block` sink has the batch (or it was dead-lettered).
 */
export class FanOut {
  // Events handed to the sinks and not yet settled: at most what the queues hold.
  private readonly inflight = new Map<string, { version: number; outcome: Promise<void> }>()

  constructor(
    private readonly runners: readonly SinkRunner[],
    private readonly dedupe: VersionDeduper,
  ) {}

  /** Rejects when a `block` sink gave the batch back: the source keeps it and sends it again. */
  async deliver(batch: readonly MatchEvent[]): Promise<void> {
    const { fresh, duplicates } = this.dedupe.admit(batch)
    for (const runner of this.runners) {
      runner.counters.received += batch.length
      runner.counters.deduplicated += duplicates.length
    }
    const required: Promise<void>[] = [...this.writesOf(duplicates)]
    for (const runner of this.runners) {
      const delivered = runner.enqueue(fresh)
      if (runner.policy === 'block') required.push(delivered)
      else delivered.catch(() => {}) // best effort: settles on its own, never fails the source
    }
    const outcome = Promise.allSettled(required).then((results) => {
      const failed = results.find((r) => r.status === 'rejected')
      if (failed) throw failed.reason
    })
    for (const event of fresh) this.inflight.set(event.id, { version: event.version, outcome })
    try {
      await outcome
    } catch (error) {
      this.dedupe.forget(fresh) // the source will send these again: let them through then
      throw error
    } finally {
      for (const event of fresh)
        if (this.inflight.get(event.id)?.outcome === outcome) this.inflight.delete(event.id)
    }
  }

  /**
   * The writes still under way of the events these duplicate: a duplicate is acknowledged only once that
   * write is, otherwise a sender would get its 2xx for an event that may yet be given back.
   */
  private writesOf(duplicates: readonly MatchEvent[]): Set<Promise<void>> {
    const originals = new Set<Promise<void>>()
    for (const event of duplicates) {
      const pending = this.inflight.get(event.id)
      if (pending && pending.version >= event.version) originals.add(pending.outcome)
    }
    return originals
  }
}
