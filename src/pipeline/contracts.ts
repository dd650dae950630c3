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

/**
 * A step every batch goes through, in order, before validation and the (`id`, `version`) dedupe: it returns
 * the batch to go on with (the same array when nothing changed, or a new one; never change the events in
 * place). What it returns is validated. It may be async. When it throws, the batch is given back to its
 * source (`emit` rejects with that error), as when a `block` sink could not take it.
 */
export interface Transform {
  readonly name: string
  transform(batch: readonly MatchEvent[]): readonly MatchEvent[] | Promise<readonly MatchEvent[]>
}
