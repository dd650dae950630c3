import type { MatchEvent } from '../event/schema.js'

/**
 * Something that produces MatchEvents: a webhook receiver, a poller, a WebSocket feed.
 * `emit` resolves only when every required sink has durably accepted the batch — that is both the
 * backpressure and the acknowledgement: a webhook answers 2xx, a poller advances its cursor, only then.
 */
export interface Source {
  readonly name: string
  start(emit: (batch: MatchEvent[]) => Promise<void>, signal: AbortSignal): Promise<void>
}

/**
 * Somewhere MatchEvents go. `write` resolves after the batch is durable and is idempotent on
 * (`id`, `version`): writing the same batch twice changes nothing; a higher version replaces a lower one.
 */
export interface Sink {
  readonly name: string
  write(batch: readonly MatchEvent[]): Promise<void>
  close?(): Promise<void>
}
