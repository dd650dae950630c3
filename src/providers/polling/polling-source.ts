import type { MatchEvent } from '../../event/schema.js'
import type { Source } from '../../pipeline/contracts.js'
import { delay, ignoreAbort } from '../../time.js'
import { createSnapshotDiffer } from '../snapshot.js'

export interface PollingSourceOptions {
  name: string
  matchId: string
  /** Fetches and parses one whole snapshot of the match. */
  poll(signal: AbortSignal): Promise<MatchEvent[]>
  intervalMs: number
  stampVersions: boolean
  /** Stop after this snapshot (the match is over). Default: poll until the pipeline stops. */
  isFinal?(snapshot: readonly MatchEvent[]): boolean
  onError?(error: unknown): void
}

/**
 * A Source that polls a whole-match endpoint (StatsBomb, Stats Perform MA3) and emits only what changed.
 * Its state moves on only after `emit` resolved; a failed poll or a rejected emit is retried at the next
 * interval. An abort ends it quietly, mid-wait too.
 */
export function createPollingSource(options: PollingSourceOptions): Source & { polls(): number } {
  const differ = createSnapshotDiffer({ stampVersions: options.stampVersions, maxMatches: 1 })
  let polls = 0
  return {
    name: options.name,
    polls: () => polls,
    async start(emit, signal) {
      while (!signal.aborted) {
        let final = false
        try {
          polls++
          const snapshot = await options.poll(signal)
          const diff = differ.diff(options.matchId, snapshot)
          if (diff.changes.length > 0) await emit(diff.changes)
          diff.commit()
          final = options.isFinal?.(snapshot) ?? false
        } catch (error) {
          if (signal.aborted) return
          options.onError?.(error)
        }
        if (final) return
        await delay(options.intervalMs, signal).catch(ignoreAbort(signal))
      }
    },
  }
}
