import { invalidOption } from '../../errors.js'
import type { MatchEvent } from '../../event/schema.js'
import type { FrameConnection } from './connection.js'
import { DEFAULT_MAX_BACKFILL } from './sequence-gap.js'
import type { StreamSourceOptions, StreamSourceState } from './types.js'

/** Opens one connection; called per (re)connect with the state so far (for a resume from `lastSeq`). */
export type Connect = (state: StreamSourceState, signal: AbortSignal) => Promise<FrameConnection>

/** A stream source's options, resolved and checked once. */
export interface StreamSettings {
  readonly options: StreamSourceOptions
  readonly name: string
  readonly connect: Connect
  readonly timeoutMs: number
  readonly minDelayMs: number
  readonly maxDelayMs: number
  readonly maxBackfill: number
}

/**
 * All that one `start` of a stream source works with, in one place: its settings, its (shared, mutable)
 * state, where events go and when to stop. The modules of this folder are functions of it.
 */
export interface StreamRun {
  readonly settings: StreamSettings
  readonly state: StreamSourceState
  readonly emit: (batch: MatchEvent[]) => Promise<void>
  readonly signal: AbortSignal
}

export function streamSettings(
  options: StreamSourceOptions,
  defaultName: string,
  connect: Connect,
  owner: string,
): StreamSettings {
  const maxBackfill = options.maxBackfill ?? DEFAULT_MAX_BACKFILL
  if (!Number.isSafeInteger(maxBackfill) || maxBackfill < 1) {
    throw invalidOption(owner, 'maxBackfill', `must be a positive integer, got ${maxBackfill}`)
  }
  return {
    options,
    name: options.name ?? defaultName,
    connect,
    timeoutMs: options.heartbeat?.timeoutMs ?? 30_000,
    minDelayMs: options.reconnect?.minDelayMs ?? 500,
    maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
    maxBackfill,
  }
}

export function initialState(): StreamSourceState {
  return { connected: false, connects: 0, lastSeq: undefined, lastFrameAt: undefined, deadLetters: 0 }
}

/** The wait before retry number `attempt` (from 0): exponential, capped, with jitter (50–100 %). */
export function backoffMs(settings: StreamSettings, attempt: number): number {
  return Math.min(settings.maxDelayMs, settings.minDelayMs * 2 ** attempt) * (0.5 + Math.random() / 2)
}

/** Counts a frame that cannot pass and tells `onDeadLetter`; a throwing hook goes to `onConnectionError`. */
export async function deadLetter(run: StreamRun, raw: string, error: unknown): Promise<void> {
  const { options, name } = run.settings
  run.state.deadLetters++
  try {
    await options.onDeadLetter?.({ raw, error, source: name })
  } catch (hookError) {
    options.onConnectionError?.(hookError)
  }
}
