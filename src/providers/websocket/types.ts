import type { MatchEvent } from '../../event/schema.js'
import type { Source } from '../../pipeline/contracts.js'

export interface StreamSourceOptions {
  /** Names the source in metrics and health. */
  name?: string
  /**
   * Turns one frame into events; nothing (or an empty array) for control frames. A throw dead-letters the
   * frame, and so does an event that validateMatchEvents refuses (invalid, or beyond the storage bounds).
   */
  parse: (frame: string) => MatchEvent[] | undefined | null
  /** No frame at all for this long means a dead connection (half-open, no close frame): reconnect. Default 30 s. */
  heartbeat?: { timeoutMs?: number; ping?: { intervalMs: number; message: string } }
  /** Reconnects forever until stopped, backing off exponentially with jitter. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number }
  /**
   * A counter the feed increments by one per event, read from an event (`undefined` for an event it does not
   * number): replays, gaps and resumes are judged on it. One counter for the whole connection. Leave it out
   * unless the feed numbers its events so: MatchEvent `seq` is an order within a match, not such a counter
   * (custom payloads without a `seq` of their own get period × 10⁷ + ms; see docs/websocket.md, "Sequences").
   */
  sequence?: (event: MatchEvent) => number | undefined
  /**
   * Fetches the events `from`..`to` (inclusive) that a gap skipped, e.g. from the provider's REST API; events
   * outside that range are ignored. Never asked for more than `maxBackfill` events.
   */
  backfill?: (from: number, to: number) => Promise<MatchEvent[]>
  /**
   * The most events one `backfill` call may be asked for. A larger gap is not requested: it goes to
   * `onDeadLetter` as a SequenceGapError naming `from` and `to`, with the frame after the gap, whose events
   * still pass. Default 1,000.
   */
  maxBackfill?: number
  /**
   * Frames that could not be parsed or held invalid events, with the raw text: the connection lives on. Also
   * told about a gap too large to back-fill (a SequenceGapError; that frame is delivered).
   */
  onDeadLetter?: (frame: { raw: string; error: unknown; source: string }) => unknown
  /** Told about every connection failure and reconnect, for logs. */
  onConnectionError?: (error: unknown) => void
}

export interface StreamSourceState {
  connected: boolean
  connects: number
  lastSeq: number | undefined
  lastFrameAt: number | undefined
  deadLetters: number
}

export type StreamSource = Source & { state(): StreamSourceState }
