import type { MatchEvent } from '../../event/schema.js'
import { emitAdvancing, emitUntilTaken } from './offer.js'
import { SequenceGapError } from './sequence-gap.js'
import { deadLetter, type StreamRun } from './stream-run.js'

type Sequence = (event: MatchEvent) => number | undefined

/**
 * Passes a frame's events downstream in order: with a `sequence`, replayed events are skipped and a gap is
 * back-filled first (or dead-lettered when larger than maxBackfill).
 */
export async function deliver(run: StreamRun, raw: string, events: MatchEvent[]): Promise<void> {
  const { sequence, backfill } = run.settings.options
  if (!sequence) {
    if (events.length > 0) await emitUntilTaken(run, events)
    return
  }
  let batch: MatchEvent[] = []
  let last = run.state.lastSeq // the events of this frame before `event` count too
  for (const event of events) {
    const seq = sequence(event)
    if (seq !== undefined && last !== undefined && seq <= last) continue // replayed
    if (seq !== undefined && last !== undefined && seq > last + 1 && backfill) {
      if (batch.length > 0) await emitAdvancing(run, batch, sequence)
      batch = []
      await backfillGap(run, raw, last + 1, seq - 1, backfill, sequence)
    }
    if (seq !== undefined) last = seq
    batch.push(event)
  }
  if (batch.length > 0) await emitAdvancing(run, batch, sequence)
}

/** Asks for the events `from`..`to`, unless there are more than maxBackfill: that gap is dead-lettered. */
async function backfillGap(
  run: StreamRun,
  raw: string,
  from: number,
  to: number,
  backfill: (from: number, to: number) => Promise<MatchEvent[]>,
  sequence: Sequence,
): Promise<void> {
  const { name, maxBackfill } = run.settings
  if (to - from + 1 > maxBackfill)
    return deadLetter(run, raw, new SequenceGapError(name, from, to, maxBackfill))
  const missing = (await backfill(from, to))
    .map((event) => ({ event, seq: sequence(event) }))
    .filter(
      (m): m is { event: MatchEvent; seq: number } => m.seq !== undefined && m.seq >= from && m.seq <= to,
    )
    .sort((a, b) => a.seq - b.seq)
    .map((m) => m.event)
  if (missing.length > 0) await emitAdvancing(run, missing, sequence)
}
