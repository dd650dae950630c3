import type { MatchEvent } from '../event/schema.js'

/**
 * The live protocol, version 1 (docs/live.md): JSON text frames, each an object with `v: 1` and a `type`.
 * Positions are opaque strings in the store's own order (a Redis Streams entry id, a per-match counter):
 * a client keeps the last one it saw per match and hands it back to resume.
 */
export const LIVE_PROTOCOL_VERSION = 1

/** Client → hub. `auth` only as the first message, when the upgrade request carried no token. */
export type LiveClientMessage =
  | { type: 'auth'; token: string }
  | { type: 'subscribe'; matchId: string; after?: string }
  | { type: 'unsubscribe'; matchId: string }
  | { type: 'resume'; positions: Record<string, string> }

/** Hub → client. */
export type LiveServerMessage =
  | { v: 1; type: 'hello'; heartbeatMs: number; maxSubscriptions: number; maxMessageBytes: number }
  | {
      v: 1
      type: 'snapshot'
      matchId: string
      /** The latest version of every event so far (deleted ones with `deleted: true`), in order of first entry. */
      events: MatchEvent[]
      /** The position the snapshot stands at: resume after it. */
      position: string
      /** More snapshot frames of this match follow; the state is complete at the one without `more`. */
      more?: true
    }
  | {
      v: 1
      type: 'event'
      matchId: string
      /** In position order; a correction is a higher `version` of an id, a deletion has `deleted: true`. */
      events: MatchEvent[]
      /** The position of the last event of the frame. */
      position: string
    }
  /** The subscription is at the head (after its snapshot or catch-up): live events follow. */
  | { v: 1; type: 'subscribed'; matchId: string; position: string }
  | { v: 1; type: 'unsubscribed'; matchId: string }
  | { v: 1; type: 'resync'; reason: string }
  | { v: 1; type: 'error'; code: LiveErrorCode; message: string; matchId?: string }
  | { v: 1; type: 'ping' }

export type LiveErrorCode = 'bad_message' | 'unauthorized' | 'forbidden' | 'too_many_subscriptions'

/** WebSocket close codes the hub uses. */
export const LIVE_CLOSE = {
  /** The hub is shutting down. */
  goingAway: 1001,
  /** A message over `maxMessageBytes` (ws closes with it). */
  tooBig: 1009,
  /** No or a refused token. */
  unauthorized: 4401,
  /** The send buffer overflowed (after a `resync` message), or the store failed: reconnect and resume. */
  resync: 4408,
} as const
