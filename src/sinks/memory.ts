import { supersedes } from '../event/merge.js'
import type { MatchEvent } from '../event/schema.js'
import type { Sink } from '../pipeline/contracts.js'

export interface MemorySink extends Sink {
  /** The latest version of every event, in the order each id was first written. */
  events(): MatchEvent[]
  /** The latest version of every event of one match, in `seq` order. */
  match(matchId: string): MatchEvent[]
  /** How many `write` calls were made (each a durable batch). */
  readonly writes: number
}

/**
 * Keeps events in memory, idempotent on (id, version) like every sink: tests, examples, and a reference
 * for what a sink must do.
 */
export function memorySink(options: { name?: string } = {}): MemorySink {
  const byId = new Map<string, MatchEvent>()
  let writes = 0
  return {
    name: options.name ?? 'memory',
    async write(batch) {
      writes++
      for (const event of batch) {
        const current = byId.get(event.id)
        if (current === undefined || supersedes(event, current)) byId.set(event.id, event)
      }
    },
    events: () => [...byId.values()],
    match: (matchId) => [...byId.values()].filter((e) => e.matchId === matchId).sort((a, b) => a.seq - b.seq),
    get writes() {
      return writes
    },
  }
}
