import { SinkError } from '../sink-error.js'

/**
 * A failure talking to Kinesis: a SinkError with code `kinesis_error` and the AWS error name (or the
 * socket's code) as `backendCode`. Classified by name, never by the SDK's `$retryable` (unset on throttling).
 */
export class KinesisError extends SinkError {
  /** The AWS error name (`ProvisionedThroughputExceededException`, `ValidationException`…) or a socket code. */
  get awsCode(): string | undefined {
    return this.backendCode
  }
}

// Errors a later attempt can get past: throttling, the service's own failures, timeouts, dropped sockets.
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'KMSThrottlingException',
  'InternalFailure',
  'InternalFailureException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ResourceInUseException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

// Errors the same request meets again: bad input, a missing stream, missing permissions, a KMS key problem.
const PERMANENT = new Set([
  'ValidationException',
  'InvalidArgumentException',
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'ExpiredNextTokenException',
  'SerializationException',
  'record_too_large',
])

/** The name that classifies an error: the AWS exception name, else a socket code (`ECONNRESET`). */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as { name?: unknown; code?: unknown; Code?: unknown }
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name
  if (typeof e.Code === 'string') return e.Code
  return typeof e.code === 'string' ? e.code : undefined
}

/** Whether a retry can succeed: a known name decides; an unknown one is retryable unless the service answered 4xx. */
export function isRetryableAwsError(name: string | undefined, error?: unknown): boolean {
  if (name !== undefined && RETRYABLE.has(name)) return true
  if (name !== undefined && PERMANENT.has(name)) return false
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode
  return status === undefined || status >= 500
}

/** Wraps what the SDK threw (a KinesisError is passed through); `what` names the operation. */
export function kinesisError(what: string, error: unknown, sink = 'kinesis'): KinesisError {
  if (KinesisError.isInstance(error)) return error
  const name = awsErrorName(error)
  const detail = error instanceof Error ? error.message : String(error)
  return new KinesisError({
    sink,
    code: 'kinesis_error',
    message: `kinesis: ${what} failed${name ? ` (${name})` : ''}: ${detail}`,
    retryable: isRetryableAwsError(name, error),
    backendCode: name,
    cause: error,
  })
}
