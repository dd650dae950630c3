import { MatchfeedError } from '../../errors.js'

/** The most events one `backfill` call is asked for, unless `maxBackfill` says otherwise. */
export const DEFAULT_MAX_BACKFILL = 1_000

/**
 * A gap in a feed's sequence too large to back-fill (more events than `maxBackfill`): handed to
 * `onDeadLetter` with the frame that revealed it, instead of asking `backfill` for it. That frame's events
 * still pass. `from`..`to` (inclusive) are the sequence numbers missing, for a catch-up of your own.
 * Often a sign that `sequence` reads no counter at all (see docs/websocket.md, "Sequences").
 */
export class SequenceGapError extends MatchfeedError {
  readonly source: string
  readonly from: number
  readonly to: number

  constructor(source: string, from: number, to: number, maxBackfill: number) {
    super(
      `${source}: sequence gap ${from}..${to} (${to - from + 1} events) is more than maxBackfill (${maxBackfill}): not back-filled`,
      { code: 'sequence_gap', retryable: false },
    )
    this.source = source
    this.from = from
    this.to = to
  }
}
