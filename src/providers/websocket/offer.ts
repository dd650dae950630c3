import type { MatchEvent } from '../../event/schema.js'
import { delay, ignoreAbort } from '../../time.js'
import { backoffMs, type StreamRun } from './stream-run.js'

/**
 * A frame cannot be un-read: a batch the pipeline gave back is offered again, with backoff, until it is
 * taken or the source stops (the socket meanwhile pauses once its buffer is full).
 */
export async function emitUntilTaken(run: StreamRun, batch: MatchEvent[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run.emit(batch)
    } catch (error) {
      if (run.signal.aborted) throw error
      run.settings.options.onConnectionError?.(error)
      await delay(backoffMs(run.settings, attempt), run.signal).catch(ignoreAbort(run.signal))
    }
  }
}

/** Offers a batch until taken, then moves `lastSeq` on: only what the sinks accepted counts as delivered. */
export async function emitAdvancing(
  run: StreamRun,
  batch: MatchEvent[],
  sequence: (event: MatchEvent) => number | undefined,
): Promise<void> {
  await emitUntilTaken(run, batch)
  // A resume replays from here.
  for (const event of batch) {
    const seq = sequence(event)
    if (seq !== undefined && (run.state.lastSeq === undefined || seq > run.state.lastSeq))
      run.state.lastSeq = seq
  }
}
