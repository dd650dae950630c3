import { MatchfeedError } from '../errors.js'

/** The signature schemes matchfeed verifies. */
export type WebhookScheme = 'standard-webhooks' | 'hmac' | 'timestamped'

/**
 * Why a delivery was refused. `malformed_header` means the sender speaks another format or version
 * (a configuration problem); `bad_signature` means well-formed signatures, none matching (wrong secret,
 * changed body, or a forgery).
 */
export type WebhookFailureReason =
  | 'missing_header'
  | 'malformed_header'
  | 'bad_signature'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_body'
  | 'invalid_secret'

/** What a successful verification proves and what a receiver should de-duplicate on. */
export interface VerifiedWebhook {
  scheme: WebhookScheme
  /** The delivery id (`webhook-id`, or the configured `idHeader`), when there is one. */
  id: string | undefined
  /** The signed timestamp in unix seconds, for the timestamped schemes. */
  timestamp: number | undefined
  /**
   * What to de-duplicate on, always something the signature covers: `webhook-id` for standard-webhooks,
   * the SHA-256 (hex) of the matched signature for hmac and timestamped — an unsigned id header could be changed
   * by whoever replays, and a hash rather than the signature itself, which could be sent again.
   */
  replayKey: string
}

/** One secret, or several during a rotation: any one matching suffices. */
export type Secrets = string | readonly string[]

/**
 * A webhook delivery that failed verification. Never retryable: the same bytes fail the same way.
 * Messages name the header and the expected form, never a secret or an expected signature.
 */
export class WebhookVerificationError extends MatchfeedError {
  readonly reason: WebhookFailureReason
  readonly scheme: WebhookScheme
  readonly header?: string

  constructor(
    message: string,
    options: { reason: WebhookFailureReason; scheme: WebhookScheme; header?: string; cause?: unknown },
  ) {
    super(message, { code: 'webhook_verification_failed', retryable: false, cause: options.cause })
    this.reason = options.reason
    this.scheme = options.scheme
    if (options.header !== undefined) this.header = options.header
  }
}
