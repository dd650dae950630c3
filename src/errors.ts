/**
 * Every error matchfeed throws on purpose is a MatchfeedError: a stable `code` to branch on, and
 * `retryable` to tell a caller (or the pipeline) whether trying the same thing again can succeed.
 * Messages never contain secrets.
 */
export class MatchfeedError extends Error {
  readonly code: string
  readonly retryable: boolean

  constructor(message: string, options: { code: string; retryable?: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = options.code
    this.retryable = options.retryable ?? false
  }
}

/**
 * A provider payload that cannot be read: names the provider, the field (a dotted path such as
 * `events[12].location`) and the reason. Never retryable: the same bytes fail the same way.
 */
export class ProviderPayloadError extends MatchfeedError {
  readonly provider: string
  readonly field: string
  readonly reason: string

  constructor(provider: string, field: string, reason: string, options: { cause?: unknown } = {}) {
    super(`${provider}: ${field || '(payload)'}: ${reason}`, {
      code: 'invalid_payload',
      retryable: false,
      cause: options.cause,
    })
    this.provider = provider
    this.field = field
    this.reason = reason
  }
}
