import { invalidOption } from '../errors.js'
import { type WebhookScheme, WebhookVerificationError } from './errors.js'

/** Replay window. The timestamp is checked in both directions, in whole seconds. */
export interface ClockOptions {
  /** Seconds, default 300. Must be a finite number > 0: there is no way to switch the check off. */
  tolerance?: number
  /** Milliseconds since the epoch, default `Date.now`. */
  now?: () => number
}

const DEFAULT_TOLERANCE_SECONDS = 300

/**
 * @internal Validates the clock options up front (a bad tolerance is a programming error, so it is a
 * MatchfeedError `invalid_option`, not a verification failure) and returns the checker.
 */
export function resolveClock(options: ClockOptions, owner: string): { tolerance: number; now: () => number } {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE_SECONDS
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance <= 0) {
    throw invalidOption(
      owner,
      'tolerance',
      `must be a finite number of seconds > 0 (default ${DEFAULT_TOLERANCE_SECONDS}), got ${String(tolerance)}; the timestamp check cannot be disabled`,
    )
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') {
    throw invalidOption(owner, 'now', 'must be a function returning milliseconds since the epoch')
  }
  return { tolerance, now }
}

// Unix seconds as decimal digits only: no sign, no fraction, no exponent (parseInt would accept `12abc`).
const TIMESTAMP = /^[0-9]{1,12}$/

/** @internal Parses a signed timestamp header value; `undefined` when it is not unix seconds. */
export function parseUnixSeconds(value: string): number | undefined {
  return TIMESTAMP.test(value) ? Number(value) : undefined
}

/** @internal The message for a timestamp header that is not unix seconds. */
export function timestampFormatMessage(value: string): string {
  if (/^[0-9]{13,}$/.test(value)) return 'looks like milliseconds; expected unix seconds'
  return `expected unix seconds (decimal digits), got ${value.length > 20 ? 'a longer value' : JSON.stringify(value)}`
}

/**
 * @internal Compares the signed timestamp with the clock, in whole seconds (like the Standard Webhooks
 * reference libraries), in both directions.
 */
export function checkTimestamp(
  scheme: WebhookScheme,
  header: string,
  timestamp: number,
  clock: { tolerance: number; now: () => number },
): void {
  const nowMs = clock.now()
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    throw invalidOption(scheme, 'now', 'must return a finite number of milliseconds since the epoch')
  }
  const now = Math.floor(nowMs / 1000)
  if (now - timestamp > clock.tolerance) {
    throw new WebhookVerificationError(
      `${scheme}: timestamp in ${header} is ${now - timestamp} s old, more than the ${clock.tolerance} s tolerance (a replay, a late retry, or a clock out of sync)`,
      { reason: 'timestamp_too_old', scheme, header },
    )
  }
  if (timestamp - now > clock.tolerance) {
    throw new WebhookVerificationError(
      `${scheme}: timestamp in ${header} is ${timestamp - now} s in the future, more than the ${clock.tolerance} s tolerance (a clock out of sync?)`,
      { reason: 'timestamp_too_new', scheme, header },
    )
  }
}
