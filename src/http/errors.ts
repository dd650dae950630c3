import { MatchfeedError } from '../errors.js'

/** Why a provider request failed, as a stable code. */
export type HttpFailureCode =
  | 'network' // the connection failed or was reset
  | 'timeout' // connect, headers or body took too long, or the overall deadline passed
  | 'rate_limited' // 429, or a provider's "too many requests" in a 2xx body
  | 'quota_exhausted' // a daily quota: retrying soon cannot help
  | 'unauthorized' // 401, or a provider's bad-key error
  | 'forbidden' // 403: outside the plan or a bad key on a restricted resource
  | 'not_found'
  | 'bad_request' // another 4xx, or a provider's parameter error
  | 'server_error' // 5xx
  | 'invalid_response' // a 2xx that is not the JSON it should be

/**
 * A failed provider request. `retryable` says whether the same request may succeed later;
 * `retryAfterMs` how long to wait when the provider said so. The message and `bodyExcerpt` never contain
 * the API key or any other configured credential.
 */
export class ProviderHttpError extends MatchfeedError {
  readonly provider: string
  readonly status: number | undefined
  override readonly code: HttpFailureCode
  readonly retryAfterMs: number | undefined
  readonly bodyExcerpt: string | undefined

  constructor(args: {
    provider: string
    code: HttpFailureCode
    message: string
    status?: number
    retryable: boolean
    retryAfterMs?: number
    bodyExcerpt?: string
    cause?: unknown
  }) {
    super(`${args.provider}: ${args.message}`, {
      code: args.code,
      retryable: args.retryable,
      cause: args.cause,
    })
    this.provider = args.provider
    this.code = args.code
    this.status = args.status
    this.retryAfterMs = args.retryAfterMs
    this.bodyExcerpt = args.bodyExcerpt
  }
}
