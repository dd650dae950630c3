// The in-process fan-out of the embedded default: live listeners of this instance (the WebSocket hub).
import { EventEmitter } from 'node:events'
import type { MatchEvent, Sink } from 'matchfeed'

export interface LocalBus extends Sink {
  /** Calls `listener` with every batch of `matchId` delivered from now on; returns the unsubscribe. */
  subscribe(matchId: string, listener: (events: readonly MatchEvent[]) => void): () => void
}

export function createLocalBus(): LocalBus {
  const emitter = new EventEmitter()
  emitter.setMaxListeners(0)
  return {
    name: 'local-bus',
    async write(batch) {
      // The pipeline writes one match per batch (its lanes are per match).
      const matchId = batch[0]?.matchId
      if (matchId !== undefined) emitter.emit(matchId, batch)
    },
    subscribe(matchId, listener) {
      emitter.on(matchId, listener)
      return () => emitter.off(matchId, listener)
    },
  }
}
