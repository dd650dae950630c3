import { MatchfeedError } from '../errors.js'

/**
 * A sink's failure, the twin of ProviderHttpError: which sink (`sink`, its `name`), a stable `code`
 * (`postgres_error`, `redis_error`, …), `retryable`, and the backend's own code (`backendCode`: a SQLSTATE,
 * a Redis reply word) when the backend gave one. The message never holds a credential.
 */
export class SinkError extends MatchfeedError {
  readonly sink: string
  readonly backendCode: string | undefined

  constructor(args: {
    sink: string
    code: string
    message: string
    retryable: boolean
    backendCode?: string | undefined
    cause?: unknown
  }) {
    super(args.message, { code: args.code, retryable: args.retryable, cause: args.cause })
    this.sink = args.sink
    this.backendCode = args.backendCode
  }
}
