export { type HttpFailureCode, ProviderHttpError } from './errors.js'
export { parseRateLimit, type RateLimitState, retryAfterMs } from './rate-limit.js'
export {
  createHttpTransport,
  type HttpResult,
  type HttpRetryOptions,
  type HttpTimeouts,
  type HttpTransport,
  type HttpTransportOptions,
  type RequestOptions,
} from './transport.js'
